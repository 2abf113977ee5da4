"""The verdict workflow as one table: every step a verdict can take, from which states, to which
state, with which permission, whether a note is required, and the words the interfaces use.

apps.verdicts.services runs a step by its name (checks, locking, the transition record); the
admin's buttons and the API's actions are generated from this table, so a new step or state is a
line here (plus its state in VerdictState) and every door offers it.

    draft → submitted → approved → published → retracted
    submitted | approved → changes requested → draft
    published | corrected → correction drafted → correction approved → corrected

A correction goes the way a verdict does: drafted by one person, approved by another editor, then
published; until then the public sees the published text.
"""

from dataclasses import dataclass

from apps.verdicts.models import EDITABLE_STATES, FROZEN_STATES, VerdictState

State = VerdictState

PERM_CREATE = "verdicts.add_verdict"
PERM_EDIT = "verdicts.change_verdict"
PERM_APPROVE = "verdicts.approve_verdict"
PERM_PUBLISH = "verdicts.publish_verdict"


@dataclass(frozen=True)
class Step:
    name: str  # the service's verb, the admin's URL segment, the API action (with dashes)
    sources: tuple[str, ...]  # the states the step starts from
    target: str
    permission: str
    label: str  # the button
    done: str  # what the user is told afterwards, in the past tense
    help: str  # shown beside the button and as the API action's description
    may: str  # "You are not allowed to <may>." when the permission is missing
    note_required: str = ""  # the refusal when the note is missing; empty if optional
    public_note: bool = False  # the note is published beside the verdict (API field `note`)
    corrects: bool = False  # the step drafts a new rating and summary
    authors_may_not: bool = False  # no one who wrote or changed it since approval may take it
    freezes: bool = False  # the step changes what the public sees: freeze the claim set

    @property
    def action(self) -> str:
        return self.name.replace("_", "-")


STEPS = (
    Step(
        "submit",
        tuple(EDITABLE_STATES),
        State.SUBMITTED,
        PERM_EDIT,
        label="Submit for review",
        done="The verdict was submitted for review.",
        help="Submit a draft for review; it needs a rating and a summary.",
        may="submit verdicts",
    ),
    Step(
        "approve",
        (State.SUBMITTED,),
        State.APPROVED,
        PERM_APPROVE,
        label="Approve",
        done="The verdict was approved.",
        help="Approve a submitted verdict; another editor than its authors (two-person rule).",
        may="approve verdicts",
        authors_may_not=True,
    ),
    Step(
        "request_changes",
        (State.SUBMITTED, State.APPROVED),
        State.CHANGES_REQUESTED,
        PERM_APPROVE,
        label="Request changes",
        done="Changes were requested.",
        help="Send a submitted or approved verdict back to its author; say what needs to change.",
        may="request changes",
        note_required="Say what needs to change: a comment is required.",
    ),
    Step(
        "reopen",
        (State.CHANGES_REQUESTED,),
        State.DRAFT,
        PERM_EDIT,
        label="Back to draft",
        done="The verdict was moved back to draft.",
        help="Back to draft after changes were requested, so the author can edit.",
        may="edit verdicts",
    ),
    Step(
        "publish",
        (State.APPROVED,),
        State.PUBLISHED,
        PERM_PUBLISH,
        label="Publish",
        done="The verdict was published.",
        help="Publish an approved verdict; freezes a new version of the article's claim set.",
        may="publish verdicts",
        freezes=True,
    ),
    Step(
        "correct",
        tuple(FROZEN_STATES),
        State.CORRECTION_DRAFTED,
        PERM_EDIT,
        label="Draft a correction",
        done="A correction was drafted; another editor approves it before it is published.",
        help="Draft a correction (new rating or summary, public note); the published text "
        "stays until another editor approves the correction and it is published.",
        may="draft corrections",
        note_required="A correction needs a public note saying what changed.",
        public_note=True,
        corrects=True,
    ),
    Step(
        "approve_correction",
        (State.CORRECTION_DRAFTED,),
        State.CORRECTION_APPROVED,
        PERM_APPROVE,
        label="Approve the correction",
        done="The correction was approved.",
        help="Approve a drafted correction; another editor than the one who drafted it.",
        may="approve corrections",
        authors_may_not=True,
    ),
    Step(
        "publish_correction",
        (State.CORRECTION_APPROVED,),
        State.CORRECTED,
        PERM_PUBLISH,
        label="Publish the correction",
        done="The correction was published.",
        help="Publish an approved correction; the note is shown beside the verdict.",
        may="publish corrections",
        freezes=True,
    ),
    Step(
        "retract",
        (State.PUBLISHED, State.CORRECTED, State.CORRECTION_DRAFTED, State.CORRECTION_APPROVED),
        State.RETRACTED,
        PERM_PUBLISH,
        label="Retract",
        done="The verdict was retracted.",
        help="Retract a published verdict; the note saying why is shown to the public.",
        may="retract verdicts",
        note_required="A retraction needs a public note saying why.",
        public_note=True,
        freezes=True,
    ),
)
STEPS_BY_NAME = {step.name: step for step in STEPS}


def steps_open(*, state: str, user) -> list[Step]:
    """The steps a user may take from this state (the admin's buttons)."""
    return [s for s in STEPS if state in s.sources and user.has_perm(s.permission)]
