"""Prior checks in the claim API: staff see and decide matches; the public sees only confirmed
links between published claims."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.verdicts.models import ExternalFactCheck, PriorCheckMatch
from apps.verdicts.priorchecks import prior_check_decide
from tests.factories import ArticleFactory, ClaimFactory, cite_archived, verdict_published

pytestmark = pytest.mark.django_db


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def published(text: str, reviewer, editor, label: str = "False"):
    claim = ClaimFactory(article=ArticleFactory(body=text))
    cite_archived(claim)
    verdict_published(claim, author=reviewer, approver=editor, label=label)
    return claim


@pytest.fixture
def links(reviewer, editor):
    earlier = published("Knife crime in London rose by 20% last year.", reviewer, editor)
    later = published("Last year knife crime in London went up by 20 per cent.", reviewer, editor)
    suggested = published("Knife crime in London rose by a fifth last year.", reviewer, editor)
    rejected = published("London knife crime rose by 20% in the last year.", reviewer, editor)
    external = ExternalFactCheck.objects.create(
        url="https://checks.example.net/knives", claim_text="Knife crime in London rose 20%."
    )
    confirmed = PriorCheckMatch.objects.create(claim=later, prior_claim=earlier, score=0.9)
    prior_check_decide(match=confirmed, action="confirm", by=reviewer)
    PriorCheckMatch.objects.create(claim=later, prior_claim=suggested, score=0.7)
    no = PriorCheckMatch.objects.create(claim=later, prior_claim=rejected, score=0.8)
    prior_check_decide(match=no, action="reject", by=reviewer)
    ext = PriorCheckMatch.objects.create(claim=later, external=external, score=0.95)
    prior_check_decide(match=ext, action="confirm", by=reviewer)
    unpublished = ClaimFactory(article=ArticleFactory(body="Knife crime rose by 20% in London."))
    hidden = PriorCheckMatch.objects.create(claim=later, prior_claim=unpublished, score=0.9)
    prior_check_decide(match=hidden, action="confirm", by=reviewer)
    return earlier, later, suggested, rejected


def test_public_sees_only_confirmed_links_between_published_claims(links):
    earlier, later, _suggested, _rejected = links
    body = client_for().get(f"/api/v1/claims/{later.pk}/").json()
    assert body["prior_checks"] == [
        {"claim": earlier.pk, "article": earlier.article_id, "rating": "False"}
    ]
    assert "checks.example.net" not in str(body)
    assert client_for().get(f"/api/v1/claims/{earlier.pk}/").json()["prior_checks"] == []


def test_anonymous_cannot_read_or_decide_matches(links):
    later = links[1]
    assert client_for().get(f"/api/v1/claims/{later.pk}/prior-checks/").status_code == 401
    response = client_for().post(
        f"/api/v1/claims/{later.pk}/prior-checks/", {"match": 1, "decision": "confirm"}
    )
    assert response.status_code == 401


def test_reviewer_sees_matches_with_state_and_decides(links, reviewer):
    earlier, later, suggested, rejected = links
    api = client_for(reviewer)
    rows = api.get(f"/api/v1/claims/{later.pk}/prior-checks/").json()
    by_prior = {(r["prior_claim"] or {}).get("id"): r for r in rows}
    assert by_prior[earlier.pk]["state"] == "confirmed"
    assert by_prior[earlier.pk]["prior_claim"]["rating"] == "False"
    assert by_prior[earlier.pk]["decided_by"] == reviewer.username
    assert by_prior[suggested.pk]["state"] == "suggested"
    assert by_prior[suggested.pk]["likely_repeat"] is True
    assert rejected.pk not in by_prior  # a rejected match is not shown again
    assert by_prior[None]["external"]["url"] == "https://checks.example.net/knives"

    pending = by_prior[suggested.pk]["id"]
    url = f"/api/v1/claims/{later.pk}/prior-checks/"
    response = api.post(url, {"match": pending, "decision": "reject"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "rejected"
    again = api.post(url, {"match": pending, "decision": "confirm"}, format="json")
    assert again.status_code == 409
    bad = api.post(url, {"match": pending, "decision": "maybe"}, format="json")
    assert bad.status_code == 400
    other = api.post(
        f"/api/v1/claims/{earlier.pk}/prior-checks/",
        {"match": pending, "decision": "confirm"},
        format="json",
    )
    assert other.status_code == 404  # the match belongs to another claim


def test_editor_reads_and_ex_staff_are_refused(links, editor, reviewer2):
    later = links[1]
    url = f"/api/v1/claims/{later.pk}/prior-checks/"
    assert client_for(editor).get(url).status_code == 200
    reviewer2.is_active = False
    reviewer2.save()
    assert client_for(reviewer2).get(url).status_code == 403
    reviewer2.is_active = True
    reviewer2.save()
    reviewer2.groups.remove(*Group.objects.all())
    reviewer2 = type(reviewer2).objects.get(pk=reviewer2.pk)  # drop the permission cache
    assert client_for(reviewer2).get(url).status_code == 403
    response = client_for(reviewer2).post(url, {"match": 1, "decision": "confirm"}, format="json")
    assert response.status_code == 403


def _queries(api, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("size", [2, 30])
def test_query_counts_do_not_grow_with_matches(reviewer, editor, size):
    later = published("Vaccines cause autism in children.", reviewer, editor)
    priors = [
        published(f"Vaccines cause autism in children, says report {i}.", reviewer, editor)
        for i in range(size)
    ]
    for i, prior in enumerate(priors):
        match = PriorCheckMatch.objects.create(claim=later, prior_claim=prior, score=0.9)
        if i % 2:
            prior_check_decide(match=match, action="confirm", by=reviewer)
    staff = _queries(client_for(reviewer), f"/api/v1/claims/{later.pk}/prior-checks/")
    public = _queries(client_for(), f"/api/v1/claims/{later.pk}/")
    assert (staff, public) == EXPECTED_QUERIES


# The same at both sizes (a count that grows is an N+1). Staff: the claim, the matches, their
# earlier verdicts. Public: the claim, its payload (verdicts, citations, rows), the links.
EXPECTED_QUERIES = (3, 4)
