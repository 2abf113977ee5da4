"""Two people for every public change: whoever changed a verdict's text, rating or evidence
since its last approval may not approve it; a correction is drafted, approved by another editor,
then published; the evidence under review is frozen. Through the services, the API, crafted
admin POSTs and the database."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from apps.sources.models import Citation
from apps.sources.services import citation_add, citation_delete, citation_update
from apps.verdicts import services
from apps.verdicts.models import Verdict, VerdictTransition
from apps.verdicts.services import VerdictError
from tests.factories import ClaimFactory, cite_archived, rating

pytestmark = pytest.mark.django_db
State = Verdict.State


def api_as(user) -> APIClient:
    client = APIClient()
    client.default_format = "json"
    client.force_authenticate(user)
    return client


@pytest.fixture
def draft(reviewer):
    claim = ClaimFactory()
    cite_archived(claim, excerpt="")
    return services.verdict_create(
        claim=claim, by=reviewer, rating=rating("True"), summary="The reviewer's text."
    )


def published(draft, approver) -> Verdict:
    services.verdict_submit(verdict=draft, by=draft.author)
    services.verdict_approve(verdict=draft, by=approver)
    return services.verdict_publish(verdict=draft, by=approver)


def test_an_editor_who_rewrote_a_draft_through_the_api_may_not_approve_it(draft, editor):
    api = api_as(editor)
    url = f"/api/v1/verdicts/{draft.pk}/"
    rewritten = api.put(url, {"version": 1, "summary": "The editor's text."}, format="json")
    assert rewritten.status_code == 200
    assert api.post(url + "submit/", {}, format="json").status_code == 200
    refused = api.post(url + "approve/", {}, format="json")
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        "You changed this verdict or its evidence since it was last approved: "
        "another editor approves."
    )
    verdict = Verdict.objects.get(pk=draft.pk)
    assert verdict.state == State.SUBMITTED and verdict.approver_id is None
    assert verdict.last_editor == editor


def test_the_database_refuses_an_approver_who_last_edited_it(draft, editor):
    services.verdict_update(
        verdict=draft, by=editor, version=1, rating=draft.rating, summary="Edited."
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.filter(pk=draft.pk).update(
            approver=editor, state=State.APPROVED, approved_at=draft.created_at
        )


def test_saving_an_unchanged_form_makes_no_one_an_author(draft, editor, editor2):
    same = services.verdict_update(
        verdict=draft, by=editor, version=1, rating=draft.rating, summary=draft.summary
    )
    assert same.version == 1 and same.last_editor is None
    services.verdict_submit(verdict=draft, by=draft.author)
    assert services.verdict_approve(verdict=draft, by=editor).approver == editor


def test_the_author_alone_cannot_correct_a_published_verdict(draft, reviewer, editor, editor2):
    """The author of a published verdict drafts a correction; the public keeps the published
    text until another editor approves it and it is published."""
    verdict = published(draft, editor)
    api = api_as(reviewer)
    url = f"/api/v1/verdicts/{verdict.pk}/"
    drafted = api.post(
        url + "correct/", {"note": "New data.", "rating": "False", "summary": "Wrong."}
    )
    assert drafted.status_code == 200 and drafted.json()["state"] == "correction_drafted"
    public = APIClient().get(f"/api/v1/articles/{draft.claim.article_id}/").json()
    [claim] = public["claims"]
    assert claim["verdict"]["rating"]["label"] == "True"
    assert claim["verdict"]["summary"] == "The reviewer's text."
    assert claim["verdict"]["state"] == "published"
    # Not published unapproved, and not rewritten through PUT meanwhile.
    assert api_as(editor).post(url + "publish-correction/", {}).status_code == 400
    assert api.put(url, {"version": drafted.json()["version"], "summary": "x"}).status_code == 400
    approved = api_as(editor).post(url + "approve-correction/", {})
    assert approved.status_code == 200
    done = api_as(editor).post(url + "publish-correction/", {})
    assert done.json()["state"] == "corrected" and done.json()["rating"] == "False"
    public = APIClient().get(f"/api/v1/articles/{draft.claim.article_id}/").json()
    assert public["claims"][0]["verdict"]["summary"] == "Wrong."


def test_whoever_drafted_a_correction_may_not_approve_it(draft, editor, editor2):
    verdict = published(draft, editor)
    verdict = services.verdict_correct(verdict=verdict, by=editor2, note="Fix the date.")
    with pytest.raises(VerdictError, match="another editor approves"):
        services.verdict_approve_correction(verdict=verdict, by=editor2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.filter(pk=verdict.pk).update(
            correction_approver=editor2, state=State.CORRECTION_APPROVED
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.filter(pk=verdict.pk).update(state=State.CORRECTION_APPROVED)


def test_a_citation_on_a_published_claim_is_refused_until_a_correction_is_drafted(
    draft, reviewer2, editor, editor2
):
    verdict = published(draft, editor)
    before = Citation.objects.count()
    response = api_as(reviewer2).post(
        f"/api/v1/claims/{draft.claim_id}/citations/",
        {"url": "https://stats.example.org/new", "stance": "refutes"},
        format="json",
    )
    assert response.status_code == 400
    assert "only through a correction" in response.json()["detail"]
    assert Citation.objects.count() == before
    citation = Citation.objects.get(claim=draft.claim)
    with pytest.raises(VerdictError, match="only through a correction"):
        citation_update(citation=citation, stance="refutes", excerpt="", note="", by=reviewer2)
    with pytest.raises(VerdictError, match="only through a correction"):
        citation_delete(citation=citation, by=reviewer2)
    assert Citation.objects.filter(pk=citation.pk, stance="supports").exists()

    # Inside a correction the evidence may change; the public keeps the published evidence.
    verdict = services.verdict_correct(verdict=verdict, by=reviewer2, note="Another source.")
    citation_add(
        claim=draft.claim, url="https://stats.example.org/new", stance="refutes", by=reviewer2
    )
    public = APIClient().get(f"/api/v1/articles/{draft.claim.article_id}/").json()
    assert [c["stance"] for c in public["claims"][0]["citations"]] == ["supports"]


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED])
def test_changing_the_evidence_under_review_sends_the_verdict_back(
    draft, reviewer, reviewer2, editor, state
):
    services.verdict_submit(verdict=draft, by=reviewer)
    if state == State.APPROVED:
        services.verdict_approve(verdict=draft, by=editor)
    citation_add(
        claim=draft.claim, url="https://stats.example.org/more", stance="context", by=reviewer2
    )
    verdict = Verdict.objects.get(pk=draft.pk)
    assert verdict.state == State.DRAFT and verdict.approver_id is None
    assert verdict.last_editor == reviewer2
    entry = VerdictTransition.objects.filter(verdict=verdict).last()
    assert (entry.from_state, entry.to_state, entry.kind, entry.by) == (
        state,
        State.DRAFT,
        "evidence",
        reviewer2,
    )
    assert entry.comment == (
        "Evidence changed: cited https://stats.example.org/more; sent back to draft"
    )


def test_removing_a_citation_after_approval_through_the_admin_sends_the_verdict_back(
    client, draft, reviewer, editor
):
    services.verdict_submit(verdict=draft, by=reviewer)
    services.verdict_approve(verdict=draft, by=editor)
    citation = Citation.objects.get(claim=draft.claim)
    client.force_login(editor)
    url = reverse("admin:sources_citation_delete", args=[citation.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Citation.objects.filter(pk=citation.pk).exists()
    verdict = Verdict.objects.get(pk=draft.pk)
    assert verdict.state == State.DRAFT and verdict.approver_id is None
    # The editor who removed it is now an author: another editor approves.
    services.verdict_submit(verdict=verdict, by=reviewer)
    with pytest.raises(VerdictError, match="another editor approves"):
        services.verdict_approve(verdict=verdict, by=editor)


def test_published_evidence_is_served_as_it_was_published(draft, editor, editor2):
    verdict = published(draft, editor)
    stored = verdict.published_evidence
    assert [c["stance"] for c in stored] == ["supports"]
    # A change straight in the table (no service) does not reach the public either.
    Citation.objects.filter(claim=draft.claim).update(excerpt="changed behind our back")
    public = APIClient().get(f"/api/v1/articles/{draft.claim.article_id}/").json()
    assert public["claims"][0]["citations"] == stored


def test_an_editor_overrides_the_archive_check_in_the_approved_state(client, reviewer, editor):
    claim = ClaimFactory()
    verdict = services.verdict_create(claim=claim, by=reviewer, rating=rating(), summary="s")
    citation_add(claim=claim, url="https://gone.example.org/page", stance="supports", by=reviewer)
    services.verdict_submit(verdict=verdict, by=reviewer)
    verdict = services.verdict_approve(verdict=verdict, by=editor)
    [blocker] = services.verdict_publish_check(verdict=verdict).blockers
    assert blocker.fix == "rearchive" and blocker.url == "https://gone.example.org/page"

    client.force_login(reviewer)
    url = reverse("admin:verdicts_verdict_override", args=[verdict.pk])
    page = client.post(url, {"archive_override": "Offline copy in the archive room."}, follow=True)
    assert [str(m) for m in page.context["messages"]] == [
        "You are not allowed to override the archive check."
    ]
    client.force_login(editor)
    page = client.get(reverse("admin:verdicts_verdict_change", args=[verdict.pk])).content
    assert b'id="archive-override"' in page and b"Archive again" in page
    client.post(url, {"archive_override": "Offline copy in the archive room."})
    verdict = Verdict.objects.get(pk=verdict.pk)
    assert verdict.state == State.APPROVED and verdict.archive_override
    assert services.verdict_publish(verdict=verdict, by=editor).state == State.PUBLISHED


def test_an_empty_override_reason_is_refused(reviewer, editor, draft):
    with pytest.raises(VerdictError, match="Give the reason"):
        services.verdict_override_set(verdict=draft, by=editor, reason="  ")


def test_reports_serve_the_published_evidence_and_text_during_a_correction(draft, reviewer, editor):
    from apps.reports.selectors import report_rows

    verdict = published(draft, editor)
    verdict = services.verdict_correct(
        verdict=verdict, by=reviewer, note="New source.", summary="Corrected text."
    )
    citation_add(
        claim=draft.claim, url="https://stats.example.org/new", stance="refutes", by=reviewer
    )
    [row] = report_rows(article_ids=[draft.claim.article_id])
    assert row.state == "published" and row.summary == "The reviewer's text."
    assert [s.stance for s in row.sources] == ["supports"]
    assert row.sources[0].snapshot_sha256 == verdict.published_evidence[0]["snapshot"]["sha256"]


def test_retracting_during_a_correction_drafted_by_the_approver(draft, editor):
    """The editor who approved the verdict drafts a correction, then it is retracted: the
    correction goes with it and the database's two-person checks still hold."""
    verdict = published(draft, editor)
    verdict = services.verdict_correct(verdict=verdict, by=editor, note="Fix.")
    verdict = services.verdict_retract(verdict=verdict, by=editor, note="Withdrawn.")
    assert verdict.state == State.RETRACTED and verdict.pending_note == ""
    assert verdict.approver == editor and verdict.last_editor is None


def test_the_public_api_does_not_show_a_correction_under_way(draft, reviewer, editor):
    verdict = published(draft, editor)
    services.verdict_correct(verdict=verdict, by=reviewer, note="Fix.")
    public = APIClient()
    listed = public.get("/api/v1/claims/", {"state": "published"}).json()
    assert [c["id"] for c in listed["results"]] == [draft.claim_id]
    refused = public.get("/api/v1/claims/", {"state": "correction_drafted"})
    assert refused.status_code == 400


def test_the_backfill_stores_todays_citations_for_verdicts_published_before(draft, editor):
    import importlib

    from django.apps import apps

    from apps.verdicts.claimsets import evidence_payload

    migration = importlib.import_module("apps.verdicts.migrations.0005_published_evidence_backfill")
    verdict = published(draft, editor)
    Verdict.objects.filter(pk=verdict.pk).update(published_evidence=[])
    migration.backfill(apps, None)
    verdict.refresh_from_db()
    assert verdict.published_evidence == evidence_payload(claim_id=draft.claim_id)
    assert len(verdict.published_evidence) == 1
