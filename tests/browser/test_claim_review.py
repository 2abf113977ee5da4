"""The reviewer has the last word, in a real browser: select a span of the article text and make
it a claim; mark a flagged sentence not a claim and take that back.

The body has a character outside the Basic Multilingual Plane and Windows line ends before the
selected sentence, so the page's offsets (UTF-16, CRLF-normalised by the HTML parser) are only
right if the script and the template convert them.
"""

import pytest
from django.urls import reverse

from apps.articles.services import article_import
from apps.claims.models import Claim
from tests.browser.conftest import admin_login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SKIPPED = "The plan has been scrapped."
BODY = (
    "Prices \U0001f4c8 rose 6.5% in October, the statistics office said.\r\n\r\n"
    f"{SKIPPED} Some people think this is a terrible idea.\r\n\r\n"
    "The council approved a budget of $4.2 million on Monday."
)


def drag_select(page, text: str) -> None:
    """Press the mouse on the first character of ``text`` in the article and release it on the
    last, as a reviewer does."""
    box = page.evaluate(
        """(wanted) => {
            const walker = document.createTreeWalker(
                document.querySelector(".claims-in-context"), NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const node = walker.currentNode, at = node.data.indexOf(wanted);
                if (at < 0) continue;
                const rect = (from, to) => {
                    const range = document.createRange();
                    range.setStart(node, from);
                    range.setEnd(node, to);
                    return range.getBoundingClientRect();
                };
                const end = at + wanted.length;
                const first = rect(at, at + 1), last = rect(end - 1, end);
                return {x1: first.left + 1, y1: first.top + first.height / 2,
                        x2: last.right - 1, y2: last.top + last.height / 2};
            }
            return null;
        }""",
        text,
    )
    assert box, f"{text!r} is not in the article text"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=8)
    page.mouse.up()


def test_a_reviewer_selects_a_sentence_and_makes_it_a_claim(page, live_server, reviewer, shoot):
    article, _ = article_import(body=BODY)
    assert not article.claims.filter(text=SKIPPED).exists()
    admin_login(page, live_server, reviewer.username)
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    button = page.locator("#claim-add-button")
    assert button.is_disabled()

    drag_select(page, SKIPPED)
    start = BODY.index(SKIPPED)
    page.wait_for_function("!document.querySelector('#claim-add-button').disabled")
    assert page.inner_text("#claim-selection") == (
        f"“{SKIPPED}” (characters {start} to {start + len(SKIPPED)})"
    )
    shoot(page, "review-01-selection")
    button.click()
    page.wait_for_selector(".messagelist .success")
    assert "Added claim #" in page.inner_text(".messagelist")

    claim = Claim.objects.get(article=article, origin=Claim.Origin.REVIEWER)
    assert (claim.start, claim.end, claim.text) == (start, start + len(SKIPPED), SKIPPED)
    assert BODY[claim.start : claim.end] == claim.text
    assert page.inner_text(f"#claim-{claim.pk}.claim-from-reviewer") == SKIPPED
    shoot(page, "review-02-added")

    page.goto(live_server.url + reverse("admin:claims_claim_changelist") + "?origin=reviewer")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert SKIPPED in rows.first.inner_text()


def test_a_reviewer_marks_a_claim_not_a_claim_and_takes_it_back(page, live_server, reviewer, shoot):
    article, _ = article_import(body=BODY)
    claim = article.claims.order_by("start").first()
    admin_login(page, live_server, reviewer.username)
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))

    highlight = page.locator(f"#claim-{claim.pk}")
    highlight.hover()
    decide = page.locator(f"#claim-{claim.pk} + button.claim-decide")
    assert decide.inner_text() == "Not a claim"
    decide.click()
    page.wait_for_selector(".messagelist .success")
    assert page.get_attribute(f"#claim-{claim.pk}", "class") == (
        "claim claim-not_checkworthy claim-from-extracted claim-progress-not_checkworthy"
    )
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NOT_CHECKWORTHY
    assert claim.history.latest().history_user == reviewer
    shoot(page, "review-03-not-a-claim")

    Claim.objects.filter(pk=claim.pk).update(
        contributions=[
            {"feature": "percent", "weight": 1.2},
            {"feature": "I think", "weight": -0.4},
        ]
    )
    page.goto(live_server.url + reverse("admin:claims_claim_change", args=[claim.pk]))
    bars = page.locator("table.contributions tr")
    assert bars.count() == 2
    assert bars.nth(0).inner_text().split() == ["percent", "+1.20"]
    assert bars.nth(1).inner_text().split() == ["I", "think", "\u22120.40"]
    shoot(page, "review-04-claim-page")
    page.click("button.claim-decision-tool:has-text('Undo: it is a claim')")
    page.wait_for_selector(".messagelist .success")
    assert page.locator("button.claim-decision-tool").text_content() == "Not a claim"
    claim.refresh_from_db()
    assert claim.status == Claim.Status.OPEN
