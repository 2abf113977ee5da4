"""Every change to a verdict goes through here: edits with optimistic locking, and the steps of
the workflow table (apps.verdicts.workflow). A step checks the actor's permission and the note,
locks the row, then checks the state and its own rule on the locked row, records a
VerdictTransition and bumps the version, so a stale form can never overwrite newer work."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from apps.claims.models import Claim
from apps.verdicts.claimsets import evidence_payload
from apps.verdicts.corrections import (
    verdict_approve_correction,
    verdict_correct,
    verdict_publish_correction,
)
from apps.verdicts.models import Rating, Verdict, VerdictTransition
from apps.verdicts.readiness import (
    Blocker,
    PublishCheck,
    publishable_or_refuse,
    verdict_publish_check,
)
from apps.verdicts.steps import (
    VerdictConflictError,
    VerdictError,
    VerdictPermissionError,
    apply,
    locked,
    require,
    step_run,
    verdict_authors,
)
from apps.verdicts.workflow import PERM_CREATE, PERM_EDIT, PERM_PUBLISH, STEPS, STEPS_BY_NAME, Step

State = Verdict.State

__all__ = [
    "Blocker",
    "PublishCheck",
    "VerdictConflictError",
    "VerdictError",
    "VerdictPermissionError",
    "verdict_approve_correction",
    "verdict_authors",
    "verdict_correct",
    "verdict_publish_check",
    "verdict_publish_correction",
]


@transaction.atomic
def verdict_create(*, claim: Claim, by, rating: Rating | None = None, summary: str = "") -> Verdict:
    require(by, PERM_CREATE, "write verdicts")
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
    require(by, PERM_EDIT, "edit verdicts")
    current = locked(verdict, version)
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
    if all(getattr(current, field) == value for field, value in changes.items()):
        return current  # nothing changed: no new version, and the user is no new author
    changes["last_editor"] = by
    kind = VerdictTransition.Kind.EDIT
    to = State.DRAFT if current.state == State.CHANGES_REQUESTED else current.state
    return apply(current, to=to, by=by, comment="edited", changes=changes, kind=kind)


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

    return step_run(
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
    return step_run(
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
    return step_run("reopen", verdict=verdict, by=by, note=comment, version=version)


@transaction.atomic
def verdict_approve(
    *, verdict: Verdict, by, comment: str = "", version: int | None = None
) -> Verdict:
    return step_run(
        "approve",
        verdict=verdict,
        by=by,
        note=comment,
        version=version,
        changes=lambda current: {"approver": by, "approved_at": timezone.now()},
    )


@transaction.atomic
def verdict_publish(
    *, verdict: Verdict, by, comment: str = "", version: int | None = None
) -> Verdict:
    return step_run(
        "publish",
        verdict=verdict,
        by=by,
        note=comment,
        version=version,
        check=publishable_or_refuse,
        changes=lambda current: {
            "published_at": timezone.now(),
            "published_evidence": evidence_payload(claim_id=current.claim_id),
        },
    )


@transaction.atomic
def verdict_override_set(*, verdict: Verdict, by, reason: str, version: int | None = None):
    """An editor's reason to publish although a cited source is not archived. Set where it is
    needed (a draft's author sets it by editing; an approved verdict's publisher here); it is no
    part of the public text, so it does not reopen the review."""
    require(by, PERM_PUBLISH, "override the archive check")
    reason = (reason or "").strip()
    if not reason:
        raise VerdictError("Give the reason the verdict may be published without the archive.")
    current = locked(verdict, version)
    if current.state not in (*Verdict.EDITABLE_STATES, State.APPROVED, State.CORRECTION_APPROVED):
        raise VerdictError(
            f"The archive override of a verdict that is {current.get_state_display().lower()} "
            "cannot be changed."
        )
    return apply(
        current,
        to=current.state,
        by=by,
        comment=f"Archive override: {reason}",
        changes={"archive_override": reason},
    )


@transaction.atomic
def verdict_retract(*, verdict: Verdict, by, note: str, version: int | None = None) -> Verdict:
    """Retract a published verdict; a correction under way is dropped with it (its drafter
    stays in the log, not as the verdict's last editor: the published text was never theirs)."""

    def retracted(current: Verdict) -> dict:
        changes = {
            "retracted_at": timezone.now(),
            "correction_note": note,
            "pending_rating": None,
            "pending_summary": "",
            "pending_note": "",
            "correction_approver": None,
        }
        if current.state in Verdict.CORRECTION_STATES:
            changes["last_editor"] = None
        return changes

    return step_run(
        "retract", verdict=verdict, by=by, note=note, version=version, changes=retracted
    )


@transaction.atomic
def verdict_evidence_changed(*, claim_id: int, by, what: str) -> Verdict | None:
    """A citation of the claim was added, changed or removed (called by the citation services,
    in their transaction). Evidence under review sends the verdict back (to draft, or a
    correction back to drafted) with a log entry; published evidence changes only through a
    correction, so the change is refused there. Whoever changes it becomes an author."""
    current = (
        Verdict.objects.select_for_update()
        .filter(claim_id=claim_id, state__in=Verdict.LIVE_STATES)
        .first()
    )
    if current is None:
        return None
    if by is None:
        raise VerdictError("Sign in to change the sources of a claim that has a verdict.")
    if current.state in Verdict.FROZEN_STATES:
        raise VerdictError(
            "This claim's verdict is published: its sources change only through a correction. "
            "Draft a correction on the verdict page first."
        )
    kind = VerdictTransition.Kind.EVIDENCE
    changes: dict = {"last_editor": by}
    to = current.state
    if current.state in Verdict.REVIEWED_STATES:
        to = State.DRAFT
        changes.update(approver=None, approved_at=None)
    elif current.state == State.CORRECTION_APPROVED:
        to = State.CORRECTION_DRAFTED
        changes.update(correction_approver=None)
    note = f"Evidence changed: {what}" + (
        f"; sent back to {State(to).label.lower()}" if to != current.state else ""
    )
    return apply(current, to=to, by=by, comment=note, changes=changes, kind=kind)


# Each step's service, by the step's name in the workflow table.
STEP_SERVICES = {
    "submit": verdict_submit,
    "approve": verdict_approve,
    "request_changes": verdict_request_changes,
    "reopen": verdict_reopen,
    "publish": verdict_publish,
    "correct": verdict_correct,
    "approve_correction": verdict_approve_correction,
    "publish_correction": verdict_publish_correction,
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


@dataclass(frozen=True)
class StepOffer:
    step: Step
    reason: str  # why this user may not take it; empty when they may


def verdict_steps_offered(*, verdict: Verdict, user) -> list[StepOffer]:
    """Every step from the verdict's state, each with the reason this user may not take it (if
    any), so the page shows only what works and says why the rest does not."""
    offers = []
    authors = None
    for step in STEPS:
        if verdict.state not in step.sources:
            continue
        reason = ""
        if not user.has_perm(step.permission):
            reason = f"Only an editor may {step.may}."
        elif step.authors_may_not:
            authors = verdict_authors(verdict=verdict) if authors is None else authors
            if user.pk == verdict.author_id and step.name == "approve":
                reason = "You wrote this verdict: another editor approves."
            elif user.pk in authors:
                reason = "You changed it since it was last approved: another editor approves."
        elif (
            step.freezes
            and step.name != "retract"
            and not verdict_publish_check(verdict=verdict).ok
        ):
            reason = "Not ready to publish: fix the blockers listed below first."
        offers.append(StepOffer(step, reason))
    return offers
