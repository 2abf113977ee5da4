"""The verdict page as a reviewer and two editors use it, in a real browser: edits survive a
workflow button, the evidence is on the page, a blocked publication says how to get unblocked,
evidence changed after approval sends the verdict back, and no one approves their own work
(nor their own rewrite of another's draft, nor their own correction)."""

import pytest
from django.urls import reverse

from apps.sources.models import Citation, Source
from apps.sources.services import citation_add
from apps.verdicts import services
from apps.verdicts.models import Verdict
from tests.browser.conftest import admin_login
from tests.factories import ArticleFactory, ClaimFactory, cite_archived, rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
State = Verdict.State

LONG_CLAIM = (
    "The coalition said that about 30,000 to 60,000 troops took part in the first week of the "
    "operation, more than any offensive in the country since 2003."
)


def long_claim():
    body = f"Officials spoke on Monday.\n\nIntroduction first. {LONG_CLAIM}\n\nAnother paragraph."
    article = ArticleFactory(body=body)
    start = body.index(LONG_CLAIM)
    return ClaimFactory(article=article, start=start, end=start + len(LONG_CLAIM))


def open_verdict(page, live_server, verdict):
    page.goto(f"{live_server.url}{reverse('admin:verdicts_verdict_change', args=[verdict.pk])}")
    page.wait_for_selector("#verdict-workflow")


def test_submit_keeps_the_summary_typed_just_before(page, live_server, reviewer):
    claim = ClaimFactory()
    cite_archived(claim)
    verdict = services.verdict_create(claim=claim, by=reviewer, rating=rating(), summary="Old.")
    admin_login(page, live_server, reviewer.username)
    open_verdict(page, live_server, verdict)
    page.fill("#id_summary", "Typed just before pressing submit.")
    page.click("#verdict-workflow >> text=Submit for review")
    page.wait_for_selector(".messagelist .success")
    verdict.refresh_from_db()
    assert verdict.state == State.SUBMITTED
    assert verdict.summary == "Typed just before pressing submit."


def test_the_verdict_page_shows_the_claim_in_full_and_its_evidence(
    page, live_server, reviewer, editor, shoot
):
    claim = long_claim()
    cite_archived(claim, excerpt="30,000 residents", excerpt_found=True)
    Citation.objects.create(
        claim=claim,
        source=Source.objects.create(
            url="https://gone.example.org/report", domain="gone.example.org"
        ),
        stance=Citation.Stance.REFUTES,
        excerpt="far higher",
    )
    verdict = services.verdict_create(claim=claim, by=reviewer, rating=rating(), summary="s")
    services.verdict_submit(verdict=verdict, by=reviewer)
    admin_login(page, live_server, editor.username)
    open_verdict(page, live_server, verdict)
    assert LONG_CLAIM in page.inner_text("#verdict-claim")
    assert "Introduction first." in page.inner_text("#verdict-claim")  # its paragraph
    evidence = page.inner_text("#verdict-evidence")
    assert "Supports" in evidence and "Refutes" in evidence
    assert "https://gone.example.org/report" in evidence and "far higher" in evidence
    assert "Archived" in evidence and "found" in evidence and "Not queued" in evidence
    assert page.locator("#verdict-evidence a", has_text="snapshot").count() == 1
    assert "The claim is not accurate." in page.inner_text("#verdict-scale")
    # Workflow actions above the form's fields.
    top = page.locator("#verdict-workflow").bounding_box()["y"]
    assert top < page.locator("#id_summary, .field-summary").first.bounding_box()["y"]
    shoot(page, "verdict-desk")


