"""Properties of the API under arbitrary input: any JSON body sent to a write endpoint is
answered 2xx or 4xx with a JSON body, never 5xx; any cursor string on a public list is a page
(200) or a 400 naming the cursor, never 5xx."""

import base64
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(["", "True", "draft", "published", "1", "https://example.org/x", "\x00"]),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    ["claim", "rating", "summary", "version", "state", "author", "comment", "note", "body",
     "url", "title", "canonical_url", "stance", "excerpt", "archive_override", "id"]
)  # fmt: skip
# JSON texts json.dumps never writes: numbers past float range, huge integers, deep nesting.
RAW_VALUES = st.sampled_from(
    ["1e400", "-1e400", "1.5", "99999999999999999999999", "-0", "1E2", "[" * 99_999 + "]" * 99_999]
)
RAW_BODIES = st.lists(st.tuples(FIELDS, RAW_VALUES), min_size=1, max_size=3).map(
    lambda pairs: "{" + ", ".join(f'"{k}": {v}' for k, v in pairs) + "}"
)
BODIES = st.one_of(
    st.one_of(JSON, st.dictionaries(FIELDS, JSON, max_size=5)).map(json.dumps), RAW_BODIES
)

WRITES = [
    ("post", "/api/v1/verdicts/"),
    ("patch", "/api/v1/verdicts/{draft}/"),
    ("put", "/api/v1/verdicts/{draft}/"),
    ("post", "/api/v1/verdicts/{draft}/submit/"),
    ("post", "/api/v1/verdicts/{submitted}/approve/"),
    ("post", "/api/v1/verdicts/{published}/correct/"),
    ("post", "/api/v1/verdicts/{published}/retract/"),
    ("post", "/api/v1/claims/{claim}/citations/"),
    ("post", "/api/v1/articles/"),
]
PROPERTY = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def staff(editor) -> APIClient:
    client = APIClient()
    client.force_authenticate(editor)
    return client


@PROPERTY
@given(write=st.sampled_from(WRITES), body=BODIES)
def test_any_json_body_is_answered_2xx_or_4xx(staff, newsroom, write, body):
    method, path = write
    path = path.format(
        draft=newsroom.draft_verdict.pk,
        submitted=newsroom.submitted_verdict.pk,
        published=newsroom.published.verdicts.get().pk,
        claim=newsroom.published.pk,
    )
    response = getattr(staff, method)(path, data=json.dumps(body), content_type="application/json")
    assert response.status_code < 500, (path, body, response.content[:300])
    assert response["Content-Type"] == "application/json"
    if response.status_code >= 400:
        assert response.json()["detail"]


CURSOR_TEXT = st.one_of(
    st.text(max_size=60),
    st.dictionaries(
        st.sampled_from(["o", "r", "p", "x"]),
        st.one_of(st.text(max_size=30), st.integers().map(str), st.floats().map(str)),
        max_size=3,
    ).map(lambda d: "&".join(f"{k}={v}" for k, v in d.items())),
)


@PROPERTY
@given(
    path=st.sampled_from(["/api/v1/claims/", "/api/v1/articles/"]),
    raw=CURSOR_TEXT,
    encode=st.booleans(),
)
def test_any_cursor_is_a_page_or_a_400_naming_the_cursor(api, newsroom, path, raw, encode):
    cursor = base64.b64encode(raw.encode()).decode() if encode else raw
    response = api.get(path, {"cursor": cursor})
    assert response.status_code in (200, 400), (raw, response.content[:300])
    if response.status_code == 200:
        assert isinstance(response.json()["results"], list)
    else:
        assert response.json()["errors"] == {"cursor": ["Invalid cursor."]}
