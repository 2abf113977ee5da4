"""Writes with rules in them: citing a source, archiving it, checking its health.

The snapshot row is the job's truth. A capture moves queued -> fetching -> archived | failed |
blocked; workers claim a row with a conditional UPDATE and finish it with another one that only
matches their own claim (same started_at), so duplicate deliveries and re-queued stragglers can
never produce two results. Transient failures put the row back to queued with `retry_at`; the
task then schedules its own retry, and the beat job re-queues anything the broker lost.
"""

import functools
import logging
import random
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.sources import selectors
from apps.sources.extract import excerpt_match, split_content_type, text_extract
from apps.sources.fetch import (
    BlockedError,
    FetchError,
    Resolver,
    TransientFetchError,
    UnsupportedContentError,
    fetch_url,
    host_of,
)
from apps.sources.hostlimit import HostBusy, host_slot
from apps.sources.listeners import evidence_changed
from apps.sources.models import Citation, Snapshot, Source
from apps.sources.normalize import BadURL, url_domain, url_normalise
from apps.sources.warc import warc_read_payload, warc_write

logger = logging.getLogger(__name__)

State = Snapshot.State


class SourceError(Exception):
    """A source that cannot be cited or archived as asked; the message is for the reviewer."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CitationError(SourceError):
    """A citation that breaks a rule (duplicate, unknown stance)."""


class SnapshotRetry(Exception):
    """The capture hit a transient error and was put back in the queue; retry after `delay`."""

    def __init__(self, reason: str, delay: float):
        super().__init__(reason)
        self.reason = reason
        self.delay = delay


@dataclass(frozen=True)
class FetchedPage:
    url: str
    final_url: str
    title: str
    text: str
    content_type: str


# --- Sources and citations ---------------------------------------------------------------------


def source_get_or_create(*, url: str) -> Source:
    """The one Source for this URL's normalised form (created if new)."""
    try:
        normal = url_normalise(url)
    except BadURL as exc:
        raise SourceError(str(exc)) from None
    source, _ = Source.objects.get_or_create(url=normal, defaults={"domain": url_domain(normal)})
    return source


def citation_add(
    *, claim, url: str, stance: str, excerpt: str = "", note: str = "", by
) -> Citation:
    """Cite url for claim. Queues archiving when the transaction commits, unless the source has
    a capture younger than ARCHIVE_FRESH_HOURS (then the citation is checked against that one)."""
    if stance not in Citation.Stance.values:
        raise CitationError(f"Unknown stance {stance!r}: use supports, refutes or context.")
    excerpt = (excerpt or "").strip()
    with transaction.atomic():
        source = source_get_or_create(url=url)
        if Citation.objects.filter(claim=claim, source=source).exists():
            raise CitationError("This claim already cites that source.")
        fresh = selectors.snapshot_fresh(source=source)
        try:
            with transaction.atomic():
                citation = Citation.objects.create(
                    claim=claim,
                    source=source,
                    stance=stance,
                    excerpt=excerpt,
                    note=(note or "").strip(),
                    added_by=by,
                    snapshot=fresh,
                    excerpt_found=excerpt_match(excerpt, fresh.text) if fresh else None,
                )
        except IntegrityError:
            raise CitationError("This claim already cites that source.") from None
        if fresh is None:
            snapshot_request(source=source)
        evidence_changed(claim_id=claim.pk, by=by, what=f"cited {source.url}")
    return citation


@transaction.atomic
def citation_update(
    *, citation: Citation, stance: str, excerpt: str, note: str, by=None
) -> Citation:
    """Change a citation's stance, excerpt or note; a new excerpt is re-checked at once."""
    if stance not in Citation.Stance.values:
        raise CitationError(f"Unknown stance {stance!r}: use supports, refutes or context.")
    excerpt = (excerpt or "").strip()
    if (stance, excerpt) != (citation.stance, citation.excerpt):
        evidence_changed(claim_id=citation.claim_id, by=by, what=f"edited {citation.source.url}")
    if excerpt != citation.excerpt and citation.snapshot_id:
        citation.excerpt_found = excerpt_match(excerpt, citation.snapshot.text)
    citation.stance, citation.excerpt, citation.note = stance, excerpt, (note or "").strip()
    citation.save()
    return citation


@transaction.atomic
def citation_delete(*, citation: Citation, by) -> None:
    """Remove a citation; the verdict reviewed with it hears of it first (and may refuse)."""
    evidence_changed(claim_id=citation.claim_id, by=by, what=f"removed {citation.source.url}")
    citation.delete()


