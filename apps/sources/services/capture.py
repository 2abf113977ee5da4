"""Archiving a source: queue a capture, claim it, fetch it, record the outcome.

The snapshot row is the job's truth. A capture moves queued -> fetching -> archived | failed |
blocked; workers claim a row with a conditional UPDATE and finish it with another one that only
matches their own claim (same started_at), so duplicate deliveries and re-queued stragglers can
never produce two results. While it runs, a capture's lease (`lease_expires_at`) is renewed by
its worker (apps.sources.leases), so the sweep takes back only rows whose worker died. Transient
failures put the row back to queued with `retry_at`; the task then schedules its own retry, and
the sweep re-sends what the broker lost.
"""

import logging
import random
import threading
import time
from contextlib import nullcontext
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from apps.sources import capture_sql, leases, selectors
from apps.sources.enqueue import (
    extract_on_commit,
    fetch_on_commit,
    passages_nudge_on_commit,
    render_on_commit,
)
from apps.sources.extract import excerpt_match, split_content_type, text_extract
from apps.sources.fetch import (
    BlockedError,
    FetchError,
    Resolver,
    TransientFetchError,
    fetch_url,
    host_of,
)
from apps.sources.hostlimit import HostBusy, host_slot
from apps.sources.models import Citation, Snapshot, Source
from apps.sources.passages import passages_index, snapshot_passages_index
from apps.sources.services.render import render_fields_on_archive
from apps.sources.services.sources import source_get_or_create
from apps.sources.warc import warc_read_payload, warc_write

logger = logging.getLogger(__name__)

State = Snapshot.State


class SnapshotRetry(Exception):
    """The capture hit a transient error and was put back in the queue; retry after `delay`."""

    def __init__(self, reason: str, delay: float):
        super().__init__(reason)
        self.reason = reason
        self.delay = delay


def snapshot_request(*, source: Source, force: bool = False, enqueue: bool = True):
    """Ask for a capture of source. Returns the queued (or already active) snapshot, or None when
    a fresh capture exists and force is off. The task is sent only after the transaction commits.
    """
    if not force and selectors.snapshot_fresh(source=source):
        return None
    active = selectors.snapshot_active(source=source)
    if active:
        return active
    try:
        with transaction.atomic():
            # sent_at: the message goes out on commit (cleared again if the broker refuses it).
            snapshot = Snapshot.objects.create(source=source, sent_at=timezone.now())
    except IntegrityError:  # someone queued one between our check and insert
        return selectors.snapshot_active(source=source)
    if enqueue:
        fetch_on_commit(snapshot.pk)
    return snapshot


