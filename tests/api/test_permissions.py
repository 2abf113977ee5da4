"""Who may do what: anonymous clients read published material only and are asked to
authenticate for anything else (401 with a challenge); reviewers and editors see drafts and may
write within their role (403 otherwise)."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/articles/"),
        ("post", "/api/v1/verdicts/"),
        ("get", "/api/v1/verdicts/"),
        ("get", "/api/v1/verdicts/{draft}/"),
        ("patch", "/api/v1/verdicts/{draft}/"),
        ("post", "/api/v1/verdicts/{draft}/submit/"),
        ("post", "/api/v1/verdicts/{approved}/publish/"),
        ("get", "/api/v1/claims/{claim}/citations/"),
        ("post", "/api/v1/claims/{claim}/citations/"),
        ("get", "/api/v1/snapshots/1/wacz/"),
    ],
)
def test_anonymous_is_asked_to_authenticate(api, newsroom, method, url):
    url = url.format(
        draft=newsroom.draft_verdict.pk,
        approved=newsroom.approved_verdict.pk,
        claim=newsroom.published.pk,
    )
    response = getattr(api, method)(url, {}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "status": 401,
        "code": "not_authenticated",
        "detail": "Authentication credentials were not provided.",
    }


def test_authenticated_user_without_a_role_is_refused(newsroom):
    nobody = get_user_model().objects.create_user("nobody", password="pw")
    client = client_for(nobody)
    assert client.get("/api/v1/verdicts/").status_code == 403
    response = client.post("/api/v1/articles/", {"body": "Some text."}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert client.get("/api/v1/claims/").status_code == 200  # public reads stay open


def test_bad_token_is_401_and_good_token_works(newsroom, reviewer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/verdicts/").status_code == 401
    token = Token.objects.create(user=reviewer)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/verdicts/").status_code == 200


def test_session_login_works_and_needs_csrf_for_writes(newsroom, reviewer):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username=reviewer.username, password="pw-" + reviewer.username)
    assert client.get("/api/v1/verdicts/").status_code == 200
    response = client.post(
        f"/api/v1/verdicts/{newsroom.draft_verdict.pk}/submit/", {}, format="json"
    )
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


@pytest.mark.parametrize("role", ["reviewer", "editor"])
def test_staff_see_drafts_in_every_state(newsroom, role, request):
    client = client_for(request.getfixturevalue(role))
    verdicts = client.get("/api/v1/verdicts/?page_size=100").json()["results"]
    states = {v["state"] for v in verdicts}
    assert {"draft", "submitted", "approved", "changes_requested", "published"} <= states
    drafts = client.get("/api/v1/verdicts/?state=draft").json()["results"]
    assert {v["id"] for v in drafts} >= {newsroom.draft_verdict.pk}
    draft = client.get(f"/api/v1/verdicts/{newsroom.draft_verdict.pk}/").json()
    assert draft["author"] == "rita" and draft["version"] == newsroom.draft_verdict.version
    assert draft["archive_override"] == newsroom.draft_verdict.archive_override
    citations = client.get(f"/api/v1/claims/{newsroom.draft.pk}/citations/").json()
    assert citations[0]["note"] == "SECRET-reviewer-note"
    articles = client.get("/api/v1/articles/").json()["results"]
    assert newsroom.unpublished_article.pk in {a["id"] for a in articles}


def test_staff_verdict_filters(newsroom, editor):
    client = client_for(editor)
    by_claim = client.get(f"/api/v1/verdicts/?claim={newsroom.submitted.pk}").json()["results"]
    assert [v["id"] for v in by_claim] == [newsroom.submitted_verdict.pk]
    by_article = client.get(f"/api/v1/verdicts/?article={newsroom.article.pk}&page_size=100")
    assert len(by_article.json()["results"]) == 7
    assert client.get("/api/v1/verdicts/?state=nonsense").status_code == 400
