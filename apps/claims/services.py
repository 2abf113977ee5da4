"""Writes to claims: creating an article's claims from an extraction, and re-extraction that
keeps reviewer work."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from apps.claims.extraction import ExtractedClaim, Extraction, extract
from apps.claims.models import Claim


@dataclass(frozen=True, slots=True)
class ReextractionResult:
    added: int
    kept: int
    stale: int


def _claim_from(article, found: ExtractedClaim) -> Claim:
    return Claim(
        article=article,
        text=found.text,
        start=found.start,
        end=found.end,
        score=found.score,
        kind=found.kind,
        reasons=list(found.reasons),
        contributions=list(found.contributions),
        model_version=found.model_version,
    )


def claims_create(*, article, extraction: Extraction, by=None) -> list[Claim]:
    """Create the claims of a newly imported article (it has none yet)."""
    claims = [_claim_from(article, found) for found in extraction.claims]
    if claims:
        claims = bulk_create_with_history(claims, Claim, default_user=by)
    return claims


def claims_extract(*, article, threshold: float | None = None, by=None) -> ReextractionResult:
    """Re-run extraction on an article and reconcile it with the claims it already has.

    A claim that is found again (same span and text, or the same text at a moved span) is kept
    with its status, assignee, citations and verdicts; its score, kind, reasons, contributions and
    model version are refreshed (so re-extraction moves every claim to the current model),
    and a stale claim that reappears is reopened. New claims are added. Claims no longer found are
    marked stale, never deleted: they may carry citations, verdicts or an assignee, and their
    history stays readable.
    """
    from apps.articles.models import Article

    extraction = extract(article.body, threshold=threshold)
    with transaction.atomic():
        # One re-extraction per article at a time.
        article = Article.objects.select_for_update().get(pk=article.pk)
        existing = list(Claim.objects.filter(article=article).order_by("start", "end"))
        by_span = {(claim.start, claim.end): claim for claim in existing}
        by_text: dict[str, list[Claim]] = defaultdict(list)
        for claim in existing:
            by_text[claim.text].append(claim)

        matched: set[int] = set()
        pending: list[ExtractedClaim] = []
        changed: dict[int, Claim] = {}
        for found in extraction.claims:
            claim = by_span.get((found.start, found.end))
            if claim is not None and claim.text == found.text and claim.pk not in matched:
                _refresh(claim, found, changed)
                matched.add(claim.pk)
            else:
                pending.append(found)
        # Second pass, once every exact match is taken: the same sentence at a moved span.
        to_create: list[Claim] = []
        for found in pending:
            claim = next((c for c in by_text.get(found.text, ()) if c.pk not in matched), None)
            if claim is None:
                to_create.append(_claim_from(article, found))
                continue
            claim.start, claim.end = found.start, found.end
            changed[claim.pk] = claim
            _refresh(claim, found, changed)
            matched.add(claim.pk)

        stale = 0
        for claim in existing:
            if claim.pk not in matched and claim.status != Claim.Status.STALE:
                claim.status = Claim.Status.STALE
                changed[claim.pk] = claim
                stale += 1

        if changed:
            # Moved spans are written first as a block; they cannot collide with one another
            # because the extraction's spans are distinct.
            bulk_update_with_history(
                list(changed.values()),
                Claim,
                [
                    "start",
                    "end",
                    "score",
                    "kind",
                    "reasons",
                    "contributions",
                    "model_version",
                    "status",
                    "updated_at",
                ],
                default_user=by,
            )
        if to_create:
            bulk_create_with_history(to_create, Claim, default_user=by)
        Article.objects.filter(pk=article.pk).update(extracted_at=timezone.now())
    return ReextractionResult(added=len(to_create), kept=len(matched), stale=stale)


def _refresh(claim: Claim, found: ExtractedClaim, changed: dict[int, Claim]) -> None:
    updates = {
        "score": found.score,
        "kind": found.kind,
        "reasons": list(found.reasons),
        "contributions": list(found.contributions),
        "model_version": found.model_version,
    }
    if claim.status == Claim.Status.STALE:
        updates["status"] = Claim.Status.OPEN
    for field, value in updates.items():
        if getattr(claim, field) != value:
            setattr(claim, field, value)
            claim.updated_at = timezone.now()
            changed[claim.pk] = claim


class ClaimError(Exception):
    """A claim rule was broken; the message is meant for the user."""


def _require_change(by) -> None:
    if not (by and by.is_active and by.has_perm("claims.change_claim")):
        raise ClaimError("You are not allowed to change claims.")


def claims_assign(*, claim_ids: list[int], assignee, by) -> int:
    """Put claims in a reviewer's queue (or take them out with assignee=None). Only open claims
    are assigned; returns how many changed."""
    _require_change(by)
    if assignee is not None and not assignee.is_active:
        raise ClaimError(f"{assignee} is not an active user.")
    with transaction.atomic():
        claims = list(
            Claim.objects.select_for_update()
            .filter(pk__in=claim_ids, status=Claim.Status.OPEN)
            .exclude(assignee=assignee)
        )
        for claim in claims:
            claim.assignee = assignee
            claim._change_reason = f"assigned to {assignee}" if assignee else "unassigned"
        if claims:
            bulk_update_with_history(claims, Claim, ["assignee"], default_user=by)
    return len(claims)


def claims_set_status(*, claim_ids: list[int], status: str, by) -> int:
    """Mark claims not check-worthy, or reopen them. A claim with a live verdict keeps its status:
    retract or finish the verdict first. Returns how many changed."""
    _require_change(by)
    if status not in (Claim.Status.OPEN, Claim.Status.NOT_CHECKWORTHY):
        raise ClaimError("Claims can only be reopened or marked not check-worthy here.")
    with transaction.atomic():
        claims = list(
            Claim.objects.select_for_update()
            .filter(pk__in=claim_ids)
            .exclude(status=status)
            .exclude(verdicts__state__in=["submitted", "approved", "published", "corrected"])
        )
        for claim in claims:
            claim.status = status
            claim._change_reason = f"marked {Claim.Status(status).label.lower()}"
        if claims:
            bulk_update_with_history(claims, Claim, ["status"], default_user=by)
    return len(claims)
