"""Prior checks: has this claim been checked before, here or by another organisation?

A claim is compared with every claim that has a published verdict (in any article) and with the
imported external fact-checks. Candidates come from the database's own text search (trigram
similarity plus full-text search on PostgreSQL, over GIN indexes; a bounded word filter on
SQLite), then `apps.verdicts.priorscore` scores and explains each one. Matches at or above
PRIOR_CHECK_SUGGEST are stored; a reviewer confirms or rejects them, and a decided match is
never suggested again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import SearchQuery, SearchVector, TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.utils import timezone

from apps.claims.models import Claim
from apps.verdicts.models import ExternalFactCheck, PriorCheckMatch, Verdict
from apps.verdicts.priorscore import STOPWORDS, PriorScore, claim_terms, prior_score
from factcheck.errors import Conflict, NotPermitted, Refused

CHECKED_STATES = Verdict.LIVE_PUBLIC_STATES  # published and standing, a correction under way too
CANDIDATES = 20  # per source and per search method, before scoring
SEARCH_TERMS = 4  # words of the claim the full-text search looks for, longest first
PORTABLE_SCAN = 500
# pg_trgm's `%` threshold for the trigram half of the search (its default, 0.3, lets the index
# hand back most of an archive of similar sentences); the labelled rewordings are all above it.
TRIGRAM_THRESHOLD = 0.45
# Claims are searched without the "has a published verdict" join (a hash join over every
# verdict), this many at most per method, then the checked ones kept.
CLAIM_SCAN = 100  # rows the SQLite fallback scores at most, per source
_TERM = re.compile(r"[a-z0-9]+")

# The reviewer's decisions: action -> (from state, to state, button label).
DECISIONS = {
    "confirm": (PriorCheckMatch.State.SUGGESTED, PriorCheckMatch.State.CONFIRMED, "Same claim"),
    "reject": (PriorCheckMatch.State.SUGGESTED, PriorCheckMatch.State.REJECTED, "Not the same"),
}


@dataclass(frozen=True, slots=True)
class Candidate:
    kind: str  # "claim" or "external"
    pk: int
    text: str


def checked_claims():
    """Claims with a published (or corrected) verdict: the ones that count as already checked."""
    return Claim.objects.filter(
        Exists(Verdict.objects.filter(claim=OuterRef("pk"), state__in=CHECKED_STATES))
    )


def _search_terms(text: str) -> list[str]:
    terms = []
    for term in _TERM.findall(text.lower()):
        if term not in STOPWORDS and len(term) > 1 and term not in terms:
            terms.append(term)
    return terms


def _postgres(queryset, field: str, text: str, limit: int) -> list[tuple[int, str]]:
    """Rows that share at least two of the claim's longest words (full-text search over the
    GIN tsvector index), ranked by trigram similarity to it; when none do (a short claim, a
    misspelt one), rows that are trigram-similar to it (pg_trgm's `%` over the GIN trigram
    index). Full-text search comes first because it is the cheap one: in an archive of similar
    sentences the trigram index hands back a large part of the table to recheck."""
    # (a & b) | (a & c) | ...: one shared common word ("crime") would match too much.
    terms = sorted(_search_terms(text), key=len, reverse=True)[:SEARCH_TERMS]
    if len(terms) >= 2:
        pairs = " | ".join(f"({a} & {b})" for i, a in enumerate(terms) for b in terms[i + 1 :])
        query = SearchQuery(pairs, search_type="raw", config="english")
        found = list(
            queryset.annotate(document=SearchVector(field, config="english"))
            .filter(document=query)
            .annotate(similarity=TrigramSimilarity(field, text))
            .order_by("-similarity", "pk")
            .values_list("pk", field)[:limit]
        )
        if found:
            return found
    with transaction.atomic():
        with connection.cursor() as cursor:
            # `%` compares with this setting; the ORM cannot set it. Local to the transaction.
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
                [str(TRIGRAM_THRESHOLD)],
            )
        return list(
            queryset.filter(TrigramSimilar(F(field), Value(text)))
            .annotate(similarity=TrigramSimilarity(field, text))
            .order_by("-similarity", "pk")
            .values_list("pk", field)[:limit]
        )


def _portable(queryset, field: str, text: str, limit: int) -> list[tuple[int, str]]:
    """SQLite has no trigram or tsvector index: keep the rows that contain two of the claim's
    four longest words (one, for a one-word claim), newest first and at most `limit`, and let
    the scorer rank them. Two words, as on PostgreSQL, keep a common one from filling the scan."""
    terms = sorted(_search_terms(text), key=len, reverse=True)[:SEARCH_TERMS]
    if not terms:
        return []
    contains = [Q(**{f"{field}__icontains": term}) for term in terms]
    condition = Q()
    if len(contains) == 1:
        condition = contains[0]
    for i, first in enumerate(contains):
        for second in contains[i + 1 :]:
            condition |= first & second
    return list(queryset.filter(condition).order_by("-pk").values_list("pk", field)[:limit])


def prior_candidates(text: str, *, exclude_claim_ids=()) -> list[Candidate]:
    """Unscored candidates for `text` from checked claims and external fact-checks."""
    if connection.vendor == "postgresql":
        search, limit = _postgres, CANDIDATES
    else:
        search, limit = _portable, PORTABLE_SCAN
    claims = checked_claims().exclude(pk__in=list(exclude_claim_ids))
    found = [Candidate("claim", pk, t) for pk, t in search(claims, "text", text, limit)]
    externals = ExternalFactCheck.objects.all()
    found += [
        Candidate("external", pk, t) for pk, t in search(externals, "claim_text", text, limit)
    ]
    return found


def prior_candidates_scored(
    text: str, *, exclude_claim_ids=(), minimum: float | None = None
) -> list[tuple[Candidate, PriorScore]]:
    """Candidates scored and explained, best first, keeping those at or above `minimum`
    (PRIOR_CHECK_SUGGEST by default)."""
    minimum = settings.PRIOR_CHECK_SUGGEST if minimum is None else minimum
    terms = claim_terms(text)
    scored = []
    for candidate in prior_candidates(text, exclude_claim_ids=exclude_claim_ids):
        result = prior_score(terms, candidate.text)
        if result.score >= minimum:
            scored.append((candidate, result))
    scored.sort(key=lambda pair: (-pair[1].score, pair[0].kind, pair[0].pk))
    return scored


def prior_checks_match(*, claim_ids) -> int:
    """Look for prior checks of these claims and store the matches; returns how many were new.

    Safe to run again: a decided match (confirmed or rejected) is left exactly as the reviewer
    left it and never suggested again; a suggestion still found is re-scored, and one no longer
    found (its verdict was retracted, the claim reworded) is dropped.
    """
    claims = list(
        Claim.objects.filter(pk__in=list(claim_ids))
        .exclude(status__in=[Claim.Status.STALE, Claim.Status.NOT_CHECKWORTHY])
        .only("pk", "text")
    )
    created = 0
    for claim in claims:
        scored = prior_candidates_scored(claim.text, exclude_claim_ids=[claim.pk])
        with transaction.atomic():
            existing = {
                (m.prior_claim_id, m.external_id): m
                for m in PriorCheckMatch.objects.select_for_update().filter(claim=claim)
            }
            kept: set[int] = set()
            new = []
            for candidate, result in scored:
                key = (candidate.pk, None) if candidate.kind == "claim" else (None, candidate.pk)
                match = existing.get(key)
                if match is None:
                    new.append(
                        PriorCheckMatch(
                            claim=claim,
                            prior_claim_id=key[0],
                            external_id=key[1],
                            score=result.score,
                            reasons=result.reasons,
                        )
                    )
                    continue
                kept.add(match.pk)
                if match.state == PriorCheckMatch.State.SUGGESTED:
                    PriorCheckMatch.objects.filter(pk=match.pk).update(
                        score=result.score, reasons=result.reasons, updated_at=timezone.now()
                    )
            gone = [
                m.pk
                for m in existing.values()
                if m.state == PriorCheckMatch.State.SUGGESTED and m.pk not in kept
            ]
            PriorCheckMatch.objects.filter(pk__in=gone).delete()
            # A concurrent run may have stored the same pair: the unique constraints keep one.
            created += len(PriorCheckMatch.objects.bulk_create(new, ignore_conflicts=True))
    return created


def prior_check_decide(*, match: PriorCheckMatch, action: str, by) -> PriorCheckMatch:
    """Confirm or reject a suggested match. The decision is kept for good: a later extraction
    or import never suggests a decided pair again."""
    if action not in DECISIONS:
        raise Refused(f"Unknown decision {action!r}.")
    if not (by and by.is_active and by.has_perm("claims.change_claim")):
        raise NotPermitted("You are not allowed to decide prior checks.")
    source, target, _label = DECISIONS[action]
    changed = PriorCheckMatch.objects.filter(pk=match.pk, state=source).update(
        state=target, decided_by=by, decided_at=timezone.now(), updated_at=timezone.now()
    )
    if not changed:
        raise Conflict("This match has already been decided.")
    match.refresh_from_db()
    return match
