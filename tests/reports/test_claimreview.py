import json

import pytest

from apps.reports.services import report_render
from apps.verdicts import services

pytestmark = pytest.mark.django_db


def feed(article, **kwargs) -> dict:
    chunks = report_render(fmt="claimreview", article_ids=[article.pk], **kwargs)
    return json.loads(b"".join(chunks))


def test_claimreview_is_a_datafeed_with_the_required_fields(newsroom):
    data = feed(newsroom.article)
    assert data["@context"] == "https://schema.org" and data["@type"] == "DataFeed"
    assert data["dateModified"]
    items = data["dataFeedElement"]
    assert len(items) == 3
    for element in items:
        assert element["@type"] == "DataFeedItem" and element["dateCreated"]
        review = element["item"]
        assert review["@type"] == "ClaimReview"
        for required in ("url", "claimReviewed", "datePublished", "author", "reviewRating"):
            assert review[required], required
        assert review["author"]["@type"] == "Organization" and review["author"]["name"]
        rating = review["reviewRating"]
        assert rating["@type"] == "Rating" and rating["alternateName"]
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert review["itemReviewed"]["@type"] == "Claim"
        assert review["itemReviewed"]["appearance"]["url"] == "https://paper.example/city"
    urls = {e["item"]["url"] for e in items}
    assert urls == {
        f"http://127.0.0.1:8000/api/v1/articles/{newsroom.article.pk}/report.html#claim-{c.pk}"
        for c in newsroom.published
    }


def test_drafts_and_retractions_never_reach_the_feed(newsroom, editor):
    claim = newsroom.published[0]
    services.verdict_retract(verdict=claim.verdicts.get(), by=editor, note="Wrong year.")
    text = json.dumps(feed(newsroom.article, include_drafts=True))
    assert newsroom.draft_text not in text
    assert claim.text not in text
    assert newsroom.published[1].text in text
