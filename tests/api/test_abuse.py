"""Bad input from anyone is a JSON 4xx with a clear message, never a 500: tampered cursors, ids
beyond 64 bits or spelled as huge floats, deeply nested JSON, loosely typed write bodies."""

import base64
import json

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def cursor(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


@pytest.fixture
def reviewer_api(reviewer) -> APIClient:
    client = APIClient()
    client.force_authenticate(reviewer)
    return client


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("/api/v1/claims/", "p=not-a-date"),
        ("/api/v1/claims/", "p=abc"),
        ("/api/v1/claims/", "p=2024-01-01T00:00:00+99:00"),
        ("/api/v1/articles/", "p=abc"),
        ("/api/v1/articles/", "p=1e400"),
        ("/api/v1/articles/", "o=-5&p=3"),
        ("/api/v1/articles/", "r=1&p=\x00"),
    ],
)
def test_tampered_cursor_is_400_naming_the_cursor(api, newsroom, path, raw):
    response = api.get(path, {"cursor": cursor(raw)})
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert "cursor" in response.json()["errors"]


def test_tampered_cursor_on_a_staff_list_is_400(reviewer_api, newsroom):
    response = reviewer_api.get("/api/v1/verdicts/", {"cursor": cursor("p=abc")})
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/claims/99999999999999999999999/claimreview/",
        "/api/v1/claims/99999999999999999999999/",
        "/api/v1/articles/99999999999999999999999/",
        "/api/v1/articles/99999999999999999999999/versions/",
        "/api/v1/snapshots/99999999999999999999999/warc/",
        "/api/v1/claims/9223372036854775808/claimreview/",
    ],
)
def test_ids_beyond_64_bits_are_404(api, newsroom, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/verdicts/99999999999999999999999/",
        "/api/v1/claims/99999999999999999999999/citations/",
    ],
)
def test_staff_ids_beyond_64_bits_are_404(reviewer_api, newsroom, path):
    response = reviewer_api.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "claim", ["1e400", "99999999999999999999999", "-1", "0", "1.5", '"1"', "true", "[1]"]
)
def test_huge_or_odd_ids_in_a_body_are_400(reviewer_api, newsroom, claim):
    body = f'{{"claim": {claim}, "summary": "x"}}'
    response = reviewer_api.post("/api/v1/verdicts/", data=body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()["errors"]) == ["claim"]


def test_a_float_id_does_not_act_on_the_claim_it_rounds_to(reviewer_api, newsroom):
    claim = newsroom.published.pk
    body = f'{{"claim": {claim}.5, "summary": "x"}}'
    response = reviewer_api.post("/api/v1/verdicts/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "Incorrect type" in response.json()["errors"]["claim"][0]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_json_constants_are_a_parse_error(reviewer_api, newsroom, constant):
    body = f'{{"claim": {constant}}}'
    response = reviewer_api.post("/api/v1/verdicts/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": 123}, "body"),
        ({"body": ["a", "b"]}, "body"),
        ({"body": "Some text.", "title": 5}, "title"),
        ({"url": 7}, "url"),
    ],
)
def test_non_string_text_is_400(editor, body, field):
    client = APIClient()
    client.force_authenticate(editor)
    response = client.post("/api/v1/articles/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert "Must be a JSON string" in response.json()["errors"][field][0]


def test_read_only_fields_sent_on_create_are_refused_by_name(reviewer_api, newsroom):
    body = {
        "claim": newsroom.draft.pk,
        "summary": "x",
        "state": "published",
        "author": "eddie",
        "version": 7,
    }
    response = reviewer_api.post("/api/v1/verdicts/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert sorted(errors) == ["author", "state", "version"]
    assert all("read-only" in errors[name][0] for name in errors)


def test_read_only_fields_sent_on_edit_are_refused_by_name(reviewer_api, newsroom):
    verdict = newsroom.draft_verdict
    body = {"version": verdict.version, "summary": "new", "state": "approved", "approver": "x"}
    response = reviewer_api.patch(f"/api/v1/verdicts/{verdict.pk}/", body, format="json")
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["approver", "state"]
    verdict.refresh_from_db()
    assert verdict.summary != "new"


def test_a_body_that_is_not_an_object_is_400(reviewer_api, newsroom):
    response = reviewer_api.post("/api/v1/verdicts/", [1, 2], format="json")
    assert response.status_code == 400
    assert "JSON object" in response.json()["detail"]


def test_deeply_nested_json_is_400(reviewer_api, newsroom):
    body = "[" * 100_000 + "]" * 100_000
    response = reviewer_api.post("/api/v1/verdicts/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "nested" in response.json()["detail"]


def test_deeply_nested_json_inside_an_object_is_400(reviewer_api, newsroom):
    body = '{"claim": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}"
    response = reviewer_api.post("/api/v1/verdicts/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_moderately_nested_json_still_parses(reviewer_api, newsroom):
    body = json.dumps({"claim": newsroom.draft.pk, "summary": "x", "extra": [[[[1]]]]})
    response = reviewer_api.post("/api/v1/verdicts/", data=body, content_type="application/json")
    # the body parsed; what is refused is the unknown field, named
    assert response.status_code == 400
    assert response.json()["errors"] == {"extra": ["Unknown field."]}
