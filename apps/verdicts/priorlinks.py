"""Reads of prior checks that the claim page, the queue and the API share, so they agree on
what is shown: suggestions at or above PRIOR_CHECK_SUGGEST and confirmed links for staff; only
confirmed links between published claims for the public."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from apps.verdicts.models import LIVE_PUBLIC_STATES, PriorCheckMatch, Verdict
from apps.verdicts.selectors import verdicts_public

State = PriorCheckMatch.State


def _live_verdicts() -> QuerySet[Verdict]:
    return Verdict.objects.filter(state__in=LIVE_PUBLIC_STATES)


def prior_matches_open() -> QuerySet[PriorCheckMatch]:
    """Matches a reviewer should see: confirmed ones, and suggestions at or above the suggest
    threshold; a claim-to-claim match only while the earlier claim's verdict is still live."""
    live = Exists(_live_verdicts().filter(claim=OuterRef("prior_claim")))
    return PriorCheckMatch.objects.filter(
        Q(state=State.CONFIRMED) | Q(state=State.SUGGESTED, score__gte=settings.PRIOR_CHECK_SUGGEST)
    ).filter(Q(external__isnull=False) | live)


def prior_matches_for_claims(
    claim_ids, *, decided: bool = False
) -> dict[int, list[PriorCheckMatch]]:
    """Staff view: each claim's open matches (with `decided`, every decided one too), best
    first, each with `prior_verdict` (the earlier claim's live verdict and rating) or its
    external fact-check. Two queries for any number of claims."""
    shown = PriorCheckMatch.objects.all() if decided else prior_matches_open()
    matches = (
        shown.filter(claim_id__in=list(claim_ids))
        .select_related("external", "prior_claim__article", "decided_by")
        .prefetch_related(
            Prefetch(
                "prior_claim__verdicts",
                queryset=_live_verdicts().select_related("rating").order_by("-published_at"),
                to_attr="live_verdicts",
            )
        )
        .order_by("claim_id", "-score", "pk")
    )
    found: dict[int, list[PriorCheckMatch]] = defaultdict(list)
    for match in matches:
        verdicts = getattr(match.prior_claim, "live_verdicts", None) if match.prior_claim else None
        match.prior_verdict = verdicts[0] if verdicts else None
        found[match.claim_id].append(match)
    return found


def prior_links_public(claim_ids) -> dict[int, list[dict]]:
    """Public view: confirmed links from these claims to earlier published claims, both with a
    public verdict. Suggestions, rejections and external matches stay internal. One query."""
    current = _live_verdicts().filter(claim=OuterRef("prior_claim")).order_by("-published_at")
    rows = (
        PriorCheckMatch.objects.filter(
            claim_id__in=list(claim_ids), state=State.CONFIRMED, prior_claim__isnull=False
        )
        .filter(Exists(verdicts_public().filter(claim=OuterRef("claim"))))
        .filter(Exists(current))
        .annotate(rating_label=Subquery(current.values("rating__label")[:1]))
        .order_by("claim_id", "-score", "pk")
        .values("claim_id", "prior_claim_id", "prior_claim__article_id", "rating_label")
    )
    found: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        found[row["claim_id"]].append(
            {
                "claim": row["prior_claim_id"],
                "article": row["prior_claim__article_id"],
                "rating": row["rating_label"],
            }
        )
    return found


def claims_with_prior_checks(claims: QuerySet, *, minimum: float) -> QuerySet:
    """Claims (from any queryset) with an open match scoring at least `minimum`, or a confirmed
    one: the queue's "possibly already checked" and "likely repeat" filters."""
    matching = prior_matches_open().filter(claim=OuterRef("pk"))
    return claims.filter(Exists(matching.filter(Q(score__gte=minimum) | Q(state=State.CONFIRMED))))


def prior_best_for_claims(claim_ids) -> dict[int, float]:
    """Each claim's strongest open match (a confirmed one counts as 1.0), for a queue column.
    One query."""
    best: dict[int, float] = {}
    rows = prior_matches_open().filter(claim_id__in=list(claim_ids))
    for claim_id, score, state in rows.values_list("claim_id", "score", "state"):
        score = 1.0 if state == State.CONFIRMED else score
        best[claim_id] = max(score, best.get(claim_id, 0.0))
    return best
