"""Every page the app renders carries a Content-Security-Policy without 'unsafe-inline' for
scripts: the admin, its login page, the API, its docs and the health check. The docs load
Swagger UI from our own static files and run no inline script."""

import re

import pytest

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize(
    "path",
    ["/admin/login/", "/admin/", "/api/v1/claims/", "/api/v1/docs/", "/api/v1/schema/", "/healthz"],
)
def test_every_page_has_a_strict_script_policy(client, reviewer, path):
    if path == "/admin/":
        client.force_login(reviewer)
    response = client.get(path)
    assert response.status_code == 200
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/", "/admin/verdicts/verdict/"])
def test_admin_pages_run_no_inline_script_without_the_nonce(client, reviewer, path):
    """The policy would block such a script; a template that needs one must carry the nonce."""
    if path != "/admin/login/":
        client.force_login(reviewer)
    response = client.get(path)
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    for attributes, body in re.findall(
        r"<script([^>]*)>(.*?)</script>", response.content.decode(), re.S
    ):
        if body.strip():
            assert nonce and f'nonce="{nonce.group(1)}"' in attributes, body[:200]


def test_docs_run_no_inline_script_and_load_local_assets(client):
    html = client.get("/api/v1/docs/").content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    for attributes, body in scripts:
        assert 'src="/' in attributes, attributes
        assert not body.strip()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(asset.startswith("/") for asset in assets), assets
    init = re.search(r'src="(/api/v1/docs/\?script[^"]*)"', html).group(1)
    response = client.get(init.replace("&amp;", "&"))
    assert response.status_code == 200 and "SwaggerUIBundle" in response.content.decode()
