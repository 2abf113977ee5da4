import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.reports.conftest import make_article

pytestmark = pytest.mark.django_db

EXPORT_URL = "/admin/reports/export/"


def report_url(article, extension: str, query: str = "") -> str:
    return f"/api/v1/articles/{article.pk}/report.{extension}{query}"


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize(
    ("extension", "content_type", "starts"),
    [
        ("csv", "text/csv; charset=utf-8", b"article_id,"),
        ("json", "application/json", b"{"),
        ("jsonld", "application/ld+json", b"{"),
        ("html", "text/html; charset=utf-8", b"<!DOCTYPE html>"),
    ],
)
def test_anyone_may_download_the_published_report(
    client, newsroom, extension, content_type, starts
):
    response = client.get(report_url(newsroom.article, extension))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    data = body(response)
    assert data.startswith(starts)
    assert newsroom.published[0].text.encode() in data
    assert newsroom.draft_text.encode() not in data


def test_csv_is_streamed_as_an_attachment(client, newsroom):
    response = client.get(report_url(newsroom.article, "csv"))
    assert response.streaming
    assert response["Content-Disposition"] == (
        f'attachment; filename="article-{newsroom.article.pk}-report.csv"'
    )
    assert len(list(csv.reader(io.StringIO(body(response).decode())))) == 4


def test_html_report_forbids_scripts_and_loads(client, newsroom):
    response = client.get(report_url(newsroom.article, "html"))
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Content-Disposition"].startswith("inline;")


@pytest.mark.parametrize("extension", ["csv", "json", "jsonld", "html", "pdf"])
def test_anonymous_users_cannot_ask_for_drafts(client, newsroom, extension):
    response = client.get(report_url(newsroom.article, extension, "?include_drafts=1"))
    assert response.status_code == 403


def test_logged_in_non_staff_cannot_ask_for_drafts(client, newsroom, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(user)
    assert client.get(report_url(newsroom.article, "json", "?include_drafts=1")).status_code == 403
    assert client.get(report_url(newsroom.article, "json", "?include_drafts=0")).status_code == 200


def test_staff_who_may_view_verdicts_get_drafts_marked(client, newsroom, reviewer):
    client.force_login(reviewer)
    response = client.get(report_url(newsroom.article, "json", "?include_drafts=1"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    claims = json.loads(response.content)["articles"][0]["claims"]
    assert [c["status"] for c in claims if c["text"] == newsroom.draft_text] == ["DRAFT"]


def test_unknown_article_or_format_is_404(client, newsroom):
    assert client.get("/api/v1/articles/999999/report.json").status_code == 404
    assert client.get(report_url(newsroom.article, "xls")).status_code == 404
    assert client.get(report_url(newsroom.article, "docx")).status_code == 404


def test_article_with_nothing_published_is_hidden_from_the_public(client, reviewer):
    article = make_article("Under review, 5 claims.", title="Secret investigation")
    assert client.get(report_url(article, "json")).status_code == 404
    client.force_login(reviewer)
    response = client.get(report_url(article, "json"))
    assert response.status_code == 200
    assert json.loads(response.content)["articles"][0]["claims"] == []


def test_export_page_is_named_and_staff_only(client, newsroom):
    assert reverse("report_export") == EXPORT_URL
    assert Client().get("/api/v1/reports/export/").status_code == 404  # not an API resource
    response = client.get(f"{EXPORT_URL}?ids={newsroom.article.pk}")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_export_page_offers_formats_and_returns_the_file(client, newsroom, reviewer):
    client.force_login(reviewer)
    other = make_article("Another text, 3 lines.", title="Second article")
    ids = f"{newsroom.article.pk},{other.pk}"
    page = client.get(f"{EXPORT_URL}?ids={ids}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "City facts under review" in html and "Second article" in html
    for fmt in ("csv", "json", "claimreview", "html", "pdf"):
        assert f'value="{fmt}"' in html
    assert 'name="include_drafts"' in html

    response = client.get(EXPORT_URL, {"ids": ids, "format": "csv", "bom": "on"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="verdict-report-2-articles.csv"'
    )
    assert body(response).startswith(b"\xef\xbb\xbfarticle_id,")

    response = client.get(EXPORT_URL, {"ids": ids, "format": "json", "include_drafts": "on"})
    assert response["Content-Disposition"].startswith("attachment;")
    assert newsroom.draft_text in response.content.decode()


@pytest.mark.parametrize(
    ("ids", "fmt", "message"),
    [
        ("1,x", "csv", "ids must be numbers"),
        ("", "csv", "ids must be numbers"),
        ("999999", "csv", "No article with id 999999."),
        ("{pk}", "xls", "Select a valid choice"),
    ],
)
def test_export_page_bad_input(client, newsroom, reviewer, ids, fmt, message):
    client.force_login(reviewer)
    response = client.get(EXPORT_URL, {"ids": ids.format(pk=newsroom.article.pk), "format": fmt})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_export_drafts_need_the_permission(client, newsroom, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(clerk)
    page = client.get(f"{EXPORT_URL}?ids={newsroom.article.pk}")
    assert 'name="include_drafts"' not in page.content.decode()
    response = client.get(
        EXPORT_URL, {"ids": newsroom.article.pk, "format": "json", "include_drafts": "1"}
    )
    assert response.status_code == 403
    response = client.get(EXPORT_URL, {"ids": newsroom.article.pk, "format": "json"})
    assert response.status_code == 200
    assert newsroom.draft_text not in response.content.decode()
