"""Public reads as an anonymous client: articles with counts, claim sets, claims with filters,
ordering and cursor pages."""

import datetime

import pytest
from django.utils import timezone

from apps.verdicts.models import Verdict

pytestmark = pytest.mark.django_db


def test_article_list_shows_published_articles_with_counts_per_rating(api, newsroom):
    response = api.get("/api/v1/articles/")
    assert response.status_code == 200
    [article] = response.json()["results"]
    assert article["id"] == newsroom.article.pk
    assert article["url"] == f"/api/v1/articles/{newsroom.article.pk}/"
    assert article["ratings"] == {"True": 1, "Half true": 1}
    assert article["claims"] == 2
    assert article["retracted"] == 1
    assert article["latest_version"] == 5
    assert article["author"] == "Jane Reporter"
    assert article["published_on"] == "2024-03-01"


def test_claim_set_has_public_claims_with_verdicts_and_citations(api, newsroom):
    response = api.get(f"/api/v1/articles/{newsroom.article.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["article"]["title"] == "The census story"
    claims = {c["id"]: c for c in body["claims"]}
    assert set(claims) == {newsroom.published.pk, newsroom.corrected.pk, newsroom.retracted.pk}
    published = claims[newsroom.published.pk]
    assert published["text"] == newsroom.published.text
    assert newsroom.article.body[published["start"] : published["end"]] == published["text"]
    assert published["kind"] == "statistic"
    assert published["verdict"]["state"] == "published"
    assert published["verdict"]["rating"]["label"] == "True"
    assert published["verdict"]["summary"]
    assert published["verdict"]["published_at"]
    [citation] = published["citations"]
    assert citation["url"].startswith("https://") and citation["stance"] == "supports"
    assert citation["excerpt"] == "30,000 residents"
    snapshot = citation["snapshot"]
    assert len(snapshot["sha256"]) == 64 and snapshot["archived_at"]
    assert snapshot["warc"].startswith("/api/v1/snapshots/")
    corrected = claims[newsroom.corrected.pk]["verdict"]
    assert (
        corrected["state"] == "corrected" and corrected["correction_note"] == "Corrected the year."
    )
    assert corrected["rating"]["label"] == "Half true" and corrected["corrected_at"]
    retracted = claims[newsroom.retracted.pk]["verdict"]
    assert retracted["state"] == "retracted"
    assert retracted["correction_note"] == "The source was wrong." and retracted["retracted_at"]


def test_unpublished_article_is_not_found_for_the_public(api, newsroom):
    response = api.get(f"/api/v1/articles/{newsroom.unpublished_article.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_claim_list_and_detail(api, newsroom):
    response = api.get("/api/v1/claims/")
    assert response.status_code == 200
    ids = [c["id"] for c in response.json()["results"]]
    assert sorted(ids) == sorted(
        [newsroom.published.pk, newsroom.corrected.pk, newsroom.retracted.pk]
    )
    detail = api.get(f"/api/v1/claims/{newsroom.published.pk}/").json()
    assert detail["article"] == newsroom.article.pk
    assert detail["claimreview"] == f"/api/v1/claims/{newsroom.published.pk}/claimreview/"
    retracted = api.get(f"/api/v1/claims/{newsroom.retracted.pk}/").json()
    assert retracted["claimreview"] is None
    assert api.get(f"/api/v1/claims/{newsroom.draft.pk}/").status_code == 404


FILTER_CASES = [
    ("rating=True", ["published"]),
    ("rating=Half%20true", ["corrected"]),
    ("rating=False", []),
    ("state=retracted", ["retracted"]),
    ("state=published", ["published"]),
    ("kind=statistic", ["published", "corrected", "retracted"]),
    ("kind=opinion", []),
    ("q=says%20the%20city%20had%200%20", ["published"]),
    ("published_after=2000-01-01", ["published", "corrected", "retracted"]),
    ("published_before=2000-01-01", []),
    ("kind=statistic&rating=True", ["published"]),
]


def test_claim_filters(api, newsroom):
    for query, expected in FILTER_CASES:
        response = api.get(f"/api/v1/claims/?{query}")
        assert response.status_code == 200, response.json()
        ids = {c["id"] for c in response.json()["results"]}
        assert ids == {getattr(newsroom, name).pk for name in expected}, query


def test_claim_filter_by_article(api, newsroom):
    assert len(api.get(f"/api/v1/claims/?article={newsroom.article.pk}").json()["results"]) == 3
    assert (
        api.get(f"/api/v1/claims/?article={newsroom.unpublished_article.pk}").json()["results"]
        == []
    )


def test_published_date_filters_use_the_verdict_date(api, newsroom):
    Verdict.objects.filter(claim=newsroom.published).update(
        published_at=timezone.now() - datetime.timedelta(days=30)
    )
    cutoff = (timezone.now() - datetime.timedelta(days=10)).isoformat()
    old = api.get("/api/v1/claims/", {"published_before": cutoff}).json()["results"]
    new = api.get("/api/v1/claims/", {"published_after": cutoff}).json()["results"]
    assert [c["id"] for c in old] == [newsroom.published.pk]
    assert newsroom.published.pk not in {c["id"] for c in new} and len(new) == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("rating=Nonsense", "rating"),
        ("kind=rumour", "kind"),
        ("state=draft", "state"),
        ("published_after=yesterday", "published_after"),
        ("published_before=2024-13-45", "published_before"),
        ("article=abc", "article"),
        ("article=99999999999999999999999", "article"),
        ("ordering=summary", "ordering"),
        ("cursor=garbage", "cursor"),
        ("q=%00", "q"),
    ],
)
def test_bad_filter_values_are_400_with_the_field_named(api, query, field):
    response = api.get(f"/api/v1/claims/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["code"] == "invalid"
    assert field in body["errors"] and body["detail"].startswith(field)


def test_ordering_and_cursor_pages(api, newsroom):
    by_id = api.get("/api/v1/claims/?ordering=id").json()["results"]
    assert [c["id"] for c in by_id] == sorted(c["id"] for c in by_id)
    reverse = api.get("/api/v1/claims/?ordering=-id").json()["results"]
    assert [c["id"] for c in reverse] == sorted((c["id"] for c in by_id), reverse=True)
    newest_first = api.get("/api/v1/claims/").json()["results"]
    assert newest_first[0]["id"] == newsroom.retracted.pk  # published last

    seen, url, pages = [], "/api/v1/claims/?page_size=1&ordering=id", 0
    while url:
        page = api.get(url).json()
        assert "count" not in page  # cursor pagination, no COUNT(*)
        seen += [c["id"] for c in page["results"]]
        url, pages = page["next"], pages + 1
    assert seen == [c["id"] for c in by_id] and pages == 3


def test_article_list_filter_and_bad_ordering(api, newsroom):
    assert len(api.get("/api/v1/articles/?q=census").json()["results"]) == 1
    assert api.get("/api/v1/articles/?q=nothing-like-it").json()["results"] == []
    assert api.get("/api/v1/articles/?ordering=title").status_code == 400
