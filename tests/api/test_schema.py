"""The OpenAPI schema is valid, the docs page needs no CDN, and Schemathesis checks every GET
endpoint against the schema with generated parameters: no 500s, every response documented."""

import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
schema.config.generation.update(max_examples=10, with_security_parameters=False)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def examples(newsroom, settings, tmp_path):
    """Published, corrected, retracted and unpublished data for the generated requests to hit.
    The WSGI app runs in this thread on the test's connection, so (as Django's test client does)
    it must not close that connection at the end of each request."""
    settings.MEDIA_ROOT = tmp_path
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield newsroom
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.include(method="GET").exclude(path_regex=r"/report\.").parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_get_endpoints_conform_to_the_schema(case, examples):
    case.call_and_validate(checks=CHECKS)


@schema.include(method="GET", path_regex=r"^/api/v1/(articles|claims)/\{id\}/$").parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=5)
def test_existing_claim_sets_and_claims_conform(case, examples):
    """The generated ids rarely exist, so also ask for ones that do."""
    case.path_parameters = {
        "id": examples.article.pk if "articles" in case.path else examples.corrected.pk
    }
    response = case.call_and_validate(checks=CHECKS)
    if case.method == "GET" and not case.query:
        assert response.status_code == 200, response.text


def test_schema_is_served_as_json_and_yaml(api):
    response = api.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/articles/",
        "/api/v1/articles/{id}/",
        "/api/v1/articles/{id}/versions/",
        "/api/v1/claims/",
        "/api/v1/claims/{id}/",
        "/api/v1/claims/{id}/claimreview/",
        "/api/v1/claimreview/",
        "/api/v1/verdicts/{id}/submit/",
        "/api/v1/verdicts/{id}/approve/",
        "/api/v1/verdicts/{id}/publish/",
        "/api/v1/verdicts/{id}/retract/",
    ):
        assert path in paths
    assert api.get("/api/v1/schema/").status_code == 200


def test_docs_page_uses_only_local_assets(api, settings):
    response = api.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assets = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html)
    assert assets, "no assets found"
    for url in assets:
        assert url.startswith("/") and not url.startswith("//"), url
    assert not re.search(r"https?://(?!127\.0\.0\.1|localhost|testserver)", html), (
        "the docs page refers to an outside host"
    )
    for url in assets:
        if url.startswith("/api/v1/docs/?script"):  # Swagger UI's start-up script, from the view
            assert api.get(url.replace("&amp;", "&")).status_code == 200
            continue
        path = url.split("?")[0].removeprefix(
            settings.STATIC_URL
            if settings.STATIC_URL.startswith("/")
            else "/" + settings.STATIC_URL
        )
        assert finders.find(path), f"{url} is not a local static file"
