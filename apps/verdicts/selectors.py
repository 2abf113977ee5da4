"""Reads shared by the admin, the API and the reports, so all three agree on what is public."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from apps.claims.models import Claim
from apps.sources.models import Citation
from apps.verdicts.models import Verdict


def verdicts_public() -> QuerySet[Verdict]:
    """Verdicts the public may see: published, corrected, and retracted (shown as retracted)."""
    return Verdict.objects.filter(state__in=Verdict.PUBLIC_STATES)


def claims_published(*, article_id: int | None = None) -> QuerySet[Claim]:
    """Claims that have a public verdict, each with `public_verdicts` (newest first) and
    `public_citations` (with source and snapshot) prefetched."""
    claims = Claim.objects.filter(
        Exists(verdicts_public().filter(claim=OuterRef("pk")))
    ).select_related("article")
    if article_id is not None:
        claims = claims.filter(article_id=article_id)
    return claims.prefetch_related(
        Prefetch(
            "verdicts",
            queryset=verdicts_public().select_related("rating").order_by("-published_at"),
            to_attr="public_verdicts",
        ),
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("source", "snapshot").order_by("created_at"),
            to_attr="public_citations",
        ),
    ).order_by("article_id", "start")


def verdict_live_for_claim(*, claim_id: int) -> Verdict | None:
    """The claim's verdict that is not retracted, if any (at most one, by a DB constraint)."""
    return (
        Verdict.objects.exclude(state=Verdict.State.RETRACTED)
        .select_related("rating", "author", "approver")
        .filter(claim_id=claim_id)
        .first()
    )
