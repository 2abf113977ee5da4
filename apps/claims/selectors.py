"""Reads of claims that more than one caller needs.

Articles and verdicts sit above claims (they import apps.claims; claims never imports them). Where
claims code must touch one of them (lock a claim's article, ask whether a claim has a live
verdict) it reaches the model through the relation that already joins them, so the rule about
which states count as live stays on the Verdict model and is not copied here.
"""

from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Subquery, When

from apps.claims.models import Claim, ClaimComment


def article_model() -> type[models.Model]:
    """The Article model, through Claim.article."""
    return Claim._meta.get_field("article").related_model


def verdict_model() -> type[models.Model]:
    """The Verdict model, through the reverse relation Claim.verdicts; it names its state sets
    (LIVE_STATES, UNDER_WAY_STATES, ...)."""
    return Claim._meta.get_field("verdicts").related_model


def _latest_verdict(field: str) -> Subquery:
    verdicts = verdict_model().objects.filter(claim=OuterRef("pk")).order_by("-created_at", "-pk")
    return Subquery(verdicts.values(field)[:1])


def claim_progress(claim: Claim) -> str:
    """Where a claim stands, for colouring it in the article: "open" (no verdict yet),
    "draft" (a verdict being written), "review" (submitted or approved), "published",
    "retracted", or the claim's own status when it is not a claim to check (not_checkworthy,
    stale). Reads `latest_verdict_state` as annotated by claims_of_article."""
    if claim.status != Claim.Status.OPEN:
        return claim.status
    Verdict = verdict_model()
    state = getattr(claim, "latest_verdict_state", None)
    if state is None:
        return "open"
    if state in Verdict.EDITABLE_STATES:
        return "draft"
    if state in Verdict.REVIEWED_STATES:
        return "review"
    if state in Verdict.LIVE_PUBLIC_STATES:
        return "published"
    return "retracted"


def claims_of_article(*, article, include_stale: bool = True) -> QuerySet[Claim]:
    """An article's claims in reading order, with what the admin and reports show beside them:
    their citation count and their latest verdict's state, rating label and rating colour."""
    claims = (
        Claim.objects.filter(article=article)
        .select_related("assignee")
        .annotate(
            citation_count=Count("citations", distinct=True),
            latest_verdict_state=_latest_verdict("state"),
            latest_verdict_rating=_latest_verdict("rating__label"),
            latest_verdict_colour=_latest_verdict("rating__colour"),
        )
        .order_by("start", "end")
    )
    if not include_stale:
        claims = claims.exclude(status=Claim.Status.STALE)
    return claims


def claims_feedback(*, since=None) -> QuerySet[Claim]:
    """The reviewers' decisions on whether sentences are claims, as training examples.

    Check-worthy (``feedback=True``): a claim a reviewer added from the text, a claim a reviewer
    kept (they took back a "not a claim", or a verdict was written on it). Not check-worthy
    (``feedback=False``): a sentence a reviewer marked not a claim. A claim only the scorer has
    spoken on, or a stale one, is no decision and is left out. With ``since`` (an aware
    datetime), only decisions made from then on: the decision's ``reviewed_at``, or the
    verdict's creation.
    """
    Verdict = verdict_model()
    verdicts = Verdict.objects.filter(claim=OuterRef("pk"), state__in=Verdict.LIVE_STATES)
    decided = Q(reviewed_at__isnull=False) if since is None else Q(reviewed_at__gte=since)
    if since is not None:
        verdicts = verdicts.filter(created_at__gte=since)
    kept = Q(status=Claim.Status.OPEN) & (
        Q(origin=Claim.Origin.REVIEWER) | Q(reviewed_at__isnull=False) | Exists(verdicts)
    )
    if since is not None:
        kept &= decided | Exists(verdicts)
    rejected = Q(status=Claim.Status.NOT_CHECKWORTHY)
    if since is not None:
        rejected &= decided
    return (
        Claim.objects.filter(kept | rejected)
        .annotate(feedback=Case(When(rejected, then=False), default=True))
        .order_by("pk")
    )


def claim_comments(*, claim_id: int) -> QuerySet[ClaimComment]:
    """A claim's staff conversation, oldest first (staff pages only; never public)."""
    return (
        ClaimComment.objects.filter(claim_id=claim_id)
        .select_related("author")
        .order_by("created_at", "id")
    )
