"""The desk at a glance, in a real browser: archive badges that follow a capture without a
reload, a per-source retry (refused clearly without the permission), exact archive counts in the
queue, the article text coloured by each claim's progress, claim links that mark the claim, an
article filter with counts, empty states that say what to do, lists that fit 1366 px with the
sidebar open, and a favicon."""

import httpx
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from apps.sources.models import Citation, Snapshot
from apps.verdicts import services
from apps.verdicts.roles import _READ_ALL
from tests.browser.conftest import admin_login
from tests.conftest import _make_user
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    SnapshotFactory,
    cite_archived,
    rating,
    verdict_published,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pending_snapshot(**fields) -> Snapshot:
    return SnapshotFactory(state="queued", sha256="", warc="", fetched_at=None, **fields)


def failed_snapshot(**fields) -> Snapshot:
    return SnapshotFactory(state="failed", reason="HTTP 404", sha256="", warc="", **fields)


def claim_page(page, live_server, claim) -> None:
    page.goto(f"{live_server.url}{reverse('admin:claims_claim_change', args=[claim.pk])}")
    page.wait_for_selector("#claim-span")


def archive_cell(page, citation):
    return page.locator(f".archive-live[data-citation='{citation.pk}'][data-part='archive']")


def excerpt_cell(page, citation):
    return page.locator(f".archive-live[data-citation='{citation.pk}'][data-part='excerpt']")


def test_the_archive_badge_follows_the_capture_without_a_reload(page, live_server, reviewer):
    claim = ClaimFactory()
    snapshot = pending_snapshot()
    citation = CitationFactory(claim=claim, source=snapshot.source)
    admin_login(page, live_server, reviewer.username)
    claim_page(page, live_server, claim)
    assert "Queued" in archive_cell(page, citation).inner_text()
    page.evaluate("window.notReloaded = true")

    # What the worker writes when the capture succeeds.
    Snapshot.objects.filter(pk=snapshot.pk).update(
        state="archived", sha256="ab" * 32, warc="archives/x.warc.gz", fetched_at=timezone.now()
    )
    Citation.objects.filter(pk=citation.pk).update(snapshot=snapshot, excerpt_found=True)

    page.wait_for_function(
        "id => document.querySelector(`.archive-live[data-citation='${id}']`)"
        ".dataset.state === 'archived'",
        arg=citation.pk,
        timeout=10_000,
    )
    assert "Archived" in archive_cell(page, citation).inner_text()
    assert "found" in excerpt_cell(page, citation).inner_text()
    assert page.evaluate("window.notReloaded") is True


def test_the_verdict_page_badge_follows_the_capture_too(page, live_server, reviewer):
    claim = ClaimFactory()
    snapshot = pending_snapshot()
    citation = CitationFactory(claim=claim, source=snapshot.source)
    verdict = services.verdict_create(claim=claim, by=reviewer, rating=rating(), summary="S.")
    admin_login(page, live_server, reviewer.username)
    page.goto(f"{live_server.url}{reverse('admin:verdicts_verdict_change', args=[verdict.pk])}")
    page.wait_for_selector("#verdict-evidence")
    Snapshot.objects.filter(pk=snapshot.pk).update(state="failed", reason="HTTP 404")
    page.wait_for_function(
        "id => document.querySelector(`.archive-live[data-citation='${id}']`)"
        ".dataset.state === 'failed'",
        arg=citation.pk,
        timeout=10_000,
    )
    assert "not checkable" in excerpt_cell(page, citation).inner_text()


def test_a_failed_source_is_not_checkable_and_can_be_archived_again(page, live_server, reviewer):
    claim = ClaimFactory()
    failed = failed_snapshot()
    citation = CitationFactory(claim=claim, source=failed.source)
    admin_login(page, live_server, reviewer.username)
    claim_page(page, live_server, claim)
    excerpt = excerpt_cell(page, citation).inner_text()
    assert "not checkable" in excerpt and "not checked yet" not in excerpt

    archive_cell(page, citation).locator("text=Archive again").click()
    page.wait_for_selector(".messagelist .success")
    assert "queued for archiving again" in page.inner_text(".messagelist")
    assert page.url.endswith(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert Snapshot.objects.filter(source=failed.source, state="queued").count() == 1
    assert "Queued" in archive_cell(page, citation).inner_text()
    assert archive_cell(page, citation).locator("text=Archive again").count() == 0


def test_archiving_again_is_refused_clearly_without_the_permission(
    page, live_server, django_user_model
):
    reader = _make_user(django_user_model, "vera", None, is_staff=True)
    for name in _READ_ALL:
        app, codename = name.split(".")
        reader.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )
    claim = ClaimFactory()
    failed = failed_snapshot()
    citation = CitationFactory(claim=claim, source=failed.source)
    admin_login(page, live_server, reader.username)
    claim_page(page, live_server, claim)
    archive_cell(page, citation).locator("text=Archive again").click()
    page.wait_for_selector(".messagelist .error")
    assert "permission to change sources" in page.inner_text(".messagelist")
    assert Snapshot.objects.filter(source=failed.source).count() == 1


