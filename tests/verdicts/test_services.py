import pytest
from django.db import IntegrityError, transaction

from apps.verdicts import services
from apps.verdicts.models import ClaimSetVersion, Verdict, VerdictTransition
from apps.verdicts.services import VerdictConflictError, VerdictError, VerdictPermissionError
from tests.factories import CitationFactory, ClaimFactory, SnapshotFactory, rating

pytestmark = pytest.mark.django_db
State = Verdict.State


@pytest.fixture
def claim():
    claim = ClaimFactory()
    snapshot = SnapshotFactory()
    CitationFactory(claim=claim, source=snapshot.source, snapshot=snapshot)
    return claim


@pytest.fixture
def draft(claim, reviewer):
    return services.verdict_create(
        claim=claim, by=reviewer, rating=rating("Mostly true"), summary="Close to official data."
    )


def approved(draft, editor):
    services.verdict_submit(verdict=draft, by=draft.author)
    return services.verdict_approve(verdict=draft, by=editor)


def test_full_path_to_publication_records_every_step(draft, reviewer, editor):
    verdict = services.verdict_submit(verdict=draft, by=reviewer, comment="ready")
    assert verdict.state == State.SUBMITTED and verdict.submitted_at
    verdict = services.verdict_approve(verdict=verdict, by=editor)
    assert verdict.state == State.APPROVED and verdict.approver == editor
    verdict = services.verdict_publish(verdict=verdict, by=editor)
    assert verdict.state == State.PUBLISHED and verdict.published_at
    steps = list(VerdictTransition.objects.filter(verdict=verdict).values_list("to_state", "by"))
    assert steps == [
        ("submitted", reviewer.pk),
        ("approved", editor.pk),
        ("published", editor.pk),
    ]
    version = ClaimSetVersion.objects.get(article=draft.claim.article)
    assert version.number == 1
    [claim] = version.payload["claims"]
    assert claim["verdict"]["rating"]["label"] == "Mostly true"
    assert claim["citations"][0]["snapshot"]["sha256"]
    assert verdict.history.count() >= 4


def test_author_cannot_approve_own_verdict(claim, editor):
    verdict = services.verdict_create(claim=claim, by=editor, rating=rating(), summary="s")
    services.verdict_submit(verdict=verdict, by=editor)
    with pytest.raises(VerdictError, match="You wrote this verdict: another editor approves"):
        services.verdict_approve(verdict=verdict, by=editor)
    verdict.refresh_from_db()
    assert verdict.state == State.SUBMITTED and verdict.approver is None


def test_database_enforces_two_person_rule(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.filter(pk=draft.pk).update(approver=draft.author)


def test_reviewer_may_not_approve_or_publish(draft, reviewer, reviewer2):
    services.verdict_submit(verdict=draft, by=reviewer)
    with pytest.raises(VerdictPermissionError, match="not allowed to approve"):
        services.verdict_approve(verdict=draft, by=reviewer2)
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (services.verdict_approve, "draft cannot be moved to approved"),
        (services.verdict_publish, "draft cannot be moved to published"),
    ],
)
def test_illegal_transitions_change_nothing(draft, editor, action, message):
    with pytest.raises(VerdictError, match=message):
        action(verdict=draft, by=editor)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.version == 1
    assert not VerdictTransition.objects.exists()


def test_retract_needs_a_published_verdict_and_a_note(draft, editor):
    with pytest.raises(VerdictError, match="needs a public note"):
        services.verdict_retract(verdict=draft, by=editor, note=" ")
    with pytest.raises(VerdictError, match="cannot be moved to retracted"):
        services.verdict_retract(verdict=draft, by=editor, note="wrong")


def test_submit_needs_rating_and_summary(claim, reviewer):
    verdict = services.verdict_create(claim=claim, by=reviewer)
    with pytest.raises(VerdictError, match="Add a rating and a summary before submitting"):
        services.verdict_submit(verdict=verdict, by=reviewer)