# --- Archiving ---------------------------------------------------------------------------------


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
            snapshot = Snapshot.objects.create(source=source)
    except IntegrityError:  # someone queued one between our check and insert
        return selectors.snapshot_active(source=source)
    if enqueue:
        _enqueue_fetch(snapshot.pk)
    return snapshot


def _enqueue_fetch(snapshot_id: int) -> None:
    from apps.sources.tasks import snapshot_fetch

    transaction.on_commit(lambda: snapshot_fetch.delay(snapshot_id))


def _enqueue_extract(snapshot_id: int) -> None:
    from apps.sources.tasks import snapshot_extract_text

    transaction.on_commit(lambda: snapshot_extract_text.delay(snapshot_id))


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


def _db(field: str, value):
    """value as the database takes it for Snapshot.<field> (SQLite stores datetimes as text)."""
    return Snapshot._meta.get_field(field).get_db_prep_save(value, connection)


def _citations_waiting_sql() -> str:
    """SQL for "citations of the snapshot's source wait for this capture" (made against it, or
    before any capture), for use in a RETURNING clause of an UPDATE of the snapshot table."""
    table, citations = Snapshot._meta.db_table, Citation._meta.db_table
    return (
        f"EXISTS (SELECT 1 FROM {citations} WHERE {citations}.source_id = {table}.source_id "
        f"AND ({citations}.snapshot_id IS NULL OR {citations}.snapshot_id = {table}.id))"
    )


@functools.cache
def _claim_sql(vendor: str) -> tuple[str, list[str]]:
    """The claim statement for this database vendor, and the snapshot columns it returns first."""
    table, sources = Snapshot._meta.db_table, Source._meta.db_table
    quote = connection.ops.quote_name
    attnames = [field.attname for field in Snapshot._meta.concrete_fields]
    columns = ", ".join(quote(field.column) for field in Snapshot._meta.concrete_fields)
    source_of = f"FROM {sources} WHERE {sources}.id = {table}.source_id"
    sql = (
        f"UPDATE {table} SET state = %s, started_at = %s, attempts = attempts + 1 "
        "WHERE id = %s AND state = %s AND (retry_at IS NULL OR retry_at <= %s) "
        f"RETURNING {columns}, (SELECT url {source_of}), (SELECT title {source_of}), "
        f"{_citations_waiting_sql()}"
    )
    return sql, attnames


@functools.cache
def _outcome_sql(vendor: str, names: tuple[str, ...], with_title: bool) -> str:
    """The outcome statement; `with_title` also sets the source's title if it has none, in the
    same statement on PostgreSQL (a data-modifying WITH, which runs even if the row turns out not
    to be ours: harmless, the title is the page's either way), after it elsewhere."""
    quote = connection.ops.quote_name
    assignments = ", ".join(
        f"{quote(Snapshot._meta.get_field(name).column)} = %s" for name in names
    )
    title = (
        f"WITH source_title AS (UPDATE {Source._meta.db_table} SET title = %s "
        "WHERE id = %s AND title = '') "
        if with_title and vendor == "postgresql"
        else ""
    )
    return (
        f"{title}UPDATE {Snapshot._meta.db_table} SET {assignments} "
        f"WHERE id = %s AND state = %s AND started_at = %s RETURNING {_citations_waiting_sql()}"
    )


