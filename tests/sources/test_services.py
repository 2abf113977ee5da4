"""Citing, archiving in-process (the worker runs the same service), retries, stuck rows, link
health and importing, through the public services and selectors."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from warcio.archiveiterator import ArchiveIterator

from apps.sources import selectors, services
from apps.sources.fetch import BlockedError, FetchError, UnsupportedContentError
from apps.sources.models import Citation, Snapshot, Source
from apps.sources.normalize import url_normalise
from apps.sources.pages import page_read
from apps.sources.services import CitationError, SnapshotRetry, SourceError
from apps.sources.warc import warc_path
from tests.factories import ClaimFactory, SnapshotFactory, SourceFactory
from tests.localweb import article_html

pytestmark = pytest.mark.django_db


def read_warc(snapshot):
    with warc_path(snapshot.warc.name).open("rb") as stream:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
            for r in ArchiveIterator(stream, check_digests=True)
        ]


def archive(snapshot, **kwargs):
    """Run the capture as the worker would, sleeping out nothing (retries are asserted)."""
    snapshot = services.snapshot_archive(snapshot_id=snapshot.pk, **kwargs)
    if snapshot.state == Snapshot.State.ARCHIVED:
        snapshot = services.snapshot_extract(snapshot_id=snapshot.pk)
    return snapshot


# --- URLs and citations ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        (
            "HTTP://News.Example.ORG/a/../story?utm_source=x&id=3#top",
            "http://news.example.org/story?id=3",
        ),
        ("https://example.org/?fbclid=abc&gclid=d&utm_medium=e", "https://example.org/"),
        ("https://example.org/p?b=2&a=1&mc_eid=9", "https://example.org/p?b=2&a=1"),
        ("example.org/page", "https://example.org/page"),
        ("https://BÜCHER.example/", "https://xn--bcher-kva.example/"),
        ("https://example.org:443/x", "https://example.org/x"),
    ],
)
def test_urls_are_normalised(raw, normal):
    assert url_normalise(raw) == normal


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter a URL"),
        ("javascript:alert(1)", "Only http and https"),
        ("ftp://example.org/", "Only http and https"),
        ("http://user:pw@example.org/", "user name and password"),
        ("http://exa mple.org/", "spaces"),
        ("http://localhost/", "full host name"),
        ("http://example.org:70000/", "port"),
        ("https://example.org/" + "a" * 2100, "longer than 2048"),
        # a name glued to an IPv6 literal: encoded, the bracketed host is no address
        ("https://ø[2001:db8::1]/", "not a valid URL"),
        # NFKC turns the cedilla into a space and a combining mark: no host name has a space
        ("https://ex\u00b8ample.org/", "host name becomes one with a space"),
        (".[2001:db8::1]0", "Only a port can follow"),
    ],
)
def test_bad_urls_are_refused_with_a_message(raw, message, reviewer):
    with pytest.raises(SourceError, match=message):
        services.citation_add(claim=ClaimFactory(), url=raw, stance="supports", by=reviewer)


def test_one_source_per_normalised_url(reviewer, django_capture_on_commit_callbacks):
    claim1, claim2 = ClaimFactory(), ClaimFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        a = services.citation_add(
            claim=claim1,
            url="https://Example.org/story?utm_source=tw#x",
            stance="supports",
            by=reviewer,
        )
        b = services.citation_add(
            claim=claim2, url="https://example.org/story", stance="refutes", by=reviewer
        )
    assert a.source_id == b.source_id
    assert Source.objects.get().url == "https://example.org/story"
    assert Source.objects.get().domain == "example.org"
    assert Snapshot.objects.filter(state="queued").count() == 1
    assert len(callbacks) == 1, "archiving is queued once, on commit"
    assert a.added_by == reviewer


def test_duplicate_citation_is_refused(reviewer):
    claim = ClaimFactory()
    services.citation_add(claim=claim, url="https://example.org/a", stance="supports", by=reviewer)
    with pytest.raises(CitationError, match="already cites"):
        services.citation_add(
            claim=claim, url="https://EXAMPLE.org/a#frag", stance="refutes", by=reviewer
        )


def test_source_errors_are_domain_errors_of_the_right_kind(reviewer):
    """The API and the admin handle the kinds: a bad URL is bad input (400), a second,
    different citation of the same source is a conflict (409); both carry `.message`."""
    from factcheck.errors import BadInput, Conflict, DomainError

    with pytest.raises(BadInput) as bad:
        services.citation_add(claim=ClaimFactory(), url="ftp://x.org/", stance="context", by=None)
    assert isinstance(bad.value, DomainError) and bad.value.http_status == 400
    assert bad.value.message
    claim = ClaimFactory()
    services.citation_add(claim=claim, url="https://example.org/k", stance="supports", by=None)
    with pytest.raises(Conflict) as conflict:
        services.citation_add(claim=claim, url="https://example.org/k", stance="refutes", by=None)
    assert isinstance(conflict.value, CitationError) and conflict.value.http_status == 409
    assert conflict.value.message == "This claim already cites that source."


def test_the_same_citation_sent_again_is_not_refused(reviewer, django_capture_on_commit_callbacks):
    """A client retrying after a lost answer gets the citation it made, and nothing is queued
    twice."""
    claim = ClaimFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        first = services.citation_add(
            claim=claim, url="https://example.org/r", stance="supports", excerpt="x", by=reviewer
        )
        again = services.citation_add(
            claim=claim, url="https://example.org/r", stance="supports", excerpt="x", by=reviewer
        )
    assert again.pk == first.pk
    assert len(callbacks) == 1
    assert Citation.objects.filter(claim=claim).count() == 1


def test_unknown_stance_is_refused(reviewer):
    with pytest.raises(CitationError, match="Unknown stance"):
        services.citation_add(
            claim=ClaimFactory(), url="https://example.org/", stance="maybe", by=reviewer
        )


def test_fresh_snapshot_means_no_new_capture(reviewer, django_capture_on_commit_callbacks):
    snapshot = SnapshotFactory(source=SourceFactory(url="https://example.org/fresh"))
    with django_capture_on_commit_callbacks() as callbacks:
        citation = services.citation_add(
            claim=ClaimFactory(),
            url="https://example.org/fresh",
            stance="supports",
            excerpt="30,000  Residents",
            by=reviewer,
        )
    assert callbacks == []
    assert citation.snapshot == snapshot
    assert citation.excerpt_found is True


def test_stale_snapshot_queues_a_new_capture(reviewer, settings):
    old = SnapshotFactory(fetched_at=timezone.now() - timedelta(hours=25))
    settings.ARCHIVE_FRESH_HOURS = 24
    services.citation_add(claim=ClaimFactory(), url=old.source.url, stance="context", by=reviewer)
    assert old.source.snapshots.filter(state="queued").count() == 1


def test_snapshot_request_is_idempotent(django_capture_on_commit_callbacks):
    """A second request while one is active returns it and sends nothing; the database itself
    refuses a second active snapshot, whatever path tries to insert one."""
    source = SourceFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        first = services.snapshot_request(source=source)
        again = services.snapshot_request(source=source, force=True)
    assert again.pk == first.pk and again.state == "queued"
    assert len(callbacks) == 1, "one fetch message for one capture"
    with pytest.raises(IntegrityError), transaction.atomic():
        Snapshot.objects.create(source=source)


# --- Archiving in-process ----------------------------------------------------------------------


def test_archive_html_writes_a_valid_warc_and_checks_excerpts(localweb_allowed, reviewer):
    url = localweb_allowed.url("/redirect/2")
    citation = services.citation_add(
        claim=ClaimFactory(),
        url=url,
        stance="supports",
        excerpt="unemployment fell to 4.2 percent",
        by=reviewer,
    )
    other = services.citation_add(
        claim=ClaimFactory(), url=url, stance="refutes", excerpt="not in the page", by=reviewer
    )
    snapshot = archive(Snapshot.objects.get())
    assert snapshot.state == "archived", snapshot.reason
    assert snapshot.final_url == localweb_allowed.url("/html/redirected")
    assert snapshot.http_status == 200
    assert snapshot.title == "Article redirected"
    assert "unemployment fell to 4.2 percent" in snapshot.text
    assert "Copyright Local News" not in snapshot.text  # boilerplate left out
    assert snapshot.size == len(article_html("redirected"))
    assert snapshot.warc.name.startswith("archives/")
    records = read_warc(snapshot)
    assert [r[0] for r in records] == ["warcinfo", "response", "request"]
    assert {r[1] for r in records[1:]} == {snapshot.final_url}
    assert records[1][2] == article_html("redirected")
    citation.refresh_from_db()
    other.refresh_from_db()
    assert (citation.snapshot, citation.excerpt_found) == (snapshot, True)
    assert (other.snapshot, other.excerpt_found) == (snapshot, False)
    assert citation.source.title == "Article redirected"


def test_small_page_text_is_extracted_by_the_fetch_itself(
    localweb_allowed, reviewer, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """A page under the inline limit is archived and extracted in one task: title, text, the
    source's title and the waiting citation are stored with the outcome, no extraction task is
    queued. Statements: the claim (which also says whether citations wait), then in one
    transaction the outcome with the source's title, and the citation with its history."""
    url = localweb_allowed.url("/html/inline")
    citation = services.citation_add(
        claim=ClaimFactory(), url=url, stance="supports", excerpt="4.2 percent", by=reviewer
    )
    snapshot = Snapshot.objects.get()
    # claim; savepoint, outcome with the source's title, citations + update + history, release
    # (the text is marked for the passage indexer by the outcome, which is nudged on commit)
    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(7):
        snapshot = services.snapshot_archive(snapshot_id=snapshot.pk)
    # no extraction task: only the passage indexing is handed on
    assert [c.__qualname__ for c in callbacks] == ["passages_nudge"]
    assert (snapshot.state, snapshot.title, snapshot.passages_due) == (
        "archived",
        "Article inline",
        True,
    )
    assert "unemployment fell to 4.2 percent in inline" in snapshot.text
    stored = Snapshot.objects.get(pk=snapshot.pk)
    assert (stored.title, stored.text) == (snapshot.title, snapshot.text)
    assert Source.objects.get(pk=snapshot.source_id).title == "Article inline"
    citation.refresh_from_db()
    assert (citation.snapshot_id, citation.excerpt_found) == (snapshot.pk, True)


