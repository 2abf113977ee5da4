"""The machinery every verdict service shares: the errors, the permission check, the row lock
with optimistic versioning, the write that records a VerdictTransition, who counts as an author,
and the runner for one step of the workflow table."""

from collections.abc import Callable

from django.db import models

from apps.verdicts.claimsets import claim_set_freeze
from apps.verdicts.models import Verdict, VerdictTransition
from apps.verdicts.notifications import verdict_step_notify
from apps.verdicts.workflow import STEPS_BY_NAME
from factcheck.errors import Conflict, NotPermitted, Refused

State = Verdict.State


class VerdictError(Refused):
    """A verdict rule was broken; the message is meant for the user."""


class VerdictPermissionError(NotPermitted, VerdictError):
    """The user lacks the permission this step of the workflow needs."""


class VerdictConflictError(Conflict, VerdictError):
    """Someone else changed the verdict after the user loaded it."""


def require(user, perm: str, action: str) -> None:
    if not (user and user.is_active and user.has_perm(perm)):
        raise VerdictPermissionError(f"You are not allowed to {action}.")


def locked(verdict: Verdict, expected_version: int | None) -> Verdict:
    current = Verdict.objects.select_for_update().get(pk=verdict.pk)
    if expected_version is not None and current.version != expected_version:
        raise VerdictConflictError(
            "This verdict was changed by someone else since you opened it "
            f"(your copy is version {expected_version}, it is now version {current.version}). "
            "Reload the page and apply your change again."
        )
    return current


def apply(
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


def not_an_author(by) -> Callable[[Verdict], None]:
    def check(current: Verdict) -> None:
        if by.pk == current.author_id:
            raise VerdictError("You wrote this verdict: another editor approves.")
        if by.pk in verdict_authors(verdict=current):
            raise VerdictError(
                "You changed this verdict or its evidence since it was last approved: "
                "another editor approves."
            )

    return check


def step_run(
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
    require(by, step.permission, step.may)
    if step.note_required and not note.strip():
        raise VerdictError(step.note_required)
    current = locked(verdict, version)
    if current.state not in step.sources:
        raise VerdictError(
            f"A verdict that is {current.get_state_display().lower()} cannot be moved to "
            f"{State(step.target).label.lower()}."
        )
    if step.authors_may_not:
        not_an_author(by)(current)
    if check is not None:
        check(current)
    moved = apply(
        current, to=step.target, by=by, comment=note, changes=changes(current) if changes else {}
    )
    if step.freezes:
        claim_set_freeze(
            article=moved.claim.article, by=by, reason=f"{step.target} verdict {moved.pk}"
        )
    verdict_step_notify(verdict=moved, by=by, note=note)
    return moved