def _source_title_set(source_id: int, title: str) -> None:
    """Give the source this title if it has none (one statement, no read first)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Source._meta.db_table} SET title = %s WHERE id = %s AND title = ''",
            [title[:500], source_id],
        )


def _snapshot_claim(snapshot_id: int, now) -> Snapshot | None:
    """Claim a queued snapshot that is due (QUEUED -> FETCHING, one more attempt) and return the
    claimed row, with its source's URL and title as `source_url` and `source_title` and whether
    citations wait for this capture as `citations_waiting`; None when the row is not ours to fetch
    (another worker has it, it is done, or its retry is not due).

    One conditional UPDATE ... RETURNING (PostgreSQL, and SQLite since 3.35), its SQL built once.
    Claim and outcome run once per capture: as ORM update-then-select they were two round trips
    and about half of a small page's capture CPU, and a raw queryset still spent more on mapping
    columns than the statement cost (bench/archive.py)."""
    sql, attnames = _claim_sql(connection.vendor)
    due = now + timedelta(seconds=1)
    params = [
        State.FETCHING,
        _db("started_at", now),
        snapshot_id,
        State.QUEUED,
        _db("retry_at", due),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    count = len(attnames)
    snapshot = Snapshot.from_db(connection.alias, attnames, row[:count])
    snapshot.source_url, snapshot.source_title, waiting = row[count:]
    snapshot.citations_waiting = bool(waiting)
    return snapshot


def _snapshot_outcome(
    snapshot_id: int, claimed_at, fields: dict, source_title: tuple[int, str] | None = None
) -> bool | None:
    """Record an outcome on the row if it is still our claim (FETCHING since claimed_at).
    None when it is not ours any more; otherwise whether citations of the source wait for this
    capture (made against it, or before any capture), in the same statement. `source_title`
    (source id, title) gives that source the title if it has none."""
    folded = source_title is not None and connection.vendor == "postgresql"
    sql = _outcome_sql(connection.vendor, tuple(fields), source_title is not None)
    params = [source_title[1][:500], source_title[0]] if folded else []
    params += [_db(name, value) for name, value in fields.items()]
    params += [snapshot_id, State.FETCHING, _db("started_at", claimed_at)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is not None and source_title is not None and not folded:
        _source_title_set(*source_title)
    return None if row is None else bool(row[0])


def _citations_check(*, snapshot_id: int, source_id: int, text: str, pending: bool | None = None):
    """Check the excerpts of the citations made against this snapshot (or still waiting for one)
    against its text, in a transaction of their own unless the caller has one; `pending` says
    whether any such citation exists, when the caller knows."""
    waiting = Q(snapshot__isnull=True) | Q(snapshot_id=snapshot_id)
    if pending is None:
        pending = Citation.objects.filter(waiting, source_id=source_id).exists()
    if not pending:
        return
    with nullcontext() if connection.in_atomic_block else transaction.atomic():
        for citation in Citation.objects.select_for_update().filter(waiting, source_id=source_id):
            citation.snapshot_id = snapshot_id
            citation.excerpt_found = excerpt_match(citation.excerpt, text)
            citation.save(update_fields=["snapshot", "excerpt_found"])


def snapshot_archive(
    *, snapshot_id: int, resolver: Resolver | None = None, extract_later: bool = True
) -> Snapshot | None:
    """Fetch and archive one queued snapshot. Does nothing unless this call claims the row.
    A payload up to `inline_extract_limit()` has its title and text extracted here and stored
    with the outcome; a bigger one is handed to `snapshot_extract_text` (unless extract_later is
    off: then the caller extracts). Raises SnapshotRetry after putting the row back in the queue
    on a transient error."""
    now = timezone.now()
    snapshot = _snapshot_claim(snapshot_id, now)
    if snapshot is None:
        return Snapshot.objects.filter(pk=snapshot_id).first()
    url = snapshot.source_url

    def finish(extracted=None, **fields) -> bool:
        """Record the outcome if the row is still ours (same claim), in memory too."""
        if extracted is None:
            done = _snapshot_outcome(snapshot_id, now, fields) is not None
        else:
            fields.update(title=extracted.title, text=extracted.text)
            # Citations that waited for this capture are checked in the outcome's transaction.
            # Without any (re-archiving, the benchmark) the outcome, which also gives an untitled
            # source the page's title, runs on its own: BEGIN and COMMIT cost as much as it did.
            title = "" if snapshot.source_title else extracted.title
            with transaction.atomic() if snapshot.citations_waiting else nullcontext():
                pending = _snapshot_outcome(
                    snapshot_id, now, fields, (snapshot.source_id, title) if title else None
                )
                done = pending is not None
                if done:
                    _citations_check(
                        snapshot_id=snapshot_id,
                        source_id=snapshot.source_id,
                        text=extracted.text,
                        pending=pending,
                    )
        if done and extract_later and extracted is None and fields.get("state") == State.ARCHIVED:
            _enqueue_extract(snapshot_id)
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
            retry_at=now + timedelta(seconds=delay),
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
        logger.exception("archiving snapshot %s failed", snapshot_id)
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
        )
    return snapshot


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
        Snapshot.objects.filter(pk=snapshot_id).update(title=extracted.title, text=extracted.text)
        if extracted.title and not snapshot.source.title:
            _source_title_set(snapshot.source_id, extracted.title)
        _citations_check(snapshot_id=snapshot_id, source_id=snapshot.source_id, text=extracted.text)
    snapshot.refresh_from_db()
    return snapshot


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
    return snapshot


def snapshots_requeue_stuck() -> int:
    """Put back in the queue what the broker or a dead worker lost: rows fetching for longer than
    ARCHIVE_STUCK_AFTER (failed once attempts are used up) and rows queued that long without a
    worker picking them up. Returns how many tasks were sent."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.ARCHIVE_STUCK_AFTER)
    sent = 0
    stuck = Snapshot.objects.filter(state=State.FETCHING, started_at__lt=cutoff)
    for pk, started_at, attempts in stuck.values_list("pk", "started_at", "attempts"):
        row = Snapshot.objects.filter(pk=pk, state=State.FETCHING, started_at=started_at)
        if attempts >= settings.ARCHIVE_MAX_ATTEMPTS:
            row.update(
                state=State.FAILED,
                reason=f"worker lost: still fetching after {settings.ARCHIVE_STUCK_AFTER} s "
                f"(gave up after {attempts} attempts)",
                fetched_at=now,
            )
        elif row.update(state=State.QUEUED, retry_at=now, reason="re-queued: worker lost"):
            _enqueue_fetch(pk)
            sent += 1
    forgotten = Snapshot.objects.annotate(due=Coalesce("retry_at", "queued_at")).filter(
        state=State.QUEUED, due__lt=cutoff
    )
    for pk in forgotten.values_list("pk", flat=True):
        if Snapshot.objects.filter(pk=pk, state=State.QUEUED).update(retry_at=now):
            _enqueue_fetch(pk)
            sent += 1
    return sent