@pytest.mark.parametrize("page", ["/html/plain-capture", "/news/plain-capture"])
def test_capture_without_waiting_citations_skips_the_transaction(
    page, localweb_allowed, django_assert_num_queries
):
    """A re-archive (no citation waits for it) runs without BEGIN/COMMIT: the claim, and the
    outcome, which also gives the source its title if it has none; a title the source already
    has is kept. Passages are indexed by a task of their own. Two statements for a 1 kB page and
    for a news page many times its size: nothing in a capture is per element of the page."""
    source = SourceFactory(url=localweb_allowed.url(page), title="")
    snapshot = services.snapshot_request(source=source, enqueue=False)
    with django_assert_num_queries(2):
        snapshot = services.snapshot_archive(snapshot_id=snapshot.pk)
    assert snapshot.state == "archived" and snapshot.text
    assert Source.objects.get(pk=source.pk).title == snapshot.title != ""

    Source.objects.filter(pk=source.pk).update(title="Named by a reviewer")
    again = services.snapshot_request(source=source, force=True, enqueue=False)
    with django_assert_num_queries(2):
        again = services.snapshot_archive(snapshot_id=again.pk)
    assert again.state == "archived" and again.title == snapshot.title
    assert Source.objects.get(pk=source.pk).title == "Named by a reviewer"


