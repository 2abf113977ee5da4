from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, When

from apps.claims.models import Claim


def claims_of_article(*, article, include_stale: bool = True) -> QuerySet[Claim]:
    """An article's claims in reading order, with what the admin and reports show beside them."""
    claims = (
        Claim.objects.filter(article=article)
        .select_related("assignee")
        .annotate(citation_count=Count("citations", distinct=True))
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
    from apps.verdicts.models import Verdict

    verdicts = Verdict.objects.filter(claim=OuterRef("pk")).exclude(state=Verdict.State.RETRACTED)
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
