"""Writes go through the same services as the admin: drafts with optimistic locking, the
transitions with their permission checks and the two-person rule, citations, article import."""

import pytest
from rest_framework.test import APIClient

from apps.articles.models import Article
from apps.sources.models import Citation
from apps.verdicts.models import ClaimSetVersion, Verdict, VerdictTransition
from tests.api.conftest import cited_claim
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_full_workflow_through_the_api(reviewer, editor, editor2, api):
    claim = cited_claim(ArticleFactory())
    author, approver = client_for(reviewer), client_for(editor)

    created = author.post(
        "/api/v1/verdicts/", {"claim": claim.pk, "rating": "Mostly true"}, format="json"
    )
    assert created.status_code == 201, created.json()
    verdict = created.json()
    assert verdict["state"] == "draft" and verdict["author"] == "rita" and verdict["version"] == 1
    url = f"/api/v1/verdicts/{verdict['id']}/"

    edited = author.patch(url, {"version": 1, "summary": "Close to the census."}, format="json")
    assert edited.status_code == 200, edited.json()
    assert edited.json()["summary"] == "Close to the census." and edited.json()["version"] == 2
    assert edited.json()["rating"] == "Mostly true"  # left out: kept

    steps = [
        (author, "submit", {"version": 2, "comment": "ready"}, "submitted"),
        (approver, "approve", {}, "approved"),
        (approver, "publish", {}, "published"),
    ]
    for client, action, body, state in steps:
        response = client.post(url + f"{action}/", body, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["state"] == state
    assert ClaimSetVersion.objects.filter(article=claim.article).count() == 1
    public = api.get(f"/api/v1/articles/{claim.article_id}/").json()
    assert public["claims"][0]["verdict"]["summary"] == "Close to the census."

    drafted = author.post(
        url + "correct/", {"note": "Updated figures.", "rating": "True"}, format="json"
    )
    assert drafted.json()["state"] == "correction_drafted"
    assert drafted.json()["rating"] == "Mostly true"  # public text unchanged until published
    second = client_for(editor2)
    assert second.post(url + "approve-correction/", {}, format="json").status_code == 200
    corrected = approver.post(url + "publish-correction/", {}, format="json")
    assert corrected.json()["state"] == "corrected" and corrected.json()["rating"] == "True"
    retracted = approver.post(url + "retract/", {"note": "Wrong claim."}, format="json")
    assert retracted.json()["state"] == "retracted"
    assert list(
        VerdictTransition.objects.filter(verdict_id=verdict["id"]).values_list("to_state", "by")
    ) == [
        ("draft", reviewer.pk),  # the edit: the log names everyone who changed the text
        ("submitted", reviewer.pk),
        ("approved", editor.pk),
        ("published", editor.pk),
        ("correction_drafted", reviewer.pk),
        ("correction_approved", editor2.pk),
        ("corrected", editor.pk),
        ("retracted", editor.pk),
    ]


def test_stale_version_is_409_and_changes_nothing(newsroom, reviewer, reviewer2):
    verdict = newsroom.draft_verdict
    url = f"/api/v1/verdicts/{verdict.pk}/"
    first = client_for(reviewer).put(
        url, {"version": verdict.version, "summary": "Mine."}, format="json"
    )
    assert first.status_code == 200
    second = client_for(reviewer2).put(
        url, {"version": verdict.version, "summary": "Theirs."}, format="json"
    )
    assert second.status_code == 409
    assert "changed by someone else" in second.json()["detail"]
    assert second.json()["code"] == "conflict"
    assert Verdict.objects.get(pk=verdict.pk).summary == "Mine."
    stale = client_for(reviewer).post(url + "submit/", {"version": verdict.version}, format="json")
    assert stale.status_code == 409


def test_edit_needs_a_version(newsroom, reviewer):
    url = f"/api/v1/verdicts/{newsroom.draft_verdict.pk}/"
    response = client_for(reviewer).patch(url, {"summary": "x"}, format="json")
    assert response.status_code == 400 and "version" in response.json()["errors"]


def test_two_person_rule(newsroom, editor, editor2):
    claim = cited_claim(newsroom.article, ClaimFactory(article=ArticleFactory()))
    client = client_for(editor)
    verdict = client.post(
        "/api/v1/verdicts/", {"claim": claim.pk, "rating": "True", "summary": "s"}, format="json"
    ).json()
    url = f"/api/v1/verdicts/{verdict['id']}/"
    assert client.post(url + "submit/", {}, format="json").status_code == 200
    own = client.post(url + "approve/", {}, format="json")
    assert own.status_code == 400
    assert own.json()["detail"] == "You wrote this verdict: another editor approves."
    assert Verdict.objects.get(pk=verdict["id"]).state == "submitted"
    assert client_for(editor2).post(url + "approve/", {}, format="json").status_code == 200


def test_reviewer_may_not_approve_or_publish(newsroom, reviewer2):
    client = client_for(reviewer2)
    response = client.post(
        f"/api/v1/verdicts/{newsroom.submitted_verdict.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "You are not allowed to approve verdicts."
    response = client.post(
        f"/api/v1/verdicts/{newsroom.approved_verdict.pk}/publish/", {}, format="json"
    )
    assert response.status_code == 403
    assert Verdict.objects.get(pk=newsroom.approved_verdict.pk).state == "approved"


@pytest.mark.parametrize(
    ("action", "body", "message"),
    [
        ("publish", {}, "A verdict that is draft cannot be moved to published."),
        ("retract", {"note": "x"}, "A verdict that is draft cannot be moved to retracted."),
        ("request-changes", {"comment": ""}, "Say what needs to change: a comment is required."),
        ("correct", {"note": ""}, "A correction needs a public note saying what changed."),
    ],
)
def test_illegal_transitions_are_400_with_the_service_message(
    newsroom, editor, action, body, message
):
    response = client_for(editor).post(
        f"/api/v1/verdicts/{newsroom.draft_verdict.pk}/{action}/", body, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"status": 400, "code": "refused", "detail": message}


def test_request_changes_and_reopen(newsroom, reviewer, editor):
    url = f"/api/v1/verdicts/{newsroom.submitted_verdict.pk}/"
    back = client_for(editor).post(
        url + "request-changes/", {"comment": "Cite more."}, format="json"
    )
    assert back.status_code == 200 and back.json()["state"] == "changes_requested"
    reopened = client_for(reviewer).post(url + "reopen/", {}, format="json")
    assert reopened.json()["state"] == "draft"


def test_create_refusals(newsroom, reviewer):
    client = client_for(reviewer)
    duplicate = client.post("/api/v1/verdicts/", {"claim": newsroom.draft.pk}, format="json")
    assert duplicate.status_code == 400
    assert duplicate.json()["detail"] == "This claim already has a verdict; edit that one instead."
    missing = client.post("/api/v1/verdicts/", {"claim": 10**9}, format="json")
    assert missing.status_code == 400 and "claim" in missing.json()["errors"]
    bad_rating = client.post(
        "/api/v1/verdicts/", {"claim": newsroom.draft.pk, "rating": "Sorta"}, format="json"
    )
    assert bad_rating.status_code == 400 and "rating" in bad_rating.json()["errors"]


def test_attach_a_citation(newsroom, reviewer, django_capture_on_commit_callbacks):
    client = client_for(reviewer)
    url = f"/api/v1/claims/{newsroom.draft.pk}/citations/"
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            url,
            {
                "url": "https://stats.example.gov/census-2016",
                "stance": "supports",
                "excerpt": "30,000",
                "note": "Table 3.",
            },
            format="json",
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["url"] == "https://stats.example.gov/census-2016"
    assert body["note"] == "Table 3." and body["added_by"] == "rita"
    assert Citation.objects.filter(claim=newsroom.draft).count() == 2
    with django_capture_on_commit_callbacks(execute=False):
        again = client.post(
            url,
            {"url": "https://stats.example.gov/census-2016", "stance": "supports"},
            format="json",
        )
    assert again.status_code == 400
    assert again.json()["detail"] == "This claim already cites that source."
    bad = client.post(url, {"url": "https://x.example/", "stance": "maybe"}, format="json")
    assert bad.status_code == 400 and "stance" in bad.json()["errors"]


def test_create_an_article_from_text(reviewer):
    client = client_for(reviewer)
    body = (
        "Council report. The city had 30,000 residents in 2016, officials said. "
        "Unemployment fell by 4% last year according to the agency."
    )
    response = client.post("/api/v1/articles/", {"body": body, "title": "Council"}, format="json")
    assert response.status_code == 201, response.json()
    article = response.json()
    assert article["created"] is True and article["origin"] == "text"
    assert Article.objects.get(pk=article["id"]).body == body
    for claim in article["claims"]:
        assert body[claim["start"] : claim["end"]] == claim["text"]
    assert article["claims"], "extraction found no claims"
    again = client.post("/api/v1/articles/", {"body": body}, format="json")
    assert again.status_code == 200 and again.json()["created"] is False


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "detail"),
        ({"body": "x", "url": "https://example.org/"}, "detail"),
        ({"url": "not a url"}, "url"),
    ],
)
def test_article_input_errors(reviewer, payload, field):
    response = client_for(reviewer).post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_article_import_refusal_is_400_with_the_service_message(reviewer):
    response = client_for(reviewer).post("/api/v1/articles/", {"body": "   "}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_create_an_article_from_a_url(reviewer, localweb_allowed):
    from tests.localweb import article_html

    page = localweb_allowed.page("/api-import/budget", article_html("budget", "Budget story"))
    response = client_for(reviewer).post(
        "/api/v1/articles/", {"url": page + "?utm_source=feed"}, format="json"
    )
    assert response.status_code == 201, response.json()
    article = Article.objects.get(pk=response.json()["id"])
    assert article.origin == "url" and article.title == "Budget story"
    assert article.canonical_url == page


def test_unfetchable_url_is_400_with_the_reason(reviewer, localweb):
    url = localweb.url("/html/private")
    response = client_for(reviewer).post("/api/v1/articles/", {"url": url}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"Could not fetch {url}: blocked: port {localweb.port} is not allowed"
    )
    assert not Article.objects.exists()