def test_a_blocked_publication_lists_its_fixes_and_the_override_works_when_approved(
    page, live_server, reviewer, editor, editor2
):
    claim = ClaimFactory()
    verdict = services.verdict_create(claim=claim, by=reviewer, rating=rating(), summary="s")
    citation_add(claim=claim, url="https://gone.example.org/page", stance="supports", by=reviewer)
    services.verdict_submit(verdict=verdict, by=reviewer)
    services.verdict_approve(verdict=verdict, by=editor2)
    admin_login(page, live_server, editor.username)
    open_verdict(page, live_server, verdict)
    blockers = page.inner_text("#publish-blockers")
    assert "https://gone.example.org/page is not archived" in blockers
    assert "Archive again" in blockers and "Cite another source" in blockers
    assert page.locator("input[value='Publish']").count() == 0
    page.fill("#archive-override textarea", "The page is gone; a printed copy is on file.")
    page.click("#archive-override input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    page.click("input[value='Publish']")
    page.wait_for_selector("text=The verdict was published.")
    assert Verdict.objects.get(pk=verdict.pk).state == State.PUBLISHED


def test_removing_a_citation_after_approval_sends_the_verdict_back(
    page, live_server, reviewer, editor
):
    claim = ClaimFactory()
    citation = cite_archived(claim)
    verdict = services.verdict_create(claim=claim, by=reviewer, rating=rating(), summary="s")
    services.verdict_submit(verdict=verdict, by=reviewer)
    services.verdict_approve(verdict=verdict, by=editor)
    admin_login(page, live_server, editor.username)
    page.goto(f"{live_server.url}{reverse('admin:sources_citation_delete', args=[citation.pk])}")
    page.click("input[type=submit]")
    page.wait_for_selector(".messagelist")
    verdict.refresh_from_db()
    assert verdict.state == State.DRAFT and verdict.approver_id is None
    open_verdict(page, live_server, verdict)
    assert "Evidence changed: removed" in page.inner_text("body")


def test_an_editor_who_rewrote_a_draft_is_not_offered_approve(page, live_server, reviewer, editor):
    claim = ClaimFactory()
    cite_archived(claim)
    verdict = services.verdict_create(claim=claim, by=reviewer, rating=rating(), summary="s")
    admin_login(page, live_server, editor.username)
    open_verdict(page, live_server, verdict)
    page.fill("#id_summary", "The editor's own words.")
    page.click("#verdict-workflow >> text=Submit for review")
    page.wait_for_selector(".messagelist .success")
    assert page.locator("input[value='Approve']").count() == 0
    assert "another editor approves" in page.inner_text("#verdict-workflow")
    verdict.refresh_from_db()
    assert verdict.state == State.SUBMITTED and verdict.summary == "The editor's own words."


def test_the_author_drafts_a_correction_that_another_editor_approves(
    page, live_server, editor, editor2
):
    claim = ClaimFactory()
    cite_archived(claim)
    verdict = services.verdict_create(claim=claim, by=editor, rating=rating(), summary="s")
    services.verdict_submit(verdict=verdict, by=editor)
    services.verdict_approve(verdict=verdict, by=editor2)
    services.verdict_publish(verdict=verdict, by=editor2)
    admin_login(page, live_server, editor.username)
    open_verdict(page, live_server, verdict)
    form = page.locator(
        "#verdict-workflow form", has=page.locator("input[value='Draft a correction']")
    )
    form.locator("select[name=rating]").select_option(label="False")
    form.locator("textarea[name=comment]").fill("The figure was revised.")
    form.locator("input[type=submit]").click()
    page.wait_for_selector(".messagelist .success")
    verdict.refresh_from_db()
    assert verdict.state == State.CORRECTION_DRAFTED and verdict.rating.label == "True"
    assert page.locator("input[value='Approve the correction']").count() == 0
    assert "another editor approves" in page.inner_text("#verdict-workflow")
    admin_login(page, live_server, editor2.username)
    open_verdict(page, live_server, verdict)
    page.click("input[value='Approve the correction']")
    page.wait_for_selector(".messagelist .success")
    page.click("input[value='Publish the correction']")
    page.wait_for_selector("text=The correction was published.")
    verdict.refresh_from_db()
    assert verdict.state == State.CORRECTED and verdict.rating.label == "False"