# --- Link health -------------------------------------------------------------------------------


def sources_check_health(*, limit: int = 500) -> int:
    """Queue a health check for archived sources not checked within ARCHIVE_HEALTH_EVERY."""
    from apps.sources.tasks import source_check_health as task

    cutoff = timezone.now() - timedelta(seconds=settings.ARCHIVE_HEALTH_EVERY * 0.9)
    due = (
        Source.objects.filter(snapshots__state=State.ARCHIVED)
        .filter(Q(health_checked_at__isnull=True) | Q(health_checked_at__lt=cutoff))
        .distinct()
        .order_by(F("health_checked_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(due)
    for pk in ids:
        transaction.on_commit(lambda pk=pk: task.delay(pk))
    return len(ids)


def source_check_health(*, source_id: int, resolver: Resolver | None = None) -> Source | None:
    """Re-fetch an archived source: live (same payload hash as the latest capture), changed
    (different hash) or dead (any failure, with the reason); and whether each citation's excerpt
    is still on the page."""
    source = Source.objects.filter(pk=source_id).first()
    latest = selectors.snapshot_latest_archived(source=source) if source else None
    if latest is None:
        return source
    text: str | None = None
    try:
        with (
            host_slot(host_of(source.url)),
            fetch_url(
                source.url, resolver=resolver, keep_head=settings.ARCHIVE_EXTRACT_MAX_BYTES
            ) as result,
        ):
            mime_type, charset = split_content_type(result.content_type)
            text = text_extract(
                payload=result.head, mime_type=mime_type, charset=charset, url=result.final_url
            ).text
            changed = result.sha256 != latest.sha256
        health, reason = Source.Health.LIVE, ""
        if changed:
            health = Source.Health.CHANGED
            reason = f"changed since the capture of {latest.fetched_at:%Y-%m-%d %H:%M}"
    except HostBusy:
        return source
    except FetchError as exc:
        health, reason = Source.Health.DEAD, exc.reason
    with transaction.atomic():
        Source.objects.filter(pk=source_id).update(
            health=health, health_reason=reason[:500], health_checked_at=timezone.now()
        )
        for citation in Citation.objects.select_for_update().filter(source_id=source_id):
            if text is None:
                still = False if citation.excerpt else None
            else:
                still = excerpt_match(citation.excerpt, text)
            if citation.excerpt_still_found != still:
                citation.excerpt_still_found = still
                citation.save(update_fields=["excerpt_still_found"])
    source.refresh_from_db()
    return source


# --- Importing ---------------------------------------------------------------------------------


def url_fetch_text(*, url: str, resolver: Resolver | None = None) -> FetchedPage:
    """Fetch a web page through the safe fetcher and return its title and main text (for
    importing an article). Raises FetchError (or a subclass) with a human-readable reason."""
    try:
        normal = url_normalise(url)
    except BadURL as exc:
        raise FetchError(str(exc)) from None
    try:
        with (
            host_slot(host_of(normal)),
            fetch_url(
                normal, resolver=resolver, keep_head=settings.ARCHIVE_EXTRACT_MAX_BYTES
            ) as result,
        ):
            mime_type, charset = split_content_type(result.content_type)
            extracted = text_extract(
                payload=result.head, mime_type=mime_type, charset=charset, url=result.final_url
            )
    except HostBusy as exc:
        raise TransientFetchError(exc.reason) from None
    if not extracted.text:
        if mime_type and mime_type not in ("text/html", "application/xhtml+xml", "text/plain"):
            raise UnsupportedContentError(f"not a web page or plain text ({mime_type})")
        raise UnsupportedContentError("no readable text found on the page")
    return FetchedPage(
        url=normal,
        final_url=result.final_url,
        title=extracted.title,
        text=extracted.text,
        content_type=result.content_type,
    )
