import re

import pytest

from apps.reports.chart import ink_for, rating_chart_svg
from apps.reports.documents import RatingCount
from apps.reports.services import report_render
from tests.factories import rating
from tests.reports.conftest import (
    article_with_published_claims,
    cite,
    claim_on,
    make_article,
    publish,
)

pytestmark = pytest.mark.django_db


def render_html(article_ids, **kwargs) -> str:
    return b"".join(report_render(fmt="html", article_ids=article_ids, **kwargs)).decode()


def test_html_is_self_contained_with_the_chart_and_claim_anchors(newsroom):
    html = render_html([newsroom.article.pk])
    assert html.startswith("<!DOCTYPE html>")
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="rating-chart"' in html
    # One bar per rating with verdicts, in the scale's colours.
    for colour in ("#1b7f3b", "#cc0000", "#f1c232"):
        assert re.search(rf'<rect [^>]*fill="{colour}"', html)
    assert "@page" in html
    for claim in newsroom.published:
        assert f'id="claim-{claim.pk}"' in html
    assert "City facts under review" in html and "https://paper.example/city" in html
    # No external asset: no script, stylesheet link, image, frame or CSS import/url.
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", html, re.I)
    assert not re.search(r"\bsrc\s*=", html, re.I)
    assert not re.search(r"@import|url\(", html, re.I)
    assert "DRAFT" not in html


def test_html_escapes_article_text(reviewer, editor):
    article = make_article(
        "Intro.\n\nHe said <script>alert(1)</script> 5 times.", title="<img src=x onerror=1>"
    )
    claim = claim_on(article, "<script>alert(1)</script> 5 times")
    cite(claim, excerpt='"><svg onload=alert(2)>')
    publish(claim, author=reviewer, approver=editor, label="False", summary="<b>bold</b>")
    html = render_html([article.pk])
    assert "<script>" not in html and "<img" not in html and "<svg onload" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 5 times" in html


def test_drafts_only_with_the_flag_and_marked(newsroom):
    assert newsroom.draft_text not in render_html([newsroom.article.pk])
    html = render_html([newsroom.article.pk], include_drafts=True)
    assert newsroom.draft_text in html
    assert "DRAFT" in html and 'class="draft-banner"' in html


def test_several_articles_get_an_overview(newsroom):
    other = make_article("Nothing checked here yet.", title="Second article")
    html = render_html([newsroom.article.pk, other.pk])
    assert html.count('class="rating-chart"') == 3  # overview + one per article
    assert "2 articles, 3 checked claims" in html
    assert "No published verdicts for this article yet." in html


def test_html_build_queries_do_not_grow_with_claims(
    newsroom, reviewer, editor, django_assert_num_queries
):
    # The JSON report's nine queries and the thumbnails of the cited sources' rendered captures.
    with django_assert_num_queries(10):
        render_html([newsroom.article.pk])
    article = article_with_published_claims(8, author=reviewer, approver=editor)
    with django_assert_num_queries(10):
        html = render_html([newsroom.article.pk, article.pk])
    assert html.count('<article class="claim') == 3 + 8


def test_chart_labels_are_escaped_and_ink_contrasts():
    true = rating("True")
    svg = str(rating_chart_svg([RatingCount(true, 3), RatingCount(None, 1)], title="<x>"))
    assert "&lt;x&gt;" in svg and "<x>" not in svg
    assert 'fill="#1b7f3b"' in svg and "Unrated" in svg
    assert ink_for("#f1c232") == "#1a1a1a"  # dark text on yellow
    assert ink_for("#1b7f3b") == "#ffffff"  # white text on dark green
    assert ink_for("#cc0000") == "#ffffff"
