"""The claim set and the lists cost the same number of queries whatever their size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import article_with_sentences, claims_for
from tests.factories import verdicts_published_bulk

pytestmark = pytest.mark.django_db


def published_article(n: int, *, reviewer, editor):
    article = article_with_sentences(n)
    verdicts_published_bulk(claims_for(article, n), author=reviewer, approver=editor)
    return article


def queries_for(api, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200
    return len(captured), response.json()


def test_claim_set_query_count_does_not_grow_with_claims(api, reviewer, editor):
    small = published_article(10, reviewer=reviewer, editor=editor)
    large = published_article(300, reviewer=reviewer, editor=editor)
    small_queries, small_body = queries_for(api, f"/api/v1/articles/{small.pk}/")
    large_queries, large_body = queries_for(api, f"/api/v1/articles/{large.pk}/")
    assert len(small_body["claims"]) == 10 and len(large_body["claims"]) == 300
    assert all(c["citations"][0]["snapshot"]["sha256"] for c in large_body["claims"])
    assert small_queries == large_queries <= 6


def test_lists_do_not_grow_with_page_size(api, reviewer, editor):
    for _ in range(3):
        published_article(10, reviewer=reviewer, editor=editor)
    few_claims, _ = queries_for(api, "/api/v1/claims/?page_size=2")
    many_claims, body = queries_for(api, "/api/v1/claims/?page_size=30")
    assert len(body["results"]) == 30 and few_claims == many_claims <= 5
    one_article, _ = queries_for(api, "/api/v1/articles/?page_size=1")
    all_articles, body = queries_for(api, "/api/v1/articles/?page_size=3")
    assert len(body["results"]) == 3 and one_article == all_articles <= 4
    feed_queries, feed = queries_for(api, "/api/v1/claimreview/")
    assert len(feed["dataFeedElement"]) == 30 and feed_queries == 1
