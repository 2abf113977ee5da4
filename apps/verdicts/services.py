"""Every change to a verdict goes through here: edits with optimistic locking, and the steps of
the workflow table (apps.verdicts.workflow). A step checks the actor's permission and the note,
locks the row, then checks the state and its own rule on the locked row, records a
VerdictTransition and bumps the version, so a stale form can never overwrite newer work."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from apps.claims.models import Claim
from apps.sources.models import Citation, Snapshot
from apps.verdicts.claimsets import claim_set_freeze
from apps.verdicts.models import Rating, Verdict, VerdictTransition
from apps.verdicts.workflow import PERM_CREATE, PERM_EDIT, STEPS_BY_NAME
from factcheck.errors import Conflict, NotPermitted, Refused

State = Verdict.State


class VerdictError(Refused):
    """A verdict rule was broken; the message is meant for the user."""


class VerdictPermissionError(NotPermitted, VerdictError):
    """The user lacks the permission this step of the workflow needs."""


class VerdictConflictError(Conflict, VerdictError):
    """Someone else changed the verdict after the user loaded it."""


def _require(user, perm: str, action: str) -> None:
    if not (user and user.is_active and user.has_perm(perm)):
        raise VerdictPermissionError(f"You are not allowed to {action}.")


def _locked(verdict: Verdict, expected_version: int | None) -> Verdict:
    current = Verdict.objects.select_for_update().get(pk=verdict.pk)
    if expected_version is not None and current.version != expected_version:
        raise VerdictConflictError(
            "This verdict was changed by someone else since you opened it "
            f"(your copy is version {expected_version}, it is now version {current.version}). "
            "Reload the page and apply your change again."
        )
    return current


def _apply(current: Verdict, *, to: str, by, comment: str, changes: dict) -> Verdict:
    from_state = current.state
    for field, value in changes.items():
        setattr(current, field, value)
    current.state = to
    current.version += 1
    current._change_reason = (comment or f"{from_state} → {to}")[:100]
    current._history_user = by
    current.save()
    current.refresh_from_db()
    VerdictTransition.objects.create(
        verdict=current, from_state=from_state, to_state=to, by=by, comment=comment
    )
    return current


def _step(
    name: str,
    *,
    verdict: Verdict,
    by,
    note: str,
    version: int | None,
    check: Callable[[Verdict], None] | None = None,
    changes: Callable[[Verdict], dict] | None = None,
) -> Verdict:
    """Run one step of the workflow table: permission and note first (they need no row), then
    lock, then the state and the step's own `check` on the locked row, then the change."""
    step = STEPS_BY_NAME[name]
    _require(by, step.permission, step.may)
    if step.note_required and not note.strip():
        raise VerdictError(step.note_required)
    current = _locked(verdict, version)
    if current.state not in step.sources:
        raise VerdictError(
            f"A verdict that is {current.get_state_display().lower()} cannot be moved to "
            f"{State(step.target).label.lower()}."
        )
    if check is not None:
        check(current)
    moved = _apply(
        current, to=step.target, by=by, comment=note, changes=changes(current) if changes else {}
    )
    if step.freezes:
        claim_set_freeze(
            article=moved.claim.article, by=by, reason=f"{step.target} verdict {moved.pk}"
        )
    return moved


@transaction.atomic
def verdict_create(*, claim: Claim, by, rating: Rating | None = None, summary: str = "") -> Verdict:
    _require(by, PERM_CREATE, "write verdicts")
    # Lock, then check: a colleague may have closed the claim since the caller loaded it.
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != Claim.Status.OPEN:
        raise VerdictError(f"The claim is {claim.get_status_display().lower()}; reopen it first.")
    if Verdict.objects.filter(claim=claim, state__in=Verdict.LIVE_STATES).exists():
        raise VerdictError("This claim already has a verdict; edit that one instead.")
    verdict = Verdict(claim=claim, author=by, rating=rating, summary=summary)
    verdict._change_reason = "created"
    verdict._history_user = by
    verdict.save()
    return verdict


@transaction.atomic
def verdict_update(
    *,
    verdict: Verdict,
    by,
    version: int,
    rating: Rating | None,
    summary: str,
    archive_override: str = "",
) -> Verdict:
    """Edit a draft. `version` is the one the user's form was built from (optimistic locking)."""
    _require(by, PERM_EDIT, "edit verdicts")
    current = _locked(verdict, version)
    if current.state not in Verdict.EDITABLE_STATES:
        raise VerdictError(
            f"A verdict that is {current.get_state_display().lower()} cannot be edited"
            + (
                "; retract or correct it instead."
                if current.state in Verdict.PUBLIC_STATES
                else "; ask for changes first."
            )
        )
    changes = {"rating": rating, "summary": summary, "archive_override": archive_override}
    if current.state == State.CHANGES_REQUESTED:
        return _apply(current, to=State.DRAFT, by=by, comment="edited", changes=changes)
    for field, value in changes.items():
        setattr(current, field, value)
    current.version += 1
    current._change_reason = "edited"
    current._history_user = by
    current.save()
    current.refresh_from_db()
    return current


