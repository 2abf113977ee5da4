import json

import pytest
from django.conf import settings

from apps.reports.services import report_render
from tests.reports.conftest import article_with_published_claims, make_article

pytestmark = pytest.mark.django_db


def render_json(article_ids, **kwargs) -> dict:
    return json.loads(b"".join(report_render(fmt="json", article_ids=article_ids, **kwargs)))


def test_json_has_the_documented_shape(newsroom):
    """The shape documented in apps/reports/json_export.py."""
    data = render_json([newsroom.article.pk])
    assert set(data) == {"generated_at", "organization", "include_drafts", "summary", "articles"}
    assert data["include_drafts"] is False
    assert data["organization"] == {
        "name": settings.ORGANIZATION_NAME,
        "url": settings.ORGANIZATION_URL,
    }
    [article] = data["articles"]
    assert set(article) == {
        "id", "title", "canonical_url", "author", "published_on", "language", "content_sha256",
        "imported_at", "report_url", "claim_count", "retracted_count", "draft_count", "summary",
        "claims",
    }  # fmt: skip
    assert article["id"] == newsroom.article.pk
    assert article["canonical_url"] == "https://paper.example/city"
    assert article["report_url"].endswith(f"/api/v1/articles/{newsroom.article.pk}/report.html")
    assert (article["claim_count"], article["retracted_count"], article["draft_count"]) == (3, 0, 0)
    summary = {s["rating"]: s["count"] for s in article["summary"]}
    assert summary == {
        "True": 1, "Mostly true": 0, "Half true": 1, "Mostly false": 0, "False": 1,
        "Misleading": 0, "Unverifiable": 0,
    }  # fmt: skip
    assert all(s["colour"].startswith("#") for s in article["summary"])

    claim = article["claims"][0]
    assert set(claim) == {
        "id", "url", "text", "start", "end", "paragraph", "kind", "status", "draft", "verdict",
        "sources",
    }  # fmt: skip
    assert claim["url"] == f"{article['report_url']}#claim-{claim['id']}"
    assert (claim["start"], claim["end"], claim["paragraph"]) == (14, 51, 1)
    assert claim["status"] == "published" and claim["draft"] is False
    verdict = claim["verdict"]
    assert set(verdict) == {
        "id", "state", "rating", "summary", "correction_note", "author", "approver",
        "created_at", "submitted_at", "approved_at", "published_at", "corrected_at",
        "retracted_at",
    }  # fmt: skip
    assert verdict["rating"] == {
        "label": "True", "colour": "#1b7f3b", "rating_value": 5, "best_rating": 5,
        "worst_rating": 1, "alternate_name": "True",
    }  # fmt: skip
    # Public names, never usernames: the editor set one, the reviewer kept the desk's.
    assert verdict["author"] == "Fact-check desk" and verdict["approver"] == "Eddie Editor"
    assert verdict["corrected_at"] is None and verdict["published_at"]
    [source] = claim["sources"]
    assert set(source) == {"url", "title", "publisher", "stance", "excerpt", "snapshot"}
    assert set(source["snapshot"]) == {"sha256", "archived_at"}


def test_drafts_only_with_the_flag_and_marked(newsroom):
    plain = json.dumps(render_json([newsroom.article.pk]))
    assert newsroom.draft_text not in plain and "SECRET DRAFT SUMMARY" not in plain
    data = render_json([newsroom.article.pk], include_drafts=True)
    assert data["include_drafts"] is True
    [draft] = [c for c in data["articles"][0]["claims"] if c["draft"]]
    assert draft["text"] == newsroom.draft_text and draft["status"] == "DRAFT"
    assert data["articles"][0]["draft_count"] == 1


def test_article_without_verdicts_has_metadata_and_no_claims(newsroom):
    other = make_article("Nothing checked here yet.")
    data = render_json([other.pk, newsroom.article.pk])
    assert [a["id"] for a in data["articles"]] == [other.pk, newsroom.article.pk]
    assert data["articles"][0]["claims"] == []
    assert sum(s["count"] for s in data["summary"]) == 3


def test_json_build_queries_do_not_grow_with_claims(
    newsroom, reviewer, editor, django_assert_num_queries
):
    # articles, rating scale, report rows, their citations, their articles, their people; the
    # rows are read in a transaction without JIT (here a savepoint, SET LOCAL, its release)
    with django_assert_num_queries(9):
        small = render_json([newsroom.article.pk])
    article = article_with_published_claims(12, author=reviewer, approver=editor)
    with django_assert_num_queries(9):
        big = render_json([newsroom.article.pk, article.pk])
    assert len(small["articles"][0]["claims"]) == 3
    assert len(big["articles"][1]["claims"]) == 12
    assert [c["paragraph"] for c in big["articles"][1]["claims"]] == list(range(1, 13))
