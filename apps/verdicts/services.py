"""Every change to a verdict goes through here: edits with optimistic locking, and the steps of
the workflow table (apps.verdicts.workflow). A step checks the actor's permission and the note,
locks the row, then checks the state and its own rule on the locked row, records a
VerdictTransition and bumps the version, so a stale form can never overwrite newer work."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from apps.claims.models import Claim
from apps.sources.models import Citation, Snapshot
from apps.verdicts.claimsets import claim_set_freeze, evidence_payload
from apps.verdicts.models import Rating, Verdict, VerdictTransition
from apps.verdicts.workflow import PERM_CREATE, PERM_EDIT, PERM_PUBLISH, STEPS, STEPS_BY_NAME, Step
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


def _apply(
    current: Verdict, *, to: str, by, comment: str, changes: dict, kind: str = "step"
) -> Verdict:
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
        verdict=current, from_state=from_state, to_state=to, by=by, comment=comment, kind=kind
    )
    return current


# The steps after which the next approval must come from someone new.
_APPROVALS = [State.APPROVED, State.CORRECTION_APPROVED]
_AUTHORING = [VerdictTransition.Kind.EDIT, VerdictTransition.Kind.EVIDENCE]


def verdict_authors(*, verdict: Verdict) -> set[int]:
    """Who counts as an author: the one who wrote it, and everyone who changed its text, rating
    or evidence (or drafted a correction) since its last approval. None of them may approve."""
    log = VerdictTransition.objects.filter(verdict_id=verdict.pk)
    last_approval = (
        log.filter(to_state__in=_APPROVALS, kind=VerdictTransition.Kind.STEP)
        .order_by("-at", "-id")
        .values_list("id", flat=True)
        .first()
    )
    since = log.filter(id__gt=last_approval) if last_approval else log
    changed = since.filter(
        models.Q(kind__in=_AUTHORING)
        | models.Q(kind=VerdictTransition.Kind.STEP, to_state=State.CORRECTION_DRAFTED)
    ).values_list("by_id", flat=True)
    authors = {verdict.author_id, *changed}
    if verdict.last_editor_id:
        authors.add(verdict.last_editor_id)
    return authors


def _not_an_author(by) -> Callable[[Verdict], None]:
    def check(current: Verdict) -> None:
        if by.pk == current.author_id:
            raise VerdictError("You wrote this verdict: another editor approves.")
        if by.pk in verdict_authors(verdict=current):
            raise VerdictError(
                "You changed this verdict or its evidence since it was last approved: "
                "another editor approves."
            )

    return check


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
    if step.authors_may_not:
        _not_an_author(by)(current)
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
    if all(getattr(current, field) == value for field, value in changes.items()):
        return current  # nothing changed: no new version, and the user is no new author
    changes["last_editor"] = by
    kind = VerdictTransition.Kind.EDIT
    to = State.DRAFT if current.state == State.CHANGES_REQUESTED else current.state
    return _apply(current, to=to, by=by, comment="edited", changes=changes, kind=kind)


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
    return _step(
        "approve",
        verdict=verdict,
        by=by,
        note=comment,
        version=version,
        changes=lambda current: {"approver": by, "approved_at": timezone.now()},
    )


@dataclass(frozen=True)
class Blocker:
    """One thing between a verdict and publication, and what fixes it: `fix` is one of
    "rearchive" (of `source_id`), "cite" (cite another source), "override" (an editor's reason),
    or "edit" (the verdict itself)."""

    problem: str
    fix: str
    source_id: int | None = None
    url: str = ""


@dataclass(frozen=True)
class PublishCheck:
    blockers: list[Blocker]

    @property
    def problems(self) -> list[str]:
        return [b.problem for b in self.blockers]

    @property
    def ok(self) -> bool:
        return not self.blockers


def verdict_publish_check(*, verdict: Verdict) -> PublishCheck:
    """What stands between a verdict and publication, each with its fix, in the editor's words."""
    blockers = []
    if verdict.rating_id is None:
        blockers.append(Blocker("it has no rating", "edit"))
    if not verdict.summary.strip():
        blockers.append(Blocker("it has no summary", "edit"))
    citations = list(Citation.objects.filter(claim_id=verdict.claim_id).select_related("source"))
    if not citations:
        blockers.append(Blocker("the claim has no cited source", "cite"))
    if not verdict.archive_override.strip():
        archived_sources = set(
            Snapshot.objects.filter(
                source_id__in=[c.source_id for c in citations], state=Snapshot.State.ARCHIVED
            ).values_list("source_id", flat=True)
        )
        for c in citations:
            if c.source_id not in archived_sources:
                blockers.append(
                    Blocker(
                        f"{c.source.url} is not archived: archive it again, cite another source "
                        "or give an override reason",
                        "rearchive",
                        source_id=c.source_id,
                        url=c.source.url,
                    )
                )
    return PublishCheck(blockers)


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
    _require(by, PERM_PUBLISH, "override the archive check")
    reason = (reason or "").strip()
    if not reason:
        raise VerdictError("Give the reason the verdict may be published without the archive.")
    current = _locked(verdict, version)
    if current.state not in (*Verdict.EDITABLE_STATES, State.APPROVED, State.CORRECTION_APPROVED):
        raise VerdictError(
            f"The archive override of a verdict that is {current.get_state_display().lower()} "
            "cannot be changed."
        )
    return _apply(
        current,
        to=current.state,
        by=by,
        comment=f"Archive override: {reason}",
        changes={"archive_override": reason},
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
    """Draft a correction of a published verdict: the public keeps the published text until
    another editor approves the correction and it is published."""

    def drafted(current: Verdict) -> dict:
        return {
            "pending_rating": rating or current.rating,
            "pending_summary": summary if summary and summary.strip() else current.summary,
            "pending_note": note,
            "last_editor": by,
            "correction_approver": None,
        }

    return _step("correct", verdict=verdict, by=by, note=note, version=version, changes=drafted)


@transaction.atomic
def verdict_approve_correction(
    *, verdict: Verdict, by, comment: str = "", version: int | None = None
) -> Verdict:
    return _step(
        "approve_correction",
        verdict=verdict,
        by=by,
        note=comment,
        version=version,
        changes=lambda current: {"correction_approver": by},
    )


@transaction.atomic
def verdict_publish_correction(
    *, verdict: Verdict, by, comment: str = "", version: int | None = None
) -> Verdict:
    """The approved correction becomes the public text; its approver becomes the verdict's."""

    def published(current: Verdict) -> dict:
        now = timezone.now()
        return {
            "rating": current.pending_rating,
            "summary": current.pending_summary,
            "correction_note": current.pending_note,
            "corrected_at": now,
            "approver": current.correction_approver,
            "approved_at": now,
            "pending_rating": None,
            "pending_summary": "",
            "pending_note": "",
            "correction_approver": None,
            "published_evidence": evidence_payload(claim_id=current.claim_id),
        }

    return _step(
        "publish_correction",
        verdict=verdict,
        by=by,
        note=comment,
        version=version,
        check=_publishable,
        changes=published,
    )


@transaction.atomic
def verdict_retract(*, verdict: Verdict, by, note: str, version: int | None = None) -> Verdict:
    return _step(
        "retract",
        verdict=verdict,
        by=by,
        note=note,
        version=version,
        changes=lambda current: {
            "retracted_at": timezone.now(),
            "correction_note": note,
            "pending_rating": None,
            "pending_summary": "",
            "pending_note": "",
            "correction_approver": None,
        },
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
    return _apply(current, to=to, by=by, comment=note, changes=changes, kind=kind)


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