@transaction.atomic
def verdict_submit(
    *, verdict: Verdict, by, comment: str = "", version: int | None = None
) -> Verdict:
    def complete(current: Verdict) -> None:
        missing = [
            name
            for name, ok in (
                ("a rating", current.rating_id),
                ("a summary", current.summary.strip()),
            )
            if not ok
        ]
        if missing:
            raise VerdictError(f"Add {' and '.join(missing)} before submitting.")

    return _step(
        "submit",
        verdict=verdict,
        by=by,
        note=comment,
        version=version,
        check=complete,
        changes=lambda current: {"submitted_at": timezone.now()},
    )


@transaction.atomic
def verdict_request_changes(
    *, verdict: Verdict, by, comment: str, version: int | None = None
) -> Verdict:
    return _step(
        "request_changes",
        verdict=verdict,
        by=by,
        note=comment,
        version=version,
        changes=lambda current: {"approver": None, "approved_at": None},
    )


@transaction.atomic
def verdict_reopen(
    *, verdict: Verdict, by, comment: str = "", version: int | None = None
) -> Verdict:
    """Back to draft after changes were requested, so the author can edit."""
    return _step("reopen", verdict=verdict, by=by, note=comment, version=version)


@transaction.atomic
def verdict_approve(
    *, verdict: Verdict, by, comment: str = "", version: int | None = None
) -> Verdict:
    def not_the_author(current: Verdict) -> None:
        if current.author_id == by.pk:
            raise VerdictError("You wrote this verdict; another editor must approve it.")

    return _step(
        "approve",
        verdict=verdict,
        by=by,
        note=comment,
        version=version,
        check=not_the_author,
        changes=lambda current: {"approver": by, "approved_at": timezone.now()},
    )


@dataclass(frozen=True)
class PublishCheck:
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verdict_publish_check(*, verdict: Verdict) -> PublishCheck:
    """What stands between an approved verdict and publication, in words for the editor."""
    problems = []
    if verdict.rating_id is None:
        problems.append("it has no rating")
    if not verdict.summary.strip():
        problems.append("it has no summary")
    citations = list(Citation.objects.filter(claim_id=verdict.claim_id).select_related("source"))
    if not citations:
        problems.append("the claim has no cited source")
    if not verdict.archive_override.strip():
        archived_sources = set(
            Snapshot.objects.filter(
                source_id__in=[c.source_id for c in citations], state=Snapshot.State.ARCHIVED
            ).values_list("source_id", flat=True)
        )
        unarchived = [c.source.url for c in citations if c.source_id not in archived_sources]
        if unarchived:
            problems.append(
                "these sources are not archived (archive them or give an override reason): "
                + ", ".join(unarchived)
            )
    return PublishCheck(problems)


def _publishable(current: Verdict) -> None:
    check = verdict_publish_check(verdict=current)
    if not check.ok:
        raise VerdictError("Cannot publish: " + "; ".join(check.problems) + ".")


@transaction.atomic
def verdict_publish(
    *, verdict: Verdict, by, comment: str = "", version: int | None = None
) -> Verdict:
    return _step(
        "publish",
        verdict=verdict,
        by=by,
        note=comment,
        version=version,
        check=_publishable,
        changes=lambda current: {"published_at": timezone.now()},
    )


@transaction.atomic
def verdict_correct(
    *,
    verdict: Verdict,
    by,
    note: str,
    rating: Rating | None = None,
    summary: str | None = None,
    version: int | None = None,
) -> Verdict:
    """Change a published verdict in public: the note is shown beside it as a correction."""

    def corrected(current: Verdict) -> dict:
        changes = {"corrected_at": timezone.now(), "correction_note": note}
        if rating is not None:
            changes["rating"] = rating
        if summary is not None and summary.strip():
            changes["summary"] = summary
        return changes

    return _step("correct", verdict=verdict, by=by, note=note, version=version, changes=corrected)


@transaction.atomic
def verdict_retract(*, verdict: Verdict, by, note: str, version: int | None = None) -> Verdict:
    return _step(
        "retract",
        verdict=verdict,
        by=by,
        note=note,
        version=version,
        changes=lambda current: {"retracted_at": timezone.now(), "correction_note": note},
    )


# Each step's service, by the step's name in the workflow table.
STEP_SERVICES = {
    "submit": verdict_submit,
    "approve": verdict_approve,
    "request_changes": verdict_request_changes,
    "reopen": verdict_reopen,
    "publish": verdict_publish,
    "correct": verdict_correct,
    "retract": verdict_retract,
}


def verdict_step(
    *,
    verdict: Verdict,
    name: str,
    by,
    note: str = "",
    version: int | None = None,
    rating: Rating | None = None,
    summary: str | None = None,
) -> Verdict:
    """Take the workflow step `name` (the admin's buttons and the API's actions call this)."""
    step = STEPS_BY_NAME.get(name)
    if step is None:
        raise VerdictError(f"There is no workflow step {name!r}.")
    kwargs = {"verdict": verdict, "by": by, "version": version}
    kwargs["note" if step.public_note else "comment"] = note
    if step.corrects:
        kwargs.update(rating=rating, summary=summary)
    return STEP_SERVICES[name](**kwargs)
