"""Citing a suggested passage in a real browser: the button inside the claim form posts to the
cite view (with the form's CSRF token), and the claim page then shows the citation with links to
the excerpt in the archived text and on the live page."""

import pytest

from apps.sources.models import Citation, Passage
from apps.sources.passages import passages_index
from tests.browser.conftest import admin_login
from tests.factories import ArticleFactory, ClaimFactory, SnapshotFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_cite_a_suggested_passage(page, live_server, reviewer, shoot):
    snapshot = SnapshotFactory(
        text="Labour survey. Unemployment in Portugal fell to 6.1 percent in March 2024."
    )
    passages_index(snapshot_id=snapshot.pk, source_id=snapshot.source_id, text=snapshot.text)
    article = ArticleFactory(
        body="Lede sentence here. Unemployment in Portugal fell to 6.1 percent in March 2024."
    )
    claim = ClaimFactory(article=article)
    admin_login(page, live_server, reviewer.username)
    page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
    suggestion = page.locator(".evidence-suggestion").first
    assert "6.1 percent" in suggestion.locator("mark.ev-number").first.inner_text()
    shoot(page, "evidence-suggestions")
    # Enter in a field of the claim form saves it, as on any admin page: it does not cite.
    page.locator("input[name$='-url']").first.press("Enter")
    page.wait_for_url("**/admin/claims/claim/")
    assert not Citation.objects.exists()
    page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
    suggestion = page.locator(".evidence-suggestion").first
    suggestion.get_by_role("button", name="Cite this passage: supports").click()
    page.wait_for_selector(".messagelist .success")
    assert "Cited" in page.locator(".messagelist").inner_text()
    citation = Citation.objects.get()
    passage = Passage.objects.get(
        snapshot=snapshot, start=citation.excerpt_start, end=citation.excerpt_end
    )
    assert (citation.snapshot_id, citation.excerpt) == (snapshot.pk, passage.text)
    archive_link = page.locator("a.excerpt-archive").first
    href = archive_link.get_attribute("href")
    assert href.endswith(f"?start={passage.start}&end={passage.end}#excerpt")
    live = page.locator("a.excerpt-live").first.get_attribute("href")
    assert live.startswith(snapshot.source.url + "#:~:text=")
    archive_link.click()
    assert page.locator("mark#excerpt").inner_text() == passage.text
    shoot(page, "evidence-excerpt-in-archive")
