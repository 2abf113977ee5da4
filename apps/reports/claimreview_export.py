"""Reports as a schema.org DataFeed of ClaimReviews, the markup search engines and fact-check
aggregators read. The markup itself comes from apps.verdicts.claimreview, so the API and the
reports publish the same thing; drafts and retracted verdicts never appear in it."""

import json
from collections.abc import Iterable

from apps.verdicts.claimreview import claim_review_feed
from apps.verdicts.models import Verdict


def claimreview_bytes(verdicts: Iterable[Verdict]) -> bytes:
    """Expects verdicts with claim__article and rating loaded."""
    return json.dumps(claim_review_feed(verdicts), ensure_ascii=False, indent=2).encode("utf-8")