def test_citation_made_while_the_page_is_fetched_is_checked_against_it(localweb_allowed, reviewer):
    """The claim saw no waiting citation; one added during the fetch is still attached."""
    url = f"http://news.test:{localweb_allowed.port}/html/late-citation"
    source = services.source_get_or_create(url=url)
    snapshot = services.snapshot_request(source=source, enqueue=False)
    made = []

    def resolver(host, port):
        made.append(
            Citation.objects.create(
                claim=ClaimFactory(), source=source, stance="supports", excerpt="4.2 percent",
                added_by=reviewer,
            )
        )  # fmt: skip
        return ["127.0.0.1"]

    snapshot = services.snapshot_archive(snapshot_id=snapshot.pk, resolver=resolver)
    assert snapshot.state == "archived"
    made[0].refresh_from_db()
    assert (made[0].snapshot_id, made[0].excerpt_found) == (snapshot.pk, True)


def test_page_over_the_inline_limit_is_extracted_by_its_own_task(
    localweb_allowed, settings, django_capture_on_commit_callbacks
):
    settings.ARCHIVE_INLINE_EXTRACT_MAX_BYTES = 1000
    page = "<html><head><title>Big</title></head><body><p>" + "A long page. " * 400 + "</p>"
    source = SourceFactory(url=localweb_allowed.page("/inline/big", page))
    snapshot = services.snapshot_request(source=source, enqueue=False)
    with django_capture_on_commit_callbacks() as callbacks:
        snapshot = services.snapshot_archive(snapshot_id=snapshot.pk)
    assert snapshot.state == "archived"
    assert (snapshot.title, snapshot.text) == ("", "")
    assert len(callbacks) == 1, "the extraction task is queued"
    snapshot = services.snapshot_extract(snapshot_id=snapshot.pk)
    assert snapshot.title == "Big"
    assert "A long page." in snapshot.text


