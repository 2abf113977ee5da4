"""Frozen claim-set versions and conditional GET on claim sets."""

import pytest

from apps.verdicts.models import ClaimSetVersion, Verdict
from tests.factories import correction_published, rating

pytestmark = pytest.mark.django_db


def test_versions_are_listed_and_returned_exactly(api, newsroom):
    url = f"/api/v1/articles/{newsroom.article.pk}/"
    versions = api.get(url + "versions/").json()
    assert [v["number"] for v in versions] == [1, 2, 3, 4, 5]
    assert versions[0]["url"] == f"{url}?version=1"
    for number in (1, 3, 5):
        stored = ClaimSetVersion.objects.get(article=newsroom.article, number=number).payload
        assert api.get(url, {"version": number}).json() == stored
    first = api.get(url, {"version": 1}).json()
    assert [c["id"] for c in first["claims"]] == [newsroom.published.pk]


def test_an_old_version_stays_as_it_was_after_a_correction(api, newsroom, editor, editor2):
    url = f"/api/v1/articles/{newsroom.article.pk}/"
    before = api.get(url, {"version": 5}).json()
    verdict = Verdict.objects.get(claim=newsroom.published)
    correction_published(
        verdict, by=editor, approver=editor2, note="New data.", rating=rating("False")
    )
    assert api.get(url, {"version": 5}).json() == before
    latest = api.get(url, {"version": 6}).json()
    changed = next(c for c in latest["claims"] if c["id"] == newsroom.published.pk)
    assert changed["verdict"]["rating"]["label"] == "False"
    assert api.get(url).json() == latest


@pytest.mark.parametrize(("version", "status"), [("0", 400), ("x", 400), ("99", 404)])
def test_bad_or_unknown_version(api, newsroom, version, status):
    response = api.get(f"/api/v1/articles/{newsroom.article.pk}/", {"version": version})
    assert response.status_code == status
    assert response.json()["status"] == status


def test_claim_set_etag_and_304(api, newsroom, editor, editor2):
    url = f"/api/v1/articles/{newsroom.article.pk}/"
    first = api.get(url)
    etag = first["ETag"]
    assert etag
    again = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    verdict = Verdict.objects.get(claim=newsroom.published)
    correction_published(verdict, by=editor, approver=editor2, note="New data.")
    changed = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    frozen = api.get(url, {"version": 1})
    assert api.get(url, {"version": 1}, HTTP_IF_NONE_MATCH=frozen["ETag"]).status_code == 304
