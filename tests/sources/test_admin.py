"""The source admin, the safe views of a capture, the citation form, and archive_url."""

import html
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.sources import services
from apps.sources.forms import CitationForm
from apps.sources.models import Citation, Snapshot, Source
from tests.factories import ClaimFactory, SnapshotFactory, SourceFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def archived(localweb_allowed):
    url = localweb_allowed.page(
        "/admin/hostile",
        f"<html><title>T</title><body><p>{html.escape(HOSTILE)} "
        + "Words here. " * 40
        + "</p></body></html>",
    )
    source = SourceFactory(url=url, domain="127.0.0.1")
    snapshot = services.snapshot_archive(snapshot_id=services.snapshot_request(source=source).pk)
    return services.snapshot_extract(snapshot_id=snapshot.pk)


def test_source_page_lists_snapshots(client, reviewer, archived):
    client.force_login(reviewer)
    SnapshotFactory(
        source=archived.source,
        state="failed",
        reason="HTTP 404",
        sha256="",
        warc="",
        fetched_at=None,
    )
    page = client.get(reverse("admin:sources_source_change", args=[archived.source_id]))
    assert page.status_code == 200
    content = page.content.decode()
    assert archived.sha256 in content
    assert "HTTP 404" in content
    assert reverse("admin:sources_snapshot_text", args=[archived.pk]) in content


def test_source_list_filters_by_state_and_domain(client, reviewer, archived):
    client.force_login(reviewer)
    other = SnapshotFactory(
        state="blocked", reason="blocked: x", sha256="", warc="", fetched_at=None
    ).source
    url = reverse("admin:sources_source_changelist")
    blocked = client.get(url, {"archive_state": "blocked"}).content.decode()
    assert other.url in blocked and archived.source.url not in blocked
    by_domain = client.get(url, {"domain": "127.0.0.1"}).content.decode()
    assert archived.source.url in by_domain and other.url not in by_domain
    snapshots = client.get(reverse("admin:sources_snapshot_changelist"), {"state": "archived"})
    assert snapshots.status_code == 200


def test_text_view_escapes_the_capture(client, reviewer, archived):
    client.force_login(reviewer)
    assert "<script>" in archived.text
    response = client.get(reverse("admin:sources_snapshot_text", args=[archived.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert HOSTILE not in content
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_warc_download_is_an_attachment(client, reviewer, archived):
    client.force_login(reviewer)
    response = client.get(reverse("admin:sources_snapshot_warc", args=[archived.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/warc"
    body = b"".join(response.streaming_content)
    assert body[:2] == b"\x1f\x8b"


def test_capture_views_are_staff_only(client, django_user_model, archived):
    text = reverse("admin:sources_snapshot_text", args=[archived.pk])
    warc = reverse("admin:sources_snapshot_warc", args=[archived.pk])
    for url in (text, warc):
        assert client.get(url).status_code == 302  # to the admin login
    client.force_login(django_user_model.objects.create_user("outsider", is_staff=False))
    for url in (text, warc):
        assert client.get(url).status_code == 302
    client.force_login(django_user_model.objects.create_user("intern", is_staff=True))
    for url in (text, warc):
        assert client.get(url).status_code == 403


def test_re_archive_action_queues_a_capture(
    client, editor, archived, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("admin:sources_source_changelist"),
            {"action": "re_archive", "_selected_action": [archived.source_id]},
            follow=True,
        )
    assert "Archiving queued for 1 source" in response.content.decode()
    assert archived.source.snapshots.filter(state="queued").count() == 1
    assert len(callbacks) == 1


def test_citation_form_adds_through_the_service(reviewer, django_capture_on_commit_callbacks):
    claim = ClaimFactory()
    form = CitationForm(
        data={
            "url": "https://Example.org/a?utm_source=x",
            "stance": "supports",
            "excerpt": "q",
            "note": "",
        },
        instance=Citation(claim=claim),
        by=reviewer,
    )
    assert form.is_valid(), form.errors
    with django_capture_on_commit_callbacks() as callbacks:
        citation = form.save()
    assert citation.pk and citation.source.url == "https://example.org/a"
    assert citation.added_by == reviewer
    assert len(callbacks) == 1
    duplicate = CitationForm(
        data={"url": "https://example.org/a#x", "stance": "refutes"}, instance=Citation(claim=claim)
    )
    assert not duplicate.is_valid()
    assert duplicate.errors["url"] == ["This claim already cites that source."]
    bad = CitationForm(
        data={"url": "ftp://x.org/", "stance": "supports"}, instance=Citation(claim=claim)
    )
    assert not bad.is_valid()
    assert "Only http and https" in bad.errors["url"][0]


def test_citation_form_edits_through_the_service():
    snapshot = SnapshotFactory()
    citation = Citation.objects.create(
        claim=ClaimFactory(),
        source=snapshot.source,
        snapshot=snapshot,
        stance="supports",
        excerpt="nope",
    )
    form = CitationForm(
        data={"url": "ignored", "stance": "context", "excerpt": "30,000 residents", "note": "n"},
        instance=citation,
    )
    assert form.is_valid(), form.errors
    citation = form.save()
    assert (citation.stance, citation.excerpt_found) == ("context", True)
    assert Source.objects.count() == 1


def test_archive_url_command_json(localweb_allowed, capsys):
    url = localweb_allowed.url("/html/cli")
    call_command("archive_url", url, "--json")
    out = json.loads(capsys.readouterr().out)
    snapshot = Snapshot.objects.get()
    assert out == {
        "url": url,
        "final_url": url,
        "state": "archived",
        "reason": "",
        "http_status": 200,
        "sha256": snapshot.sha256,
        "bytes": snapshot.size,
        "warc": out["warc"],
    }
    assert out["warc"].endswith(".warc.gz")
    assert snapshot.title == "Article cli"


def test_archive_url_command_failure_exits_1(localweb_allowed, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("archive_url", localweb_allowed.url("/status/404"), "--json")
    assert exit_.value.code == 1
    assert json.loads(capsys.readouterr().out)["reason"] == "HTTP 404"


def test_archive_url_command_bad_input_is_one_line(settings):
    result = subprocess.run(
        [sys.executable, "manage.py", "archive_url", "javascript:alert(1)"],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "factcheck.test_settings"},
    )
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == "CommandError: Only http and https URLs can be cited, not javascript:."
    )
    assert "Traceback" not in result.stderr
