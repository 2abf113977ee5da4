"""The verdict page in the admin: edits and workflow buttons go through the services, and every
refusal is a message on the page, never an error page."""

import pytest
from django.urls import reverse

from apps.verdicts import services
from apps.verdicts.models import Verdict
from tests.factories import CitationFactory, ClaimFactory, SnapshotFactory, rating

pytestmark = pytest.mark.django_db
State = Verdict.State


@pytest.fixture
def verdict(reviewer):
    claim = ClaimFactory()
    snapshot = SnapshotFactory()
    CitationFactory(claim=claim, source=snapshot.source, snapshot=snapshot)
    return services.verdict_create(claim=claim, by=reviewer, rating=rating(), summary="Checks out.")


def change_url(verdict):
    return reverse("admin:verdicts_verdict_change", args=[verdict.pk])


def transition(client, verdict, action, **data):
    url = reverse("admin:verdicts_verdict_transition", args=[verdict.pk, action])
    return client.post(url, {"expected_version": verdict.version, **data}, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_reviewer_sees_submit_but_not_approve(client, reviewer, verdict):
    client.force_login(reviewer)
    page = client.get(change_url(verdict)).content.decode()
    assert "Submit for review" in page
    assert 'value="Approve"' not in page and 'value="Publish"' not in page
    assert 'name="_step" value="submit"' in page


def test_workflow_through_buttons(client, reviewer, editor, verdict):
    client.force_login(reviewer)
    response = transition(client, verdict, "submit")
    assert messages_of(response) == ["The verdict was submitted for review."]
    client.force_login(editor)
    verdict.refresh_from_db()
    assert "The verdict was approved." in messages_of(transition(client, verdict, "approve"))
    verdict.refresh_from_db()
    assert "The verdict was published." in messages_of(transition(client, verdict, "publish"))
    verdict.refresh_from_db()
    assert verdict.state == State.PUBLISHED
    page = client.get(change_url(verdict)).content.decode()
    assert "Draft a correction" in page and "Retract" in page


def test_approving_own_verdict_is_refused_with_a_message(client, editor):
    claim = ClaimFactory()
    verdict = services.verdict_create(claim=claim, by=editor, rating=rating(), summary="s")
    services.verdict_submit(verdict=verdict, by=editor)
    verdict.refresh_from_db()
    client.force_login(editor)
    response = transition(client, verdict, "approve")
    assert response.status_code == 200
    assert messages_of(response) == ["You wrote this verdict: another editor approves."]
    verdict.refresh_from_db()
    assert verdict.state == State.SUBMITTED


def test_reviewer_posting_publish_is_refused(client, reviewer, verdict):
    client.force_login(reviewer)
    response = transition(client, verdict, "publish")
    assert messages_of(response) == ["You are not allowed to publish verdicts."]


def test_publishing_without_citations_shows_what_is_missing(client, reviewer, editor, editor2):
    verdict = services.verdict_create(
        claim=ClaimFactory(), by=reviewer, rating=rating(), summary="s"
    )
    services.verdict_submit(verdict=verdict, by=reviewer)
    services.verdict_approve(verdict=verdict, by=editor2)
    verdict.refresh_from_db()
    client.force_login(editor)
    page = client.get(change_url(verdict)).content.decode()
    assert "the claim has no cited source." in page
    assert "Not ready to publish: fix the blockers listed below first." in page
    response = transition(client, verdict, "publish")
    assert messages_of(response) == ["Cannot publish: the claim has no cited source."]


def test_stale_form_is_refused_and_keeps_newer_work(client, reviewer, reviewer2, verdict):
    client.force_login(reviewer)
    services.verdict_update(
        verdict=verdict, by=reviewer2, version=1, rating=rating("False"), summary="Newer work"
    )
    response = client.post(
        change_url(verdict),
        {
            "rating": rating("True").pk,
            "summary": "Old tab",
            "archive_override": "",
            "expected_version": 1,
            "transitions-TOTAL_FORMS": 0,
            "transitions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Someone else changed this verdict since you opened it" in response.content.decode()
    verdict.refresh_from_db()
    assert verdict.summary == "Newer work"


def test_edit_saves_through_the_service(client, reviewer, verdict):
    client.force_login(reviewer)
    response = client.post(
        change_url(verdict),
        {
            "rating": rating("Half true").pk,
            "summary": "Partly",
            "archive_override": "",
            "expected_version": verdict.version,
            "transitions-TOTAL_FORMS": 0,
            "transitions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    verdict.refresh_from_db()
    assert (verdict.summary, verdict.version) == ("Partly", 2)
    assert verdict.history.first().history_user == reviewer


def test_published_verdict_page_is_read_only(client, reviewer, editor, verdict):
    services.verdict_submit(verdict=verdict, by=reviewer)
    services.verdict_approve(verdict=verdict, by=editor)
    services.verdict_publish(verdict=verdict, by=editor)
    verdict.refresh_from_db()
    client.force_login(editor)
    page = client.get(change_url(verdict)).content.decode()
    assert 'name="_save"' not in page and 'value="Retract"' in page
    response = client.post(
        change_url(verdict),
        {
            "summary": "sneaky",
            "expected_version": verdict.version,
            "transitions-TOTAL_FORMS": 0,
            "transitions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 403
    verdict.refresh_from_db()
    assert verdict.summary == "Checks out."


def test_get_on_transition_url_is_not_allowed(client, editor, verdict):
    client.force_login(editor)
    url = reverse("admin:verdicts_verdict_transition", args=[verdict.pk, "approve"])
    assert client.get(url).status_code == 405


def form_post(client, verdict, **fields):
    data = {
        "rating": verdict.rating_id or "",
        "summary": verdict.summary,
        "archive_override": "",
        "expected_version": verdict.version,
        "transitions-TOTAL_FORMS": 0,
        "transitions-INITIAL_FORMS": 0,
        **fields,
    }
    return client.post(change_url(verdict), data, follow=True)


def test_submit_from_the_form_saves_the_edits_with_the_step(client, reviewer, verdict):
    client.force_login(reviewer)
    response = form_post(client, verdict, summary="Edited just before submitting.", _step="submit")
    assert "The verdict was submitted for review." in messages_of(response)
    verdict.refresh_from_db()
    assert verdict.state == State.SUBMITTED
    assert verdict.summary == "Edited just before submitting."


def test_a_refused_step_keeps_the_form_filled_and_writes_nothing(client, reviewer, verdict):
    client.force_login(reviewer)
    response = form_post(client, verdict, rating="", summary="Typed, not lost.", _step="submit")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Add a rating before submitting." in page
    assert "Typed, not lost." in page
    verdict.refresh_from_db()
    assert verdict.state == State.DRAFT and verdict.summary == "Checks out."
    assert verdict.version == 1


def test_the_author_is_told_why_there_is_no_approve_button(client, editor):
    claim = ClaimFactory()
    verdict = services.verdict_create(claim=claim, by=editor, rating=rating(), summary="s")
    services.verdict_submit(verdict=verdict, by=editor)
    client.force_login(editor)
    page = client.get(change_url(verdict)).content.decode()
    assert 'value="Approve"' not in page
    assert "You wrote this verdict: another editor approves." in page


def test_the_page_carries_the_claim_and_its_evidence(client, editor, verdict):
    client.force_login(editor)
    page = client.get(change_url(verdict)).content.decode()
    claim = verdict.claim
    assert f"<strong>{claim.text}</strong>" in page
    citation = claim.citations.get()
    assert citation.source.url in page and "Supports" in page
    assert "The claim is accurate and nothing significant is missing." in page
    # Workflow first, then the claim, then the form.
    assert page.index('id="verdict-workflow"') < page.index('id="verdict-claim"')
    assert page.index('id="verdict-evidence"') < page.index('id="verdict_form"')


def test_a_crafted_approve_post_from_an_editor_who_rewrote_the_draft_is_refused(
    client, reviewer, editor, verdict
):
    client.force_login(editor)
    form_post(client, verdict, summary="The editor's words.", _step="submit")
    verdict.refresh_from_db()
    assert verdict.state == State.SUBMITTED
    response = transition(client, verdict, "approve")
    assert messages_of(response) == [
        "You changed this verdict or its evidence since it was last approved: "
        "another editor approves."
    ]
    verdict.refresh_from_db()
    assert verdict.state == State.SUBMITTED and verdict.approver_id is None


def test_a_crafted_step_in_the_edit_form_cannot_skip_the_workflow(client, editor, verdict):
    client.force_login(editor)
    response = form_post(client, verdict, summary="Changed.", _step="publish")
    assert response.status_code == 200
    assert "A verdict that is draft cannot be moved to published." in response.content.decode()
    verdict.refresh_from_db()
    assert verdict.state == State.DRAFT and verdict.summary == "Checks out."


def test_archive_again_queues_a_new_capture_of_the_cited_source(client, editor, verdict):
    from apps.sources.models import Snapshot

    citation = verdict.claim.citations.get()
    before = Snapshot.objects.filter(source=citation.source).count()
    client.force_login(editor)
    url = reverse("admin:verdicts_verdict_rearchive", args=[verdict.pk, citation.source_id])
    response = client.post(url, follow=True)
    assert messages_of(response) == [f"{citation.source.url} was queued for archiving again."]
    queued = Snapshot.objects.filter(source=citation.source, state=Snapshot.State.QUEUED)
    assert Snapshot.objects.filter(source=citation.source).count() == before + 1
    assert queued.count() == 1
    other = SnapshotFactory()
    url = reverse("admin:verdicts_verdict_rearchive", args=[verdict.pk, other.source_id])
    assert client.post(url).status_code == 404  # not a source of this claim
