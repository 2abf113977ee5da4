"""schema.org ClaimReview JSON-LD for published verdicts, one at a time or as a DataFeed.

Used by the API and by the reports, so both publish the same markup. Retracted verdicts are left
out: a retracted review must disappear from the feeds that search engines read.
"""

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from apps.verdicts.models import Verdict

CONTEXT = "https://schema.org"
REVIEWABLE_STATES = (Verdict.State.PUBLISHED, Verdict.State.CORRECTED)


def _organization() -> dict:
    return {
        "@type": "Organization",
        "name": settings.ORGANIZATION_NAME,
        "url": settings.ORGANIZATION_URL,
    }


def claim_review_url(verdict: Verdict) -> str:
    claim = verdict.claim
    return f"{settings.SITE_URL}/api/v1/articles/{claim.article_id}/report.html#claim-{claim.pk}"


def claim_review(verdict: Verdict, *, with_context: bool = True) -> dict:
    """One ClaimReview. Expects verdict.claim.article and verdict.rating loaded."""
    claim = verdict.claim
    article = claim.article
    rating = verdict.rating
    item: dict = {"@type": "Claim", "appearance": {"@type": "CreativeWork"}}
    if article.canonical_url:
        item["appearance"]["url"] = article.canonical_url
    item["appearance"]["headline"] = article.title
    if article.author:
        item["author"] = {"@type": "Person", "name": article.author}
    if article.published_on:
        item["datePublished"] = article.published_on.isoformat()
    review = {
        "@type": "ClaimReview",
        "url": claim_review_url(verdict),
        "claimReviewed": claim.text,
        "datePublished": timezone.localdate(verdict.published_at).isoformat(),
        "author": _organization(),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": rating.rating_value,
            "bestRating": rating.best_rating,
            "worstRating": rating.worst_rating,
            "alternateName": rating.alternate_name,
        },
        "itemReviewed": item,
    }
    if verdict.corrected_at:
        review["dateModified"] = verdict.corrected_at.isoformat()
    if with_context:
        review = {"@context": CONTEXT, **review}
    return review


def claim_review_feed(verdicts: Iterable[Verdict]) -> dict:
    """A schema.org DataFeed of ClaimReviews; verdicts that are not public are skipped."""
    elements = [
        {
            "@type": "DataFeedItem",
            "dateCreated": v.published_at.isoformat(),
            "item": claim_review(v, with_context=False),
        }
        for v in verdicts
        if v.state in REVIEWABLE_STATES
    ]
    return {
        "@context": CONTEXT,
        "@type": "DataFeed",
        "name": f"{settings.ORGANIZATION_NAME} fact checks",
        "dateModified": timezone.now().isoformat(),
        "dataFeedElement": elements,
    }
