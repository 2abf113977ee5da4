"""ClaimReview JSON-LD: one per published claim and a DataFeed of all, with the fields search
engines require, typed as schema.org expects."""

import datetime

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def assert_claim_review(review: dict, claim, *, rating_value: int, alternate_name: str) -> None:
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.text
    assert review["url"].startswith("https://factcheck.example.net/")
    assert f"claim-{claim.pk}" in review["url"]
    datetime.date.fromisoformat(review["datePublished"])
    author = review["author"]
    assert author == {
        "@type": "Organization",
        "name": "The Example Desk",
        "url": "https://desk.example.net/",
    }
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating"
    assert rating["ratingValue"] == rating_value and isinstance(rating["ratingValue"], int)
    assert isinstance(rating["bestRating"], int) and isinstance(rating["worstRating"], int)
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert rating["alternateName"] == alternate_name
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Person", "name": "Jane Reporter"}
    assert item["datePublished"] == "2024-03-01"
    assert item["appearance"]["url"] == "https://paper.example.com/census"


ORG = {
    "ORGANIZATION_NAME": "The Example Desk",
    "ORGANIZATION_URL": "https://desk.example.net/",
    "SITE_URL": "https://factcheck.example.net",
}


@override_settings(**ORG)
def test_claim_review_of_one_claim(api, newsroom):
    response = api.get(f"/api/v1/claims/{newsroom.published.pk}/claimreview/")
    assert response.status_code == 200
    review = response.json()
    assert review["@context"] == "https://schema.org"
    assert_claim_review(review, newsroom.published, rating_value=5, alternate_name="True")
    assert "dateModified" not in review


@override_settings(**ORG)
def test_claim_review_as_json_ld_media_type(api, newsroom):
    response = api.get(
        f"/api/v1/claims/{newsroom.corrected.pk}/claimreview/", HTTP_ACCEPT="application/ld+json"
    )
    assert response["Content-Type"] == "application/ld+json"
    review = response.json()
    assert_claim_review(review, newsroom.corrected, rating_value=3, alternate_name="Half true")
    datetime.datetime.fromisoformat(review["dateModified"])


def test_no_claim_review_for_retracted_or_unpublished(api, newsroom):
    for claim in (newsroom.retracted, newsroom.draft, newsroom.approved):
        response = api.get(f"/api/v1/claims/{claim.pk}/claimreview/")
        assert response.status_code == 404


@override_settings(**ORG)
def test_data_feed_lists_every_published_review(api, newsroom):
    response = api.get("/api/v1/claimreview/")
    assert response.status_code == 200
    feed = response.json()
    assert feed["@context"] == "https://schema.org" and feed["@type"] == "DataFeed"
    datetime.datetime.fromisoformat(feed["dateModified"])
    items = feed["dataFeedElement"]
    assert [i["item"]["claimReviewed"] for i in items] == [
        newsroom.corrected.text,
        newsroom.published.text,
    ]
    for element in items:
        assert element["@type"] == "DataFeedItem"
        datetime.datetime.fromisoformat(element["dateCreated"])
        assert "@context" not in element["item"]
    assert_claim_review(items[1]["item"], newsroom.published, rating_value=5, alternate_name="True")
