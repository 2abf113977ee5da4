"""With drafts, submitted, approved-but-unpublished and changes-requested verdicts, reviewer
notes, archive overrides and an unpublished article in the database, no public endpoint (nor the
schema or the docs) shows any of them to an anonymous client."""

import pytest
from django.contrib.auth import get_user_model

from tests.api.conftest import SECRETS

pytestmark = pytest.mark.django_db


def public_urls(newsroom) -> list[str]:
    a, hidden = newsroom.article.pk, newsroom.unpublished_article.pk
    urls = [
        "/api/v1/",
        "/api/v1/articles/",
        "/api/v1/articles/?page_size=100",
        f"/api/v1/articles/{a}/",
        f"/api/v1/articles/{a}/versions/",
        f"/api/v1/articles/{hidden}/",
        f"/api/v1/articles/{hidden}/versions/",
        "/api/v1/claims/?page_size=100",
        f"/api/v1/claims/?article={hidden}",
        "/api/v1/claims/?q=SECRET",
        "/api/v1/claimreview/",
        "/api/v1/schema/",
        "/api/v1/schema/?format=json",
        "/api/v1/docs/",
    ]
    urls += [f"/api/v1/articles/{a}/?version={n}" for n in range(1, 6)]
    for claim in (
        newsroom.published,
        newsroom.corrected,
        newsroom.retracted,
        newsroom.draft,
        newsroom.submitted,
        newsroom.approved,
        newsroom.changes,
    ):
        urls += [f"/api/v1/claims/{claim.pk}/", f"/api/v1/claims/{claim.pk}/claimreview/"]
    for state in ("draft", "submitted", "approved", "changes_requested"):
        urls.append(f"/api/v1/claims/?state={state}")
    return urls


def test_no_public_endpoint_shows_unpublished_work(api, newsroom):
    staff_names = list(get_user_model().objects.values_list("username", flat=True))
    hidden_claims = [newsroom.draft, newsroom.submitted, newsroom.approved, newsroom.changes]
    for url in public_urls(newsroom):
        response = api.get(url)
        assert response.status_code in (200, 400, 404), url
        text = response.content.decode()
        for name, secret in SECRETS.items():
            assert secret not in text, f"{name} leaked at {url}"
        if "/schema/" in url or "/docs/" in url:
            continue
        for claim in hidden_claims:
            assert claim.text not in text, f"unpublished claim leaked at {url}"
        for field in ('"note"', '"archive_override"', '"approver"', '"author": "', '"version"'):
            assert field not in text, f"{field} leaked at {url}"
        for username in staff_names:
            assert f'"{username}"' not in text, f"user {username} leaked at {url}"


def test_the_verified_set_lists_only_public_verdicts(api, newsroom):
    body = api.get(f"/api/v1/articles/{newsroom.article.pk}/").json()
    states = {c["verdict"]["state"] for c in body["claims"]}
    assert states == {"published", "corrected", "retracted"}
    assert all("note" not in citation for c in body["claims"] for citation in c["citations"])


def test_public_warc_links_only_for_published_claims(api, newsroom, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    body = api.get(f"/api/v1/articles/{newsroom.article.pk}/").json()
    link = body["claims"][0]["citations"][0]["snapshot"]["warc"]
    public_snapshot = newsroom.published.citations.get().snapshot
    (tmp_path / public_snapshot.warc.name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / public_snapshot.warc.name).write_bytes(b"WARC/1.1\r\n")
    response = api.get(f"/api/v1/snapshots/{public_snapshot.pk}/warc/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"WARC/1.1\r\n"
    assert link.startswith("/api/v1/snapshots/")
    draft_snapshot = newsroom.draft.citations.get().snapshot
    assert api.get(f"/api/v1/snapshots/{draft_snapshot.pk}/warc/").status_code == 404
