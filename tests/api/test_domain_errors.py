"""Every factcheck.errors kind reaches an API client as its 4xx (or 503) with the service's
message: through a real endpoint for each kind a service raises there, and through the handler
itself for every kind, including ones no endpoint raises yet, so a new app's error is never a
500."""

import pytest
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from apps.api.exceptions import api_exception_handler
from apps.verdicts.models import Verdict
from factcheck import errors

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_bad_input_through_the_import_endpoint(reviewer):
    response = client_for(reviewer).post("/api/v1/articles/", {"body": " \n "}, format="json")
    assert response.json() == {
        "status": 400,
        "code": "invalid",
        "detail": "The article text is only whitespace.",
    }


def test_refused_through_a_transition(newsroom, editor):
    url = f"/api/v1/verdicts/{newsroom.draft_verdict.pk}/publish/"
    response = client_for(editor).post(url, {}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "refused")


def test_not_permitted_through_a_transition(newsroom, reviewer2):
    url = f"/api/v1/verdicts/{newsroom.submitted_verdict.pk}/approve/"
    response = client_for(reviewer2).post(url, {}, format="json")
    assert response.json() == {
        "status": 403,
        "code": "forbidden",
        "detail": "You are not allowed to approve verdicts.",
    }


def test_conflict_through_a_stale_edit(newsroom, reviewer):
    verdict = newsroom.draft_verdict
    url = f"/api/v1/verdicts/{verdict.pk}/"
    stale = {"version": verdict.version - 1 or 99, "summary": "Late."}
    response = client_for(reviewer).put(url, stale, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "conflict")
    assert Verdict.objects.get(pk=verdict.pk).summary == verdict.summary


class _Raises(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    error: Exception

    def get(self, request):
        raise self.error


class NewAppError(errors.Refused):
    """An error an app added without telling the API."""


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (errors.DomainError("plain"), 400, "refused"),
        (errors.BadInput("malformed"), 400, "invalid"),
        (errors.Refused("against a rule"), 400, "refused"),
        (errors.NotPermitted("not you"), 403, "forbidden"),
        (errors.NotFound("no such thing"), 404, "not_found"),
        (errors.Conflict("changed meanwhile"), 409, "conflict"),
        (errors.Unavailable("not installed"), 503, "unavailable"),
        (NewAppError("a new rule"), 400, "refused"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
def test_every_kind_maps_to_its_status_with_its_message(error, status, code):
    view = type("View", (_Raises,), {"error": error}).as_view()
    response = view(APIRequestFactory().get("/x"))
    assert response.status_code == status
    assert response.data == {"status": status, "code": code, "detail": error.message}


def test_a_bug_is_still_a_500_for_django_to_log():
    assert api_exception_handler(KeyError("bug"), {}) is None
