"""One import-from-URL service behind every door: the admin's import page, the `import_article`
command and the API store the same canonical URL and refuse with the same words."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from apps.articles.exceptions import ArticleImportError
from apps.articles.models import Article
from apps.articles.services import article_import_url, canonical_url_check
from tests.localweb import article_html

pytestmark = pytest.mark.django_db


def via_admin(client, url: str) -> str | None:
    """Import through the admin; the form's error text, or None if it imported."""
    response = client.post(
        reverse("admin:articles_article_add"),
        {"title": "", "canonical_url": "", "body": "", "url": url},
    )
    if response.status_code == 302:
        return None
    assert response.status_code == 200
    return response.context["form"].errors["url"][0]


def via_command(client, url: str) -> str | None:
    try:
        call_command("import_article", "--url", url)
    except CommandError as exc:
        return str(exc)
    return None


def via_api(client, url: str) -> str | None:
    api = APIClient()
    api.force_authenticate(client.user)
    response = api.post("/api/v1/articles/", {"url": url}, format="json")
    if response.status_code == 201:
        return None
    assert response.status_code == 400, response.json()
    return response.json()["detail"]


DOORS = [via_admin, via_command, via_api]


@pytest.fixture
def staff_client(client, editor):
    client.force_login(editor)
    client.user = editor
    return client


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.__name__)
def test_every_door_stores_the_normalised_address_after_redirects(
    door, staff_client, localweb_allowed
):
    landing = localweb_allowed.page(
        f"/import/{door.__name__}", article_html(door.__name__, "Grain exports")
    )
    tracked = f"{landing}?utm_source=newsletter&id=7#top"
    start = localweb_allowed.url(f"/to?url={tracked.replace('&', '%26').replace('#', '%23')}")
    assert door(staff_client, start) is None
    article = Article.objects.get()
    assert article.origin == Article.Origin.URL
    assert article.canonical_url == f"{landing}?id=7"
    assert article.title == "Grain exports"


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.__name__)
def test_every_door_refuses_with_the_service_message(door, staff_client, localweb):
    url = localweb.url("/html/private")  # loopback, not exempted here
    with pytest.raises(ArticleImportError) as caught:
        article_import_url(url=url)
    assert (
        caught.value.message
        == f"Could not fetch {url}: blocked: port {localweb.port} is not allowed"
    )
    assert door(staff_client, url) == caught.value.message
    assert not Article.objects.exists()


def test_a_page_without_text_is_refused_by_name(localweb_allowed):
    url = localweb_allowed.url("/pdf")
    with pytest.raises(ArticleImportError, match=r"Could not fetch .*/pdf: not a web page"):
        article_import_url(url=url)
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("", ""),
        ("  https://Example.org/a?utm_medium=x#frag ", "https://example.org/a"),
        ("example.org/story", "https://example.org/story"),
    ],
)
def test_canonical_url_rule(given, stored):
    assert canonical_url_check(given) == stored


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "https://user:pw@example.org/", "http://"])
def test_canonical_url_rule_refuses(bad):
    with pytest.raises(ArticleImportError, match=r"The canonical URL .* is not usable"):
        canonical_url_check(bad)