def test_publish_needs_a_citation(reviewer, editor):
    verdict = services.verdict_create(
        claim=ClaimFactory(), by=reviewer, rating=rating(), summary="s"
    )
    approved(verdict, editor)
    with pytest.raises(VerdictError, match="the claim has no cited source"):
        services.verdict_publish(verdict=verdict, by=editor)
    verdict.refresh_from_db()
    assert verdict.state == State.APPROVED
    assert not ClaimSetVersion.objects.exists()


def test_publish_needs_archived_sources_or_an_override(reviewer, editor):
    citation = CitationFactory()
    SnapshotFactory(source=citation.source, state="failed", reason="HTTP 404", sha256="", warc="")
    verdict = services.verdict_create(
        claim=citation.claim, by=reviewer, rating=rating(), summary="s"
    )
    approved(verdict, editor)
    with pytest.raises(VerdictError, match="not archived"):
        services.verdict_publish(verdict=verdict, by=editor)
    Verdict.objects.filter(pk=verdict.pk).update(archive_override="Print edition checked.")
    verdict = services.verdict_publish(verdict=verdict, by=editor)
    assert verdict.state == State.PUBLISHED


def test_stale_version_is_refused(draft, reviewer):
    services.verdict_update(
        verdict=draft, by=reviewer, version=1, rating=rating("False"), summary="first"
    )
    with pytest.raises(VerdictConflictError, match="changed by someone else"):
        services.verdict_update(
            verdict=draft, by=reviewer, version=1, rating=rating("True"), summary="second"
        )
    draft.refresh_from_db()
    assert (draft.summary, draft.rating.label, draft.version) == ("first", "False", 2)


def test_published_verdict_cannot_be_edited(draft, editor):
    approved(draft, editor)
    verdict = services.verdict_publish(verdict=draft, by=editor)
    with pytest.raises(VerdictError, match="retract or correct it instead"):
        services.verdict_update(
            verdict=verdict, by=editor, version=verdict.version, rating=rating(), summary="x"
        )


def test_changes_requested_goes_back_to_draft_on_edit(draft, reviewer, editor):
    services.verdict_submit(verdict=draft, by=reviewer)
    with pytest.raises(VerdictError, match="comment is required"):
        services.verdict_request_changes(verdict=draft, by=editor, comment="")
    verdict = services.verdict_request_changes(verdict=draft, by=editor, comment="Cite UN data")
    assert verdict.state == State.CHANGES_REQUESTED
    verdict = services.verdict_update(
        verdict=verdict, by=reviewer, version=verdict.version, rating=rating(), summary="better"
    )
    assert verdict.state == State.DRAFT
    assert services.verdict_submit(verdict=verdict, by=reviewer).state == State.SUBMITTED


def test_correction_and_retraction_are_public_and_versioned(draft, editor, editor2):
    approved(draft, editor)
    verdict = services.verdict_publish(verdict=draft, by=editor)
    verdict = services.verdict_correct(
        verdict=verdict, by=editor, note="The figure was 60,000.", rating=rating("Half true")
    )
    assert verdict.state == State.CORRECTION_DRAFTED and verdict.rating.label == "Mostly true"
    verdict = services.verdict_approve_correction(verdict=verdict, by=editor2)
    verdict = services.verdict_publish_correction(verdict=verdict, by=editor)
    assert verdict.state == State.CORRECTED and verdict.correction_note
    assert verdict.rating.label == "Half true" and verdict.approver == editor2
    verdict = services.verdict_retract(verdict=verdict, by=editor, note="Source withdrawn.")
    assert verdict.state == State.RETRACTED
    numbers = list(
        ClaimSetVersion.objects.filter(article=draft.claim.article).values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3]


def test_one_live_verdict_per_claim(draft, reviewer):
    with pytest.raises(VerdictError, match="already has a verdict"):
        services.verdict_create(claim=draft.claim, by=reviewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.create(claim=draft.claim, author=reviewer)