def test_the_queue_gives_exact_archive_counts(page, live_server, reviewer):
    claim = ClaimFactory()
    cite_archived(claim)
    failed = failed_snapshot()
    CitationFactory(claim=claim, source=failed.source)
    admin_login(page, live_server, reviewer.username)
    page.goto(f"{live_server.url}{reverse('admin:claims_claim_changelist')}")
    cell = page.locator("#result_list td.field-archive_status").first.inner_text()
    assert cell.strip() == "1 of 2 archived, 1 failed"


ARTICLE = (
    "Officials met on Monday. The city had 30,000 residents in 2016. "
    "Prices rose 12 percent in 2020. Unemployment fell to 4 percent in 2019. "
    "Exports doubled between 2010 and 2015."
)
SENTENCES = [
    "The city had 30,000 residents in 2016.",
    "Prices rose 12 percent in 2020.",
    "Unemployment fell to 4 percent in 2019.",
    "Exports doubled between 2010 and 2015.",
]


def progress_article(reviewer, editor):
    """One claim in each state: open, in review, published (with a rating), retracted."""
    article = ArticleFactory(title="Progress article", body=ARTICLE)
    claims = []
    for sentence in SENTENCES:
        start = ARTICLE.index(sentence)
        claims.append(
            ClaimFactory(article=article, start=start, end=start + len(sentence), text=sentence)
        )
    _open, review_claim, published_claim, retracted_claim = claims
    for claim in claims[1:]:
        cite_archived(claim)
    review = services.verdict_create(claim=review_claim, by=reviewer, rating=rating(), summary="S")
    services.verdict_submit(verdict=review, by=reviewer)
    verdict_published(published_claim, author=reviewer, approver=editor, label="False")
    retracted = verdict_published(retracted_claim, author=reviewer, approver=editor)
    services.verdict_retract(verdict=retracted, by=editor, note="Wrong figure.")
    return article, claims


def test_the_article_text_shows_each_claims_progress(page, live_server, reviewer, editor, shoot):
    article, claims = progress_article(reviewer, editor)
    admin_login(page, live_server, reviewer.username)
    page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[article.pk])}")
    page.wait_for_selector(".claims-in-context")
    progress = [page.get_attribute(f"#claim-{c.pk}", "data-progress") for c in claims]
    assert progress == ["open", "review", "published", "retracted"]
    backgrounds = {
        page.evaluate(
            "id => getComputedStyle(document.getElementById(id)).backgroundColor", f"claim-{c.pk}"
        )
        for c in claims
    }
    assert len(backgrounds) == 4, "each state has its own colour"
    assert "False" in page.inner_text(f"#claim-{claims[2].pk} + .claim-rating")
    legend = page.inner_text("#claim-legend")
    for word in ("open", "in review", "published", "retracted"):
        assert word in legend
    shoot(page, "article-view-progress")


def test_the_claims_article_link_scrolls_to_and_marks_the_claim(page, live_server, reviewer):
    body = "Intro. " + "Filler sentence for length. " * 200 + SENTENCES[0]
    article = ArticleFactory(body=body)
    start = body.index(SENTENCES[0])
    claim = ClaimFactory(article=article, start=start, end=start + len(SENTENCES[0]))
    page.set_viewport_size({"width": 1366, "height": 700})
    admin_login(page, live_server, reviewer.username)
    claim_page(page, live_server, claim)
    page.click(f".field-article_link a[href*='/articles/article/{article.pk}/']")
    page.wait_for_selector(".claims-in-context")
    assert page.url.endswith(f"#claim-{claim.pk}")
    assert page.evaluate(f"document.getElementById('claim-{claim.pk}').matches(':target')")
    outline = page.evaluate(
        f"getComputedStyle(document.getElementById('claim-{claim.pk}')).outlineStyle"
    )
    assert outline == "solid"
    top = page.evaluate(f"document.getElementById('claim-{claim.pk}').getBoundingClientRect().top")
    assert 0 <= top < 700, "the claim is scrolled into view"


def test_the_queue_filters_by_article_with_counts(page, live_server, reviewer):
    mosul = ArticleFactory(title="Mosul offensive", body=ARTICLE)
    other = ArticleFactory(title="Raqqa report", body=ARTICLE + " Raqqa.")
    for sentence in SENTENCES[:3]:
        start = ARTICLE.index(sentence)
        ClaimFactory(article=mosul, start=start, end=start + len(sentence), text=sentence)
    start = ARTICLE.index(SENTENCES[3])
    ClaimFactory(article=other, start=start, end=start + len(SENTENCES[3]), text=SENTENCES[3])
    admin_login(page, live_server, reviewer.username)
    page.goto(f"{live_server.url}{reverse('admin:claims_claim_changelist')}")
    page.click("#changelist-filter >> text=Mosul offensive (3 claims, 3 open)")
    page.wait_for_url(f"**article={mosul.pk}**")
    assert page.locator("#result_list tbody tr").count() == 3
    assert "Raqqa report" not in page.inner_text("#result_list")


