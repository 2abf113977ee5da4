"""GET /api/v1/snapshots/{id}/wacz/: the signed evidence package, for staff only."""

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from apps.verdicts.roles import REVIEWERS
from tests.factories import SnapshotFactory

pytestmark = pytest.mark.django_db


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_staff_gets_the_package(reviewer, archived):
    response = _client(reviewer).get(f"/api/v1/snapshots/{archived.pk}/wacz/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/wacz"
    package = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "datapackage-digest.json" in package.namelist()


def test_anonymous_and_ex_staff_are_refused(reviewer, archived):
    url = f"/api/v1/snapshots/{archived.pk}/wacz/"
    assert _client().get(url).status_code == 401
    reviewer.is_staff = False
    reviewer.save()
    assert reviewer.groups.filter(name=REVIEWERS).exists()
    response = _client(reviewer).get(url)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    nobody = get_user_model().objects.create_user("nobody", password="pw", is_staff=True)
    assert _client(nobody).get(url).status_code == 403


def test_failed_capture_is_409_with_reason(reviewer, keyed):
    failed = SnapshotFactory(state="failed", reason="HTTP 404", sha256="", warc="", fetched_at=None)
    response = _client(reviewer).get(f"/api/v1/snapshots/{failed.pk}/wacz/")
    assert response.status_code == 409
    assert "HTTP 404" in response.json()["detail"]


def test_unknown_snapshot_is_404(reviewer):
    assert _client(reviewer).get("/api/v1/snapshots/999999/wacz/").status_code == 404
