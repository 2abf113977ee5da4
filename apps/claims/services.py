"""Writes to claims: creating an article's claims from an extraction, and re-extraction that
keeps reviewer work."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from apps.claims.extraction import (
    MAX_CLAIM_CHARS,
    ExtractedClaim,
    Extraction,
    extract,
    scoring,
)
from apps.claims.models import COMMENT_MAX_CHARS, Claim, ClaimComment
from apps.claims.priorchecks import prior_checks_enqueue
from apps.claims.selectors import article_model, verdict_model
from factcheck.errors import BadInput, Conflict, NotFound, NotPermitted, Refused


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
    prior_checks_enqueue(claim_ids=[claim.pk for claim in claims])
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
    Article = article_model()
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
        decisions: list[Claim] = []
        for claim in existing:
            if claim.pk in matched or claim.status == Claim.Status.STALE:
                continue
            # The reviewer has the last word: a claim they added, or a sentence they marked not
            # a claim, stays as they left it while its text is still at its span, whatever the
            # scorer now thinks of it.
            decided = claim.origin == Claim.Origin.REVIEWER or (
                claim.status == Claim.Status.NOT_CHECKWORTHY
            )
            if decided and article.body[claim.start : claim.end] == claim.text:
                decisions.append(claim)
                continue
            claim.status = Claim.Status.STALE
            changed[claim.pk] = claim
            stale += 1
        # Nor does a sentence the scorer now cuts differently come back over those words as a
        # new claim: that would reopen the decision under another id.
        to_create = [
            new
            for new in to_create
            if not any(new.start < d.end and d.start < new.end for d in decisions)
        ]

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
        prior_checks_enqueue(claim_ids=[c.pk for c in to_create] + sorted(matched))
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


class ClaimError(Refused):
    """A claim rule was broken; the message is meant for the user."""


class ClaimPermissionError(NotPermitted, ClaimError):
    """The user may not change claims."""


def _require_change(by) -> None:
    if not (by and by.is_active and by.has_perm("claims.change_claim")):
        raise ClaimPermissionError("You are not allowed to change claims.")


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
    retract or finish the verdict first. Returns how many changed.

    Either way it is a reviewer's decision about the sentence, stamped in ``reviewed_at``: it
    survives re-extraction (see ``claims_extract``) and is exported as training feedback."""
    _require_change(by)
    if status not in (Claim.Status.OPEN, Claim.Status.NOT_CHECKWORTHY):
        raise ClaimError("Claims can only be reopened or marked not check-worthy here.")
    with transaction.atomic():
        claims = list(
            Claim.objects.select_for_update()
            .filter(pk__in=claim_ids)
            .exclude(status=status)
            .exclude(verdicts__state__in=verdict_model().UNDER_WAY_STATES)
        )
        now = timezone.now()
        for claim in claims:
            claim.status = status
            claim.reviewed_at = now
            claim._change_reason = f"marked {Claim.Status(status).label.lower()}"
        if claims:
            bulk_update_with_history(claims, Claim, ["status", "reviewed_at"], default_user=by)
    return len(claims)


# --- the reviewer's own decisions ---------------------------------------------------------------

REVIEWER_REASON = "added by reviewer"


def _require_review(by) -> None:
    if not (by and by.is_active and by.has_perm("claims.change_claim")):
        raise NotPermitted("You are not allowed to review claims.")


def _span_check(body: str, start, end) -> tuple[int, int]:
    """The span with surrounding whitespace trimmed, or a refusal saying what is wrong with it."""
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (start, end)):
        raise BadInput("The start and end of the selection must be whole numbers.")
    if not 0 <= start < end <= len(body):
        raise BadInput(
            f"Characters {start} to {end} are not a span of this article's text "
            f"(it has {len(body):,} characters)."
        )
    text = body[start:end]
    if not text.strip():
        raise BadInput("The selection is only whitespace; select the words of the claim.")
    start += len(text) - len(text.lstrip())
    end -= len(text) - len(text.rstrip())
    if end - start > MAX_CLAIM_CHARS:
        raise BadInput(
            f"The selection is {end - start:,} characters; a claim is at most "
            f"{MAX_CLAIM_CHARS:,}. Select one sentence or a few."
        )
    return start, end


def claim_add(*, article, start: int, end: int, by) -> Claim:
    """Make a claim of any span of the article's text (the scorer may have skipped it).

    The span is trimmed of surrounding whitespace so that ``text == body[start:end]`` holds
    exactly. The scorer still gives its score, kind and contributions (a reviewer reads them
    beside their own judgement), but the claim's origin is the reviewer and re-extraction never
    marks it stale. A span that overlaps an existing claim, of any status, is refused: two claims
    over the same words would split their sources and verdicts.
    """
    _require_review(by)
    start, end = _span_check(article.body, start, end)
    with transaction.atomic():
        # The same lock as claims_extract: an extraction and an added claim never interleave.
        article = article_model().objects.select_for_update().filter(pk=article.pk).first()
        if article is None:
            raise NotFound("That article no longer exists.")
        taken = (
            Claim.objects.filter(article=article, start__lt=end, end__gt=start)
            .order_by("start")
            .first()
        )
        if taken is not None:
            same = (taken.start, taken.end) == (start, end)
            raise Conflict(
                f"{'That span is already' if same else 'The selection overlaps'} claim "
                f"#{taken.pk} “{taken}” ({taken.get_status_display().lower()})."
            )
        text = article.body[start:end]
        assessment = scoring.assess(text)
        claim = Claim(
            article=article,
            text=text,
            start=start,
            end=end,
            score=assessment.score,
            kind=assessment.kind,
            reasons=[REVIEWER_REASON],
            # Older scorers give neither; the claim page shows what there is.
            contributions=list(getattr(assessment, "contributions", [])),
            model_version=getattr(assessment, "model_version", ""),
            origin=Claim.Origin.REVIEWER,
            reviewed_at=timezone.now(),
        )
        claim._history_user = by
        claim._change_reason = REVIEWER_REASON
        claim.save()
    return claim


def claim_decide(*, claim: Claim, checkworthy: bool, by) -> Claim:
    """One reviewer's call on one claim: not a claim after all, or (undoing that) a claim.

    The bulk admin actions go through ``claims_set_status`` too; this one says why nothing
    changed, since a reviewer clicked a button on this very claim."""
    _require_review(by)
    status = Claim.Status.OPEN if checkworthy else Claim.Status.NOT_CHECKWORTHY
    changed = claims_set_status(claim_ids=[claim.pk], status=status, by=by)
    current = Claim.objects.filter(pk=claim.pk).first()
    if current is None:
        raise NotFound("That claim no longer exists.")
    if not changed:
        if current.status == status:
            raise Refused(f"This claim is already {current.get_status_display().lower()}.")
        raise Refused("A verdict is under way on this claim: retract or finish it first.")
    return current


# --- the claim's conversation -------------------------------------------------------------------


def claim_comment_add(*, claim: Claim, body: str, by) -> ClaimComment:
    """Add a staff member's comment to a claim's thread. Staff only: an account without staff
    status (or no longer active) may not write one, whatever its groups say."""
    if not (by and by.is_active and by.is_staff and by.has_perm("claims.view_claim")):
        raise NotPermitted("Only active staff members may comment on claims.")
    if not isinstance(body, str) or not body.strip():
        raise BadInput("Write something before sending the comment.")
    body = body.strip()
    if len(body) > COMMENT_MAX_CHARS:
        raise BadInput(
            f"A comment holds at most {COMMENT_MAX_CHARS} characters; this one has {len(body)}."
        )
    return ClaimComment.objects.create(claim=claim, author=by, body=body)