def test_archive_now_extracts_pages_over_the_inline_limit_too(localweb_allowed, settings):
    settings.ARCHIVE_INLINE_EXTRACT_MAX_BYTES = 1000
    page = "<html><head><title>Now</title></head><body><p>" + "A long page. " * 400 + "</p>"
    snapshot = services.snapshot_archive_now(url=localweb_allowed.page("/inline/now", page))
    assert (snapshot.state, snapshot.title) == ("archived", "Now")


def test_archive_text_and_pdf(localweb_allowed):
    text = archive(
        services.snapshot_request(source=SourceFactory(url=localweb_allowed.url("/text")))
    )
    assert text.state == "archived"
    assert text.text == "Plain text source.\nLine two."
    pdf = archive(services.snapshot_request(source=SourceFactory(url=localweb_allowed.url("/pdf"))))
    assert pdf.state == "archived"
    assert pdf.content_type == "application/pdf"
    assert pdf.text == ""
    assert read_warc(pdf)[1][2].startswith(b"%PDF")


def test_rerun_is_harmless_and_content_addressed(localweb_allowed):
    source = SourceFactory(url=localweb_allowed.url("/html/same"))
    first = archive(services.snapshot_request(source=source))
    assert services.snapshot_archive(snapshot_id=first.pk).state == "archived"  # no second claim
    second = archive(services.snapshot_request(source=source, force=True))
    assert second.pk != first.pk
    assert second.sha256 == first.sha256
    assert second.warc.name == first.warc.name
    assert source.snapshots.count() == 2


@pytest.mark.parametrize(
    ("path", "state", "reason", "status"),
    [
        ("/status/404", "failed", "HTTP 404", 404),
        ("/loop/a", "failed", "redirect loop", 302),
        (
            "/to?url=http://169.254.169.254/",
            "blocked",
            "blocked: resolves to link-local address 169.254.169.254",
            None,
        ),
        (
            "/to?url=http://10.0.0.5/",
            "blocked",
            "blocked: resolves to private address 10.0.0.5",
            None,
        ),
        (f"/huge?bytes={30 * 1024 * 1024}&length=0", "failed", "too large: > 25 MB", 200),
    ],
)
def test_final_failures_are_not_retried(localweb_allowed, path, state, reason, status):
    snapshot = services.snapshot_request(source=SourceFactory(url=localweb_allowed.url(path)))
    snapshot = services.snapshot_archive(snapshot_id=snapshot.pk)
    assert (snapshot.state, snapshot.reason, snapshot.attempts) == (state, reason, 1)
    assert snapshot.http_status == status
    assert snapshot.fetched_at is not None


