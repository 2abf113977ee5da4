"""A reviewer drafts and submits a verdict in the admin; another editor approves and publishes it;
the author cannot approve their own work. Driven in a real browser."""

import re

import pytest
from django.urls import reverse

from apps.verdicts.models import Verdict
from tests.browser.conftest import admin_login
from tests.factories import CitationFactory, ClaimFactory, SnapshotFactory, rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_person_publishing_in_the_browser(page, live_server, reviewer, editor, shoot):
    claim = ClaimFactory()
    snapshot = SnapshotFactory()
    CitationFactory(claim=claim, source=snapshot.source, snapshot=snapshot)

    admin_login(page, live_server, reviewer.username)
    page.goto(f"{live_server.url}{reverse('admin:verdicts_verdict_add')}?claim={claim.pk}")
    page.select_option("#id_rating", label="Mostly true")
    page.fill("#id_summary", "Official figures put the number at 28,000.")
    shoot(page, "verdict-01-draft-form")
    page.click("input[name=_continue]")
    page.wait_for_selector("#verdict-workflow")
    assert "Draft (version 1)" in page.inner_text("#verdict-workflow")
    page.click("#verdict-workflow button[value=submit]")
    page.wait_for_selector(".messagelist .success")
    assert "The verdict was submitted for review." in page.inner_text(".messagelist")
    shoot(page, "verdict-02-submitted")

    verdict = Verdict.objects.get(claim=claim)
    admin_login(page, live_server, editor.username)
    page.goto(f"{live_server.url}{reverse('admin:verdicts_verdict_change', args=[verdict.pk])}")
    page.click("input[value='Approve']")
    page.wait_for_selector(".messagelist .success")
    page.click("input[value='Publish']")
    page.wait_for_selector(".messagelist .success")
    assert "The verdict was published." in page.inner_text(".messagelist")
    shoot(page, "verdict-03-published")
    verdict.refresh_from_db()
    assert verdict.state == Verdict.State.PUBLISHED
    assert verdict.approver == editor
    assert re.search(r"Published \(version \d+\)", page.inner_text("#verdict-workflow"))


def test_author_cannot_approve_own_verdict_in_the_browser(page, live_server, editor, shoot):
    from apps.verdicts import services

    verdict = services.verdict_create(
        claim=ClaimFactory(), by=editor, rating=rating(), summary="Mine."
    )
    services.verdict_submit(verdict=verdict, by=editor)
    admin_login(page, live_server, editor.username)
    page.goto(f"{live_server.url}{reverse('admin:verdicts_verdict_change', args=[verdict.pk])}")
    assert page.locator("input[value='Approve']").count() == 0
    assert "You wrote this verdict: another editor approves." in page.inner_text(
        "#verdict-workflow"
    )
    shoot(page, "verdict-04-own-approval-refused")
    verdict.refresh_from_db()
    assert verdict.state == Verdict.State.SUBMITTED
