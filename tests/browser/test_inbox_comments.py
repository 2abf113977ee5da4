"""The reviewer's day in the browser: the inbox on the admin index says what waits and links to
where to act; the claim's staff conversation is written on the verdict page and read (and
answered) on the claim page. With the demo newsroom loaded, as `make run` has it.

With DOCS_SCREENSHOTS=1 the inbox screenshot is also written to docs/inbox.png (1366 px wide)."""

import os

import pytest
from django.core.management import call_command

from apps.claims.models import ClaimComment
from apps.verdicts.models import Verdict
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db(transaction=True)


def demo_login(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"{username}-demo-pass")
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False


def test_inbox_leads_the_editor_to_the_verdict_and_the_conversation_reaches_the_reviewer(
    browser, live_server, demo
):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        demo_login(page, live_server, "editor")
        inbox = page.locator("#inbox")
        assert "Waiting for your approval (2)" in inbox.inner_text()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "inbox.png"))
        if os.environ.get("DOCS_SCREENSHOTS") == "1":
            page.screenshot(path=str(ROOT / "docs" / "inbox.png"))

        submitted = Verdict.objects.get(state=Verdict.State.SUBMITTED)
        page.click(f"#inbox-to-approve a[href$='/verdict/{submitted.pk}/change/'].button")
        page.wait_for_selector("#verdict-workflow")
        thread = page.locator("#conversation")
        assert "Coalition and Iraqi figures agree on 30,000" in thread.inner_text()
        page.fill(
            "#id_comment_body", "Approving once the <em>Peshmerga</em> note is in the summary."
        )
        page.click("#conversation input[type=submit]")
        page.wait_for_selector("text=Your comment was added.")
        assert page.url.endswith(f"/verdict/{submitted.pk}/change/#conversation")
        assert "the <em>Peshmerga</em> note" in page.locator("#conversation").inner_text()

        demo_login(page, live_server, "reviewer")
        page.goto(f"{live_server.url}/admin/claims/claim/{submitted.claim_id}/change/")
        thread = page.locator("#conversation")
        assert "the <em>Peshmerga</em> note" in thread.inner_text()
        page.fill("#id_comment_body", "")
        page.click("#conversation input[type=submit]")  # the browser keeps an empty one back
        assert ClaimComment.objects.filter(claim_id=submitted.claim_id).count() == 2
        page.fill("#id_comment_body", "Added it.")
        page.click("#conversation input[type=submit]")
        page.wait_for_selector("text=Your comment was added.")
        authors = list(
            ClaimComment.objects.filter(claim_id=submitted.claim_id).values_list(
                "author__username", flat=True
            )
        )
        assert authors == ["reviewer", "editor", "reviewer"]
    finally:
        context.close()


def test_a_reviewer_with_nothing_waiting_sees_the_empty_state(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        from django.contrib.auth import get_user_model

        from tests.conftest import _make_user

        _make_user(get_user_model(), "newcomer", "Reviewers", is_staff=True)
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "newcomer")
        page.fill("#id_password", "pw-newcomer")
        page.click("input[type=submit]")
        page.wait_for_selector("#inbox")
        assert "Nothing is waiting for you." in page.locator("#inbox").inner_text()
        page.click("#inbox a:text('claim queue')")
        page.wait_for_selector("#result_list")
    finally:
        context.close()
