"""Staff rights need staff status: a user whose is_staff was removed keeps their groups (so an
admin can restore them) but none of the group's API rights; a staff user with no permissions
sees in the staff export page only what the public sees. Checked for anonymous, reviewer, editor
and ex-staff on the same requests."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api.conftest import SECRETS

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def people(reviewer, editor, django_user_model):
    ex = django_user_model.objects.create_user("former", password="pw-former", is_staff=False)
    ex.groups.set(reviewer.groups.all())
    assert ex.has_perm("verdicts.view_verdict")  # the group's permissions are still attached
    return {"anonymous": None, "reviewer": reviewer, "editor": editor, "ex-staff": ex}


# who: (drafts visible, unpublished article visible, private notes visible, may write)
EXPECTED = {
    "anonymous": (401, 404, 401, 401),
    "reviewer": (200, 200, 200, 201),
    "editor": (200, 200, 200, 201),
    "ex-staff": (403, 404, 403, 403),
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_staff_rights_follow_staff_status(newsroom, people, who):
    client = client_for(people[who])
    drafts, unpublished, notes, write = EXPECTED[who]

    response = client.get(f"/api/v1/verdicts/{newsroom.draft_verdict.pk}/")
    assert response.status_code == drafts
    assert (SECRETS["draft"] in response.content.decode()) == (drafts == 200)

    response = client.get(f"/api/v1/articles/{newsroom.unpublished_article.pk}/")
    assert response.status_code == unpublished
    listed = client.get("/api/v1/articles/").content.decode()
    assert (SECRETS["unpublished_article"] in listed) == (unpublished == 200)

    response = client.get(f"/api/v1/claims/{newsroom.published.pk}/citations/")
    assert response.status_code == notes
    assert (SECRETS["note"] in response.content.decode()) == (notes == 200)

    response = client.post(
        "/api/v1/articles/", {"body": f"Text by {who}. It is 5 km."}, format="json"
    )
    assert response.status_code == write


def test_ex_staff_cannot_run_a_transition(newsroom, people):
    client = client_for(people["ex-staff"])
    response = client.post(
        f"/api/v1/verdicts/{newsroom.submitted_verdict.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 403
    newsroom.submitted_verdict.refresh_from_db()
    assert newsroom.submitted_verdict.state == "submitted"


def test_staff_without_permissions_sees_no_hidden_titles_in_the_export_page(
    client, newsroom, django_user_model
):
    bare = django_user_model.objects.create_user("bare", password="pw-bare", is_staff=True)
    client.force_login(bare)
    ids = f"{newsroom.article.pk},{newsroom.unpublished_article.pk}"
    page = client.get(reverse("report_export"), {"ids": ids}).content.decode()
    assert newsroom.article.title in page
    assert SECRETS["unpublished_article"] not in page
    response = client.get(reverse("report_export"), {"ids": ids, "format": "csv"})
    assert response.status_code == 400
    assert SECRETS["unpublished_article"] not in response.content.decode()


def test_reviewer_sees_hidden_titles_in_the_export_page(client, newsroom, reviewer):
    client.force_login(reviewer)
    ids = f"{newsroom.article.pk},{newsroom.unpublished_article.pk}"
    page = client.get(reverse("report_export"), {"ids": ids}).content.decode()
    assert SECRETS["unpublished_article"] in page