def test_transient_failure_is_requeued_with_backoff_then_fails(localweb_allowed, settings):
    settings.ARCHIVE_MAX_ATTEMPTS = 2
    settings.ARCHIVE_RETRY_BACKOFF = 4
    snapshot = services.snapshot_request(
        source=SourceFactory(url=localweb_allowed.url("/status/503"))
    )
    with pytest.raises(SnapshotRetry) as retry:
        services.snapshot_archive(snapshot_id=snapshot.pk)
    assert 2 <= retry.value.delay <= 6
    snapshot.refresh_from_db()
    assert snapshot.state == "queued"
    assert snapshot.reason.startswith("HTTP 503; retry 2 of 2 in")
    assert snapshot.retry_at > timezone.now()
    assert (
        services.snapshot_archive(snapshot_id=snapshot.pk).state == "queued"
    )  # not before retry_at
    Snapshot.objects.filter(pk=snapshot.pk).update(retry_at=timezone.now())
    snapshot = services.snapshot_archive(snapshot_id=snapshot.pk)
    assert snapshot.state == "failed"
    assert snapshot.reason == "HTTP 503 (gave up after 2 attempts)"


def test_retry_after_is_honoured(localweb_allowed, settings):
    settings.ARCHIVE_RETRY_BACKOFF = 0.1
    snapshot = services.snapshot_request(
        source=SourceFactory(url=localweb_allowed.url("/retry-after/30"))
    )
    with pytest.raises(SnapshotRetry) as retry:
        services.snapshot_archive(snapshot_id=snapshot.pk)
    assert retry.value.delay == 30
    snapshot.refresh_from_db()
    assert snapshot.http_status == 429


def test_retry_after_beyond_the_maximum_delay_fails(localweb_allowed, settings):
    settings.ARCHIVE_RETRY_MAX_DELAY = 60
    snapshot = services.snapshot_request(
        source=SourceFactory(url=localweb_allowed.url("/retry-after/3600"))
    )
    snapshot = services.snapshot_archive(snapshot_id=snapshot.pk)
    assert (snapshot.state, snapshot.reason) == ("failed", "HTTP 429; server asks to wait 3600 s")


def test_retry_delay_grows_with_jitter(settings):
    settings.ARCHIVE_RETRY_BACKOFF = 5
    settings.ARCHIVE_RETRY_MAX_DELAY = 600
    delays = {attempt: services.retry_delay(attempt=attempt) for attempt in (1, 2, 3, 4)}
    for attempt, delay in delays.items():
        base = 5 * 2 ** (attempt - 1)
        assert base * 0.5 <= delay <= base * 1.5
    assert len({services.retry_delay(attempt=3) for _ in range(20)}) > 1
    assert services.retry_delay(attempt=1, retry_after=120) == 120
    assert services.retry_delay(attempt=20) == 600


def test_stuck_rows_are_requeued_or_failed(settings, django_capture_on_commit_callbacks):
    """Rows whose lease expired go back to the queue (or fail, attempts used up); a queued row
    whose message was sent long ago and that no worker has picked up since is sent again."""
    settings.ARCHIVE_MAX_ATTEMPTS = 3
    now = timezone.now()
    long_ago = now - timedelta(seconds=settings.ARCHIVE_STUCK_AFTER + 5)
    expired = now - timedelta(seconds=1)
    fetching = SnapshotFactory(
        state="fetching", sha256="", warc="", fetched_at=None, attempts=1, started_at=now,
        lease_expires_at=expired,
    )  # fmt: skip
    exhausted = SnapshotFactory(
        state="fetching", sha256="", warc="", fetched_at=None, attempts=3, started_at=now,
        lease_expires_at=expired,
    )  # fmt: skip
    lost = SnapshotFactory(state="queued", sha256="", warc="", fetched_at=None, sent_at=long_ago)
    Snapshot.objects.filter(pk=lost.pk).update(queued_at=long_ago)
    recent = SnapshotFactory(state="queued", sha256="", warc="", fetched_at=None, sent_at=now)
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.snapshots_requeue_stuck() == 2
    assert len(callbacks) == 2
    for row in (fetching, exhausted, lost, recent):
        row.refresh_from_db()
    assert fetching.state == "queued"
    assert exhausted.state == "failed"
    assert exhausted.reason.startswith("worker lost")
    assert lost.state == "queued" and lost.sent_at > long_ago
    assert recent.sent_at == now


