"""Errors are JSON with a clear message: bad JSON, unknown paths, oversized bodies, wrong media
type, throttled anonymous clients."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(reviewer) -> APIClient:
    client = APIClient()
    client.force_authenticate(reviewer)
    return client


def test_bad_json_is_400(staff):
    response = staff.post("/api/v1/verdicts/", data='{"claim": 1,', content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error" and body["detail"].startswith("JSON parse error")


def test_wrong_media_type_is_415(staff):
    response = staff.post("/api/v1/verdicts/", data="claim=1", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2048)
def test_oversized_body_is_413(staff):
    body = '{"body": "' + "x" * 4096 + '"}'
    response = staff.post("/api/v1/articles/", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {
        "status": 413,
        "code": "too_large",
        "detail": "The request body is larger than the 2048 bytes this API accepts.",
    }


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/nothing-here/",
        "/api/v1/claims/999999/",
        "/api/v1/articles/999999/",
        "/api/v1/articles/999999/versions/",
        "/api/v1/claims/abc/",
        "/api/v1/snapshots/999999/warc/",
    ],
)
def test_not_found_is_json(api, url):
    response = api.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == 404 and response.json()["detail"]


def test_missing_slash_gets_a_hint(api):
    response = api.get("/api/v1/claims")
    assert response.status_code == 404
    assert "Did you mean /api/v1/claims/ ?" in response.json()["detail"]


@pytest.mark.parametrize("method", ["delete", "put", "trace"])
def test_method_not_allowed_is_405_even_when_anonymous(api, method):
    response = getattr(api, method)("/api/v1/claims/")
    assert response.status_code == 405
    assert response.json()["detail"] == f'Method "{method.upper()}" not allowed.'


def test_anonymous_clients_are_throttled(monkeypatch, newsroom):
    cache.clear()
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    client = APIClient(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        assert client.get("/api/v1/claims/").status_code == 200
    response = client.get("/api/v1/claims/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"
    assert "Request was throttled" in response.json()["detail"]
    staff = APIClient(REMOTE_ADDR="203.0.113.9")
    staff.force_authenticate(newsroom.draft_verdict.author)
    assert staff.get("/api/v1/claims/").status_code == 200  # only anonymous clients
    cache.clear()