def retry_delay(*, attempt: int, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter (x0.5 to x1.5), never sooner than the server's
    Retry-After, never longer than ARCHIVE_RETRY_MAX_DELAY."""
    delay = settings.ARCHIVE_RETRY_BACKOFF * 2 ** max(attempt - 1, 0) * random.uniform(0.5, 1.5)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(delay, settings.ARCHIVE_RETRY_MAX_DELAY)


def inline_extract_limit() -> int:
    """Payloads up to this many decoded bytes have their text extracted by the fetch task itself
    (no second task, no re-reading the WARC); bigger ones go to the CPU queue."""
    return settings.ARCHIVE_INLINE_EXTRACT_MAX_BYTES


# Inline extraction is CPU work under the GIL, so a second one at a time in the same process gains
# nothing; one at a time also bounds a fetch worker's memory (an lxml tree is several times its
# page) however many threads it runs. A plain lock: a Semaphore's Python-level Condition showed up
# in profiles of busy fetch workers.
_inline_extraction = threading.Lock()


def _lease_until():
    return timezone.now() + timedelta(seconds=leases.lease_seconds())


def _leases_renew(snapshot_ids: list[int]) -> None:
    Snapshot.objects.filter(pk__in=snapshot_ids, state=State.FETCHING).update(
        lease_expires_at=_lease_until()
    )


leases.renewer("snapshot", _leases_renew)


def _citations_waiting(snapshot_id) -> Q:
    """Citations that wait for this capture: made against it, or before any capture."""
    return Q(snapshot__isnull=True) | Q(snapshot_id=snapshot_id)


def _snapshot_outcome(snapshot: Snapshot, fields: dict, source_title: str = "") -> bool | None:
    """Record an outcome if the row is still this claim; the lease ends with it, and the source
    gets `source_title` if it has no title yet. None when the outcome was discarded (the sweep
    took the row back: logged), else whether citations wait for this capture."""
    waiting = capture_sql.snapshot_outcome(
        snapshot_id=snapshot.pk,
        claimed_at=snapshot.started_at,
        fields=fields,
        source_title=source_title,
    )
    if waiting is None:
        logger.warning(
            "snapshot %s: outcome %s discarded, the row is no longer this worker's claim "
            "(its lease expired and it was re-queued)",
            snapshot.pk,
            fields.get("state"),
        )
    return waiting


def citations_check(*, snapshot_id: int, source_id: int, text: str) -> None:
    """Check the excerpts of the citations waiting for this capture against its text and attach
    them to it, in a transaction of its own unless the caller has one."""
    waiting = Citation.objects.filter(_citations_waiting(snapshot_id), source_id=source_id)
    with transaction.atomic(savepoint=False):
        for citation in waiting.select_for_update():
            citation.snapshot_id = snapshot_id
            citation.excerpt_found = excerpt_match(citation.excerpt, text)
            citation.save(update_fields=["snapshot", "excerpt_found"])


def _source_title_set(source_id: int, title: str) -> None:
    """Give the source this title if it has none (one statement, no read first)."""
    Source.objects.filter(pk=source_id, title="").update(title=title[:500])


def snapshot_archive(
    *, snapshot_id: int, resolver: Resolver | None = None, extract_later: bool = True
) -> Snapshot | None:
    """Fetch and archive one queued snapshot. Does nothing unless this call claims the row.
    A payload up to `inline_extract_limit()` has its title and text extracted here and stored
    with the outcome; a bigger one is handed to `snapshot_extract_text` (unless extract_later is
    off: then the caller extracts). Raises SnapshotRetry after putting the row back in the queue
    on a transient error."""
    now = timezone.now()
    claimed = capture_sql.snapshot_claim(
        snapshot_id=snapshot_id,
        now=now,
        due=now + timedelta(seconds=1),
        lease_until=now + timedelta(seconds=leases.lease_seconds()),
    )
    if claimed is None:
        return Snapshot.objects.filter(pk=snapshot_id).first()
    snapshot, citations_waiting = claimed
    with leases.held("snapshot", snapshot_id):
        _capture(snapshot, citations_waiting, resolver=resolver, extract_later=extract_later)
    return snapshot


def _capture(snapshot: Snapshot, citations_waiting: bool, *, resolver, extract_later) -> None:
    url = snapshot.source.url

    def finish(extracted=None, **fields) -> bool:
        """Record the outcome if the row is still ours (same claim), in memory too."""
        if extracted is not None:
            # The indexer finds the text by this mark, set in the outcome's own statement.
            fields.update(title=extracted.title, text=extracted.text, passages_due=True)
        # Without citations waiting (re-archiving, the benchmark) the outcome runs on its own:
        # BEGIN and COMMIT would cost as much as it does.
        with transaction.atomic() if citations_waiting else nullcontext():
            # The claim loaded the source's title: a titled source costs no title statement.
            title = extracted.title if extracted is not None and not snapshot.source.title else ""
            waiting = _snapshot_outcome(snapshot, fields, source_title=title)
            done = waiting is not None
            if done and extracted is not None:
                # Every stored text is cut into passages for evidence search, by the indexer
                # (splitting a page costs more CPU than fetching it), nudged once in a while.
                passages_nudge_on_commit()
                if waiting:  # also a citation saved while the page was fetching
                    citations_check(
                        snapshot_id=snapshot.pk, source_id=snapshot.source_id, text=extracted.text
                    )
        if done and extract_later and extracted is None and fields.get("state") == State.ARCHIVED:
            extract_on_commit(snapshot.pk)
        if done and fields.get("render_state"):
            render_on_commit(snapshot.pk)
        if done:
            for name, value in fields.items():
                setattr(snapshot, name, value)
        return done

    limit = inline_extract_limit()
    try:
        with (
            host_slot(host_of(url)),
            fetch_url(url, resolver=resolver, keep_head=limit, whole_only=True) as result,
        ):
            name = warc_write(result=result)
    except HostBusy as exc:
        delay = retry_delay(attempt=1)
        finish(
            state=State.QUEUED,
            attempts=snapshot.attempts - 1,
            retry_at=timezone.now() + timedelta(seconds=delay),
            reason=exc.reason,
        )
        raise SnapshotRetry(exc.reason, delay) from None
    except BlockedError as exc:
        finish(state=State.BLOCKED, reason=exc.reason[:500], fetched_at=timezone.now())
    except TransientFetchError as exc:
        _retry_or_fail(finish, snapshot, exc)
    except FetchError as exc:
        finish(
            state=State.FAILED,
            reason=exc.reason[:500],
            http_status=exc.status,
            fetched_at=timezone.now(),
        )
    except Exception as exc:
        logger.exception("archiving snapshot %s failed", snapshot.pk)
        finish(state=State.FAILED, reason=f"internal error: {type(exc).__name__}")
        raise
    else:
        extracted = None
        if result.size <= limit:  # the whole payload is in result.head
            mime_type, charset = split_content_type(result.content_type)
            with _inline_extraction:
                extracted = text_extract(
                    payload=result.head, mime_type=mime_type, charset=charset, url=result.final_url
                )
        finish(
            extracted,
            state=State.ARCHIVED,
            reason="",
            retry_at=None,
            fetched_at=result.fetched_at,
            http_status=result.status,
            final_url=result.final_url[:2048],
            content_type=result.content_type[:200],
            sha256=result.sha256,
            size=result.size,
            warc=name,
            **render_fields_on_archive(),
            tls_subject=result.tls_subject,
            tls_fingerprint=result.tls_fingerprint,
        )


def _retry_or_fail(finish, snapshot: Snapshot, exc: TransientFetchError) -> None:
    attempt = snapshot.attempts
    limit = settings.ARCHIVE_MAX_ATTEMPTS
    wait = exc.retry_after
    if wait is not None and wait > settings.ARCHIVE_RETRY_MAX_DELAY:
        reason = f"{exc.reason}; server asks to wait {wait:.0f} s"
    elif attempt < limit:
        delay = retry_delay(attempt=attempt, retry_after=wait)
        reason = f"{exc.reason}; retry {attempt + 1} of {limit} in {delay:.0f} s"
        queued = finish(
            state=State.QUEUED,
            reason=reason[:500],
            http_status=exc.status,
            retry_at=timezone.now() + timedelta(seconds=delay),
        )
        if queued:
            raise SnapshotRetry(reason, delay)
        return
    else:
        reason = f"{exc.reason} (gave up after {attempt} attempts)"
    finish(
        state=State.FAILED,
        reason=reason[:500],
        http_status=exc.status,
        fetched_at=timezone.now(),
    )


def snapshot_extract(*, snapshot_id: int) -> Snapshot | None:
    """Fill in an archived snapshot's title and text from its WARC, and check the excerpts of the
    citations made against it (and of those still waiting for a capture)."""
    snapshot = (
        Snapshot.objects.select_related("source")
        .filter(pk=snapshot_id, state=State.ARCHIVED)
        .first()
    )
    if snapshot is None:
        return None
    payload = warc_read_payload(snapshot.warc.name, limit=settings.ARCHIVE_EXTRACT_MAX_BYTES)
    mime_type, charset = split_content_type(snapshot.content_type)
    extracted = text_extract(
        payload=payload, mime_type=mime_type, charset=charset, url=snapshot.final_url
    )
    with transaction.atomic():
        # Indexed right here, so not left for the indexer (a capture re-extracted while due).
        Snapshot.objects.filter(pk=snapshot_id).update(
            title=extracted.title, text=extracted.text, passages_due=False
        )
        if extracted.title and not snapshot.source.title:
            _source_title_set(snapshot.source_id, extracted.title)
        passages_index(
            snapshot_id=snapshot_id,
            source_id=snapshot.source_id,
            text=extracted.text,
            fetched_at=snapshot.fetched_at,
        )
        citations_check(snapshot_id=snapshot_id, source_id=snapshot.source_id, text=extracted.text)
    snapshot.refresh_from_db()
    return snapshot


def snapshot_passages_mark_due(*, snapshot_id: int) -> bool:
    """Mark an archived capture's text for the passage indexer and nudge it (on commit); False
    when there is no such capture."""
    marked = Snapshot.objects.filter(pk=snapshot_id, state=State.ARCHIVED).update(passages_due=True)
    if marked:
        passages_nudge_on_commit()
    return bool(marked)


def snapshot_archive_now(*, url: str, resolver: Resolver | None = None) -> Snapshot:
    """Capture url synchronously (management command): same service, retries slept in-process."""
    source = source_get_or_create(url=url)
    snapshot = snapshot_request(source=source, force=True, enqueue=False)
    give_up = time.monotonic() + settings.ARCHIVE_TOTAL_TIMEOUT * settings.ARCHIVE_MAX_ATTEMPTS
    while True:
        try:
            snapshot = snapshot_archive(
                snapshot_id=snapshot.pk, resolver=resolver, extract_later=False
            )
        except SnapshotRetry as exc:
            time.sleep(exc.delay)
            continue
        if snapshot.state not in Snapshot.ACTIVE_STATES or time.monotonic() > give_up:
            break
        time.sleep(0.5)  # a worker holds it; wait for its outcome
    if snapshot.state == State.ARCHIVED and snapshot.size > inline_extract_limit():
        snapshot = snapshot_extract(snapshot_id=snapshot.pk)
    elif snapshot.state == State.ARCHIVED:
        snapshot_passages_index(snapshot_id=snapshot.pk)  # synchronous, like the rest of it
    return snapshot