def test_empty_states_say_what_to_do_next(page, live_server, reviewer):
    admin_login(page, live_server, reviewer.username)
    page.goto(f"{live_server.url}{reverse('admin:claims_claim_changelist')}")
    assert "Import an article" in page.inner_text("#claim-queue-empty")
    article = ArticleFactory(body="Nothing to check here.")
    page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[article.pk])}")
    assert "No claims in this article yet" in page.inner_text(".claim-empty")
    claim = ClaimFactory()
    claim_page(page, live_server, claim)
    assert "No source is cited yet" in page.inner_text("#claim-no-sources")


LONG = (
    "According to the ministry's own figures released late on Thursday evening, "
    "https://very-long-host-name.example.org/a/really/long/path/that/does/not/break/easily "
    "the number of displaced residents exceeded 120,000 for the first time since 2016."
)


def test_lists_fit_1366_px_with_the_sidebar_open(page, live_server, reviewer, editor):
    article = ArticleFactory(title="A very long article title " * 6, body="Intro. " + LONG)
    claim = ClaimFactory(article=article)
    for n in range(3):
        CitationFactory(
            claim=claim,
            source=failed_snapshot(
                source__url=f"https://very-long-host-name.example.org/{'segment/' * 30}{n}"
            ).source,
            excerpt=LONG,
            note=LONG,
        )
    other = ClaimFactory(article=article, start=0, end=6, text="Intro.")
    cite_archived(other)
    verdict_published(other, author=reviewer, approver=editor)
    page.set_viewport_size({"width": 1366, "height": 800})
    admin_login(page, live_server, editor.username)
    for name in (
        "admin:claims_claim_changelist",
        "admin:sources_citation_changelist",
        "admin:verdicts_verdict_changelist",
        "admin:articles_article_changelist",
    ):
        page.goto(f"{live_server.url}{reverse(name)}")
        page.wait_for_selector("#result_list")
        assert page.is_visible("#nav-sidebar"), name
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, f"{name} is {width} px wide"
        # The admin scrolls a wide table inside its column: that hides columns just the same.
        table, column = page.evaluate(
            "[document.getElementById('result_list').scrollWidth,"
            " document.querySelector('#changelist .results').clientWidth]"
        )
        assert table <= column, f"{name}: a {table} px table in a {column} px column"


def test_the_favicon_is_linked_and_served(page, live_server, reviewer):
    admin_login(page, live_server, reviewer.username)
    href = page.get_attribute("link[rel=icon]", "href")
    assert href and href.endswith(".png")
    icon = httpx.get(f"{live_server.url}{href}")
    assert icon.status_code == 200 and icon.content.startswith(b"\x89PNG")
    ico = httpx.get(f"{live_server.url}/favicon.ico", follow_redirects=True)
    assert ico.status_code == 200 and ico.content[:4] == b"\x00\x00\x01\x00"


def test_the_import_form_has_a_large_text_area(page, live_server, reviewer):
    page.set_viewport_size({"width": 1366, "height": 800})
    admin_login(page, live_server, reviewer.username)
    page.goto(f"{live_server.url}{reverse('admin:articles_article_add')}")
    box = page.locator("#article-import textarea").bounding_box()
    assert box["width"] >= 600 and box["height"] >= 300


def test_the_demo_article_shows_every_kind_of_progress(page, live_server, shoot):
    """load_demo leaves claims in several states, so the article view shows the colours (the
    README's screenshot, docs/article-view.png, is this page)."""
    from django.core.management import call_command

    from apps.articles.models import Article

    call_command("load_demo", force=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    admin_login_demo(page, live_server)
    seen = set()
    for article in Article.objects.order_by("pk"):
        page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[article.pk])}")
        page.wait_for_selector(".claims-in-context")
        states = set(
            page.eval_on_selector_all(
                ".claims-in-context a.claim", "els => els.map(e => e.dataset.progress)"
            )
        )
        if {"open", "published"} <= states and len(states) >= 4:
            page.screenshot(path=str(shoot_dir(shoot) / "article-view.png"))
        seen |= states
    assert {"open", "review", "published", "retracted"} <= seen


def admin_login_demo(page, live_server) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "reviewer")
    page.fill("#id_password", "reviewer-demo-pass")
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def shoot_dir(shoot):
    from tests.browser.conftest import SCREENSHOTS

    return SCREENSHOTS
