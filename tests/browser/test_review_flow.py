"""The whole newsroom flow in a real browser, on the demo article, with a real Celery worker
archiving a source served by the local web server:

reviewer opens the demo article's claims → attaches a source → sees it archived → drafts and
submits a verdict; editor approves and publishes; the anonymous API then shows the verdict.
Screenshots of each step land in artifacts/screenshots/.
"""

import httpx
import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.claims.models import Claim
from apps.verdicts.models import Verdict

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

CLAIM_FRAGMENT = "Since October 2015, the U.S. Pentagon"
EVIDENCE = """<html><head><title>Pentagon's Syria train-and-equip programme</title></head>
<body><article><h1>Pentagon's Syria train-and-equip programme</h1>
<p>In October 2015 the Pentagon overhauled its programme to train and equip Syrian opposition
forces, shifting to support for groups already fighting the Islamic State.</p>
<p>The Syrian Democratic Forces, formed that month, became its main partner.</p>
</article></body></html>"""
EXCERPT = "In October 2015 the Pentagon overhauled its programme"


def login(page, base: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def test_reviewer_to_public_api(page, live_server, celery_worker_process, localweb, shoot):
    call_command("load_demo", force=True)
    base = live_server.url
    source_url = localweb.page("/evidence/pentagon-2015", EVIDENCE)
    claim = Claim.objects.get(text__startswith=CLAIM_FRAGMENT)

    login(page, base, "reviewer", "reviewer-demo-pass")
    page.goto(f"{base}{reverse('admin:articles_article_changelist')}")
    page.click("text=Russia looks for a role")
    page.wait_for_selector(".claims-in-context")
    shoot(page, "flow-01-article-with-claims")
    page.click(f".claims-in-context a[href$='/claims/claim/{claim.pk}/change/']")
    page.wait_for_selector("#claim-span")
    assert CLAIM_FRAGMENT in page.inner_text("#claim-span")

    page.fill("#id_citations-0-url", source_url + "?utm_source=newsletter")
    page.select_option("#id_citations-0-stance", "supports")
    page.fill("#id_citations-0-excerpt", EXCERPT)
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    for _ in range(60):
        saved = page.inner_text("#citations-0")
        if "Archived" in saved and "not checked yet" not in saved:
            break
        page.wait_for_timeout(500)
        page.reload()
    saved = page.inner_text("#citations-0")
    assert page.inner_text("#citations-0 .badge") == "Archived", saved
    assert "Excerpt in archived copy:\nfound" in saved
    shoot(page, "flow-02-source-archived")

    page.click("text=Write a verdict")
    page.select_option("#id_rating", label="Mostly true")
    page.fill(
        "#id_summary",
        "The Pentagon overhauled its Syria programme in October 2015; it had begun earlier.",
    )
    page.click("input[name=_continue]")
    page.wait_for_selector("#verdict-workflow")
    page.click("#verdict-workflow button[value=submit]")
    page.wait_for_selector(".messagelist .success")
    shoot(page, "flow-03-verdict-submitted")

    login(page, base, "editor", "editor-demo-pass")
    verdict = Verdict.objects.get(claim=claim)
    page.goto(f"{base}{reverse('admin:verdicts_verdict_change', args=[verdict.pk])}")
    page.click("input[value='Approve']")
    page.wait_for_selector(".messagelist .success")
    assert "Not ready to publish" not in page.content()
    page.click("input[value='Publish']")
    page.wait_for_selector(".messagelist .success")
    shoot(page, "flow-04-published")
    verdict.refresh_from_db()
    assert (verdict.state, verdict.author.username, verdict.approver.username) == (
        "published",
        "reviewer",
        "editor",
    )

    page.context.clear_cookies()
    page.goto(f"{base}/api/v1/claims/{claim.pk}/?format=json")
    shoot(page, "flow-05-public-api")
    public = httpx.get(f"{base}/api/v1/claims/{claim.pk}/").json()
    assert public["verdict"]["rating"]["label"] == "Mostly true"
    [citation] = public["citations"]
    assert citation["url"] == source_url
    assert len(citation["snapshot"]["sha256"]) == 64