# --- Link health -------------------------------------------------------------------------------


def test_health_live_changed_dead(localweb_allowed, reviewer):
    stable = localweb_allowed.page("/health/stable", article_html("stable"))
    url = localweb_allowed.page("/health/page", article_html("before"))
    services.citation_add(
        claim=ClaimFactory(), url=stable, stance="supports", excerpt="fell to 4.2", by=reviewer
    )
    citation = services.citation_add(
        claim=ClaimFactory(),
        url=url,
        stance="supports",
        excerpt="4.2 percent in before",
        by=reviewer,
    )
    for snapshot in Snapshot.objects.all():
        archive(snapshot)
    live = services.source_check_health(source_id=Source.objects.get(url=stable).pk)
    assert (live.health, live.health_reason) == ("live", "")

    localweb_allowed.page("/health/page", article_html("after"))
    changed = services.source_check_health(source_id=citation.source_id)
    assert changed.health == "changed"
    assert changed.health_reason.startswith("changed since the capture of")
    citation.refresh_from_db()
    assert (citation.excerpt_found, citation.excerpt_still_found) == (True, False)

    localweb_allowed.page("/health/page", b"gone", "text/plain", status=404)
    dead = services.source_check_health(source_id=citation.source_id)
    assert (dead.health, dead.health_reason) == ("dead", "HTTP 404")
    assert dead.health_checked_at is not None


def test_health_beat_queues_due_archived_sources(django_capture_on_commit_callbacks, settings):
    due = SnapshotFactory().source
    SnapshotFactory(source=SourceFactory(health_checked_at=timezone.now()))
    SnapshotFactory(state="failed", reason="HTTP 404", sha256="", warc="", fetched_at=None)
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.sources_check_health() == 1
    assert len(callbacks) == 1
    assert due.pk


# --- Selectors ---------------------------------------------------------------------------------


def test_citations_for_claims_in_one_query(django_assert_num_queries):
    claims = [ClaimFactory() for _ in range(3)]
    for claim in claims:
        for _ in range(2):
            source = SourceFactory()
            SnapshotFactory(
                source=source,
                state="failed",
                reason="HTTP 404",
                sha256="",
                warc="",
                fetched_at=None,
            )
            SnapshotFactory(source=source)
            Citation.objects.create(claim=claim, source=source, stance="supports")
    with django_assert_num_queries(1):
        by_claim = selectors.citations_for_claims([c.pk for c in claims] + [999999])
        states = [
            (c.source.url, c.archive_state, c.snapshot) for cs in by_claim.values() for c in cs
        ]
    assert len(states) == 6
    assert {state for _, state, _ in states} == {"archived"}
    assert by_claim[999999] == []


def test_latest_archived_snapshot_selector():
    source = SourceFactory()
    old = SnapshotFactory(source=source, fetched_at=timezone.now() - timedelta(days=2))
    assert selectors.snapshot_latest_archived(source=source) == old
    new = SnapshotFactory(source=source)
    SnapshotFactory(
        source=source, state="failed", reason="HTTP 500", sha256="", warc="", fetched_at=None
    )
    assert selectors.snapshot_latest_archived(source=source) == new


# --- Importing ---------------------------------------------------------------------------------


def test_page_read(localweb_allowed):
    page = page_read(url=localweb_allowed.url("/redirect/1?utm_source=x"))
    assert page.final_url == localweb_allowed.url("/html/redirected")
    assert page.title == "Article redirected"
    assert "unemployment fell" in page.text


def test_page_read_errors(localweb_allowed):
    with pytest.raises(BlockedError, match="link-local"):
        page_read(url=localweb_allowed.url("/to?url=http://169.254.169.254/"))
    with pytest.raises(FetchError, match="HTTP 404"):
        page_read(url=localweb_allowed.url("/status/404"))
    with pytest.raises(UnsupportedContentError, match="application/pdf"):
        page_read(url=localweb_allowed.url("/pdf"))
    with pytest.raises(FetchError, match="Only http and https"):
        page_read(url="file:///etc/passwd")
