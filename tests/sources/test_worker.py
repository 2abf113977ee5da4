"""The whole pipeline on a real Celery worker (tests/conftest.py), real Redis and PostgreSQL, and
real HTTP from the local web server. The worker's environment exempts 127.0.0.0/8 and the server's
port, and shortens deadlines (total 3 s) and backoff (0.2 s, 3 attempts) so failures are quick."""

import pytest
from celery import current_app
from warcio.archiveiterator import ArchiveIterator

from apps.sources import services
from apps.sources.models import Citation, Snapshot, Source
from apps.sources.warc import warc_path
from tests.conftest import wait_for
from tests.factories import ClaimFactory, SourceFactory

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(celery_worker_process, transactional_db):
    return celery_worker_process


def final(snapshot_id: int, timeout: float = 30) -> Snapshot:
    def done():
        row = Snapshot.objects.get(pk=snapshot_id)
        return row if row.state in Snapshot.FINAL_STATES else None

    return wait_for(done, timeout=timeout)


def extracted(snapshot_id: int) -> Snapshot:
    return wait_for(lambda: Snapshot.objects.filter(pk=snapshot_id).exclude(title="").first())


def records(snapshot):
    with warc_path(snapshot.warc.name).open("rb") as stream:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
            for r in ArchiveIterator(stream, check_digests=True)
        ]


def test_citation_is_archived_by_the_worker(worker, localweb):
    citation = services.citation_add(
        claim=ClaimFactory(),
        url=localweb.url("/redirect/2?utm_campaign=x"),
        stance="supports",
        excerpt="the lowest figure since records began",
        by=None,
    )
    snapshot = final(Snapshot.objects.get(source=citation.source).pk)
    assert snapshot.state == "archived", snapshot.reason
    assert snapshot.final_url == localweb.url("/html/redirected")
    snapshot = extracted(snapshot.pk)
    assert snapshot.title == "Article redirected"
    kinds = records(snapshot)
    assert [k for k, _, _ in kinds] == ["warcinfo", "response", "request"]
    assert kinds[1][1] == snapshot.final_url
    citation = wait_for(
        lambda: Citation.objects.filter(pk=citation.pk, snapshot__isnull=False).first()
    )
    assert citation.excerpt_found is True


CASES = [
    ("/html/w1", "archived", "", 200),
    ("/text", "archived", "", 200),
    ("/pdf", "archived", "", 200),
    ("/status/404", "failed", "HTTP 404", 404),
    ("/status/500", "failed", "HTTP 500 (gave up after 3 attempts)", 500),
    ("/retry-after/1", "failed", "HTTP 429 (gave up after 3 attempts)", 429),
    ("/drip", "failed", "timeout after 3 s (gave up after 3 attempts)", None),
    (f"/huge?bytes={30 * 1024 * 1024}&length=1", "failed", "too large: > 25 MB", 200),
    (f"/huge?bytes={30 * 1024 * 1024}&length=0", "failed", "too large: > 25 MB", 200),
    ("/gzip-bomb", "failed", "too large: > 25 MB decompressed", 200),
    ("/loop/a", "failed", "redirect loop", 302),
    ("/to?url=http://169.254.169.254/latest/meta-data/", "blocked",
     "blocked: resolves to link-local address 169.254.169.254", None),
    ("/to?url=http://10.0.0.5/", "blocked", "blocked: resolves to private address 10.0.0.5", None),
]  # fmt: skip


def test_every_kind_of_outcome_through_the_worker(worker, localweb):
    """All cases queued at once; the threads pool works them concurrently."""
    snapshots = {
        path: services.snapshot_request(source=SourceFactory(url=localweb.url(path)))
        for path, *_ in CASES
    }
    for path, state, reason, status in CASES:
        snapshot = final(snapshots[path].pk, timeout=60)
        assert (path, snapshot.state, snapshot.reason, snapshot.http_status) == (
            path,
            state,
            reason,
            status,
        )
        if state == "archived":
            assert records(snapshot)[1][1] == snapshot.final_url
            assert snapshot.sha256 and snapshot.size
    assert Snapshot.objects.get(pk=snapshots["/status/500"].pk).attempts == 3
    assert Snapshot.objects.get(pk=snapshots["/status/404"].pk).attempts == 1


def test_transient_errors_are_retried_until_success(worker, localweb):
    snapshot = services.snapshot_request(source=SourceFactory(url=localweb.url("/flaky/w/2")))
    snapshot = final(snapshot.pk)
    assert (snapshot.state, snapshot.attempts) == ("archived", 3)


def test_running_the_task_twice_yields_one_snapshot(worker, localweb):
    source = SourceFactory(url=localweb.url("/html/twice"))
    snapshot = services.snapshot_request(source=source, enqueue=False)
    for _ in range(3):
        current_app.send_task("apps.sources.tasks.snapshot_fetch", args=[snapshot.pk])
    snapshot = final(snapshot.pk)
    assert snapshot.state == "archived"
    assert snapshot.attempts == 1
    assert Source.objects.get(pk=source.pk).snapshots.count() == 1


def test_health_check_task(worker, localweb):
    url = localweb.page("/worker/health", "<html><title>T</title><p>" + "Stable words. " * 30)
    snapshot = final(services.snapshot_request(source=SourceFactory(url=url)).pk)
    assert snapshot.state == "archived"
    current_app.send_task("apps.sources.tasks.sources_check_health")
    source = wait_for(lambda: Source.objects.filter(pk=snapshot.source_id, health="live").first())
    assert source.health_checked_at is not None
