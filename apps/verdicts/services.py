"""Every change to a verdict goes through here: edits with optimistic locking, and the state
machine draft → submitted → approved → published (→ corrected | retracted), with
submitted → changes requested → draft. Each transition checks the actor's permission, records a
VerdictTransition and bumps the version, so a stale form can never overwrite newer work."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from apps.claims.models import Claim
from apps.sources.models import Citation, Snapshot
from apps.verdicts.claimsets import claim_set_freeze
from apps.verdicts.models import Rating, Verdict, VerdictTransition
from factcheck.errors import Conflict, NotPermitted, Refused

State = Verdict.State


class VerdictError(Refused):
    """A verdict rule was broken; the message is meant for the user."""


class VerdictPermissionError(NotPermitted, VerdictError):
    """The user lacks the permission this step of the workflow needs."""


class VerdictConflictError(Conflict, VerdictError):
    """Someone else changed the verdict after the user loaded it."""


PERM_EDIT = "verdicts.change_verdict"
PERM_CREATE = "verdicts.add_verdict"
PERM_APPROVE = "verdicts.approve_verdict"
PERM_PUBLISH = "verdicts.publish_verdict"

EDITABLE_STATES = (State.DRAFT, State.CHANGES_REQUESTED)


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


def _transition(
    verdict: Verdict,
    *,
    to: str,
    allowed_from: tuple[str, ...],
    by,
    comment: str,
    expected_version: int | None,
    changes: dict | None = None,
) -> Verdict:
    current = _locked(verdict, expected_version)
    if current.state not in allowed_from:
        raise VerdictError(
            f"A verdict that is {current.get_state_display().lower()} cannot be moved to "
            f"{State(to).label.lower()}."
        )
    return _apply(current, to=to, by=by, comment=comment, changes=changes or {})


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


@transaction.atomic
def verdict_create(*, claim: Claim, by, rating: Rating | None = None, summary: str = "") -> Verdict:
    _require(by, PERM_CREATE, "write verdicts")
    if claim.status != Claim.Status.OPEN:
        raise VerdictError(f"The claim is {claim.get_status_display().lower()}; reopen it first.")
    Claim.objects.select_for_update().filter(pk=claim.pk).first()
    if Verdict.objects.filter(claim=claim).exclude(state=State.RETRACTED).exists():
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
    if current.state not in EDITABLE_STATES:
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
    _require(by, PERM_EDIT, "submit verdicts")
    current = _locked(verdict, version)
    missing = [
        name
        for name, ok in (("a rating", current.rating_id), ("a summary", current.summary.strip()))
        if not ok
    ]
    if missing and current.state in EDITABLE_STATES:
        raise VerdictError(f"Add {' and '.join(missing)} before submitting.")
    return _transition(
        current,
        to=State.SUBMITTED,
        allowed_from=EDITABLE_STATES,
        by=by,
        comment=comment,
        expected_version=None,
        changes={"submitted_at": timezone.now()},
    )


@transaction.atomic
def verdict_request_changes(
    *, verdict: Verdict, by, comment: str, version: int | None = None
) -> Verdict:
    _require(by, PERM_APPROVE, "request changes")
    if not comment.strip():
        raise VerdictError("Say what needs to change: a comment is required.")
    return _transition(
        verdict,
        to=State.CHANGES_REQUESTED,
        allowed_from=(State.SUBMITTED, State.APPROVED),
        by=by,
        comment=comment,
        expected_version=version,
        changes={"approver": None, "approved_at": None},
    )


@transaction.atomic
def verdict_reopen(
    *, verdict: Verdict, by, comment: str = "", version: int | None = None
) -> Verdict:
    """Back to draft after changes were requested, so the author can edit."""
    _require(by, PERM_EDIT, "edit verdicts")
    return _transition(
        verdict,
        to=State.DRAFT,
        allowed_from=(State.CHANGES_REQUESTED,),
        by=by,
        comment=comment,
        expected_version=version,
    )


@transaction.atomic
def verdict_approve(
    *, verdict: Verdict, by, comment: str = "", version: int | None = None
) -> Verdict:
    _require(by, PERM_APPROVE, "approve verdicts")
    current = _locked(verdict, version)
    if current.author_id == by.pk:
        raise VerdictError("You wrote this verdict; another editor must approve it.")
    return _transition(
        current,
        to=State.APPROVED,
        allowed_from=(State.SUBMITTED,),
        by=by,
        comment=comment,
        expected_version=None,
        changes={"approver": by, "approved_at": timezone.now()},
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


@transaction.atomic
def verdict_publish(
    *, verdict: Verdict, by, comment: str = "", version: int | None = None
) -> Verdict:
    _require(by, PERM_PUBLISH, "publish verdicts")
    current = _locked(verdict, version)
    if current.state == State.APPROVED:
        check = verdict_publish_check(verdict=current)
        if not check.ok:
            raise VerdictError("Cannot publish: " + "; ".join(check.problems) + ".")
    published = _transition(
        current,
        to=State.PUBLISHED,
        allowed_from=(State.APPROVED,),
        by=by,
        comment=comment,
        expected_version=None,
        changes={"published_at": timezone.now()},
    )
    claim_set_freeze(
        article=published.claim.article, by=by, reason=f"published verdict {published.pk}"
    )
    return published


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
    _require(by, PERM_PUBLISH, "correct published verdicts")
    if not note.strip():
        raise VerdictError("A correction needs a public note saying what changed.")
    current = _locked(verdict, version)
    changes = {"corrected_at": timezone.now(), "correction_note": note}
    if rating is not None:
        changes["rating"] = rating
    if summary is not None and summary.strip():
        changes["summary"] = summary
    corrected = _transition(
        current,
        to=State.CORRECTED,
        allowed_from=(State.PUBLISHED, State.CORRECTED),
        by=by,
        comment=note,
        expected_version=None,
        changes=changes,
    )
    claim_set_freeze(
        article=corrected.claim.article, by=by, reason=f"corrected verdict {corrected.pk}"
    )
    return corrected


@transaction.atomic
def verdict_retract(*, verdict: Verdict, by, note: str, version: int | None = None) -> Verdict:
    _require(by, PERM_PUBLISH, "retract verdicts")
    if not note.strip():
        raise VerdictError("A retraction needs a public note saying why.")
    retracted = _transition(
        verdict,
        to=State.RETRACTED,
        allowed_from=(State.PUBLISHED, State.CORRECTED),
        by=by,
        comment=note,
        expected_version=version,
        changes={"retracted_at": timezone.now(), "correction_note": note},
    )
    claim_set_freeze(
        article=retracted.claim.article, by=by, reason=f"retracted verdict {retracted.pk}"
    )
    return retracted
