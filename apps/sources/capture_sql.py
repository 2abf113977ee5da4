"""The capture's claim and outcome, one statement each: UPDATE ... RETURNING (PostgreSQL, and
SQLite since 3.35), the one place the sources app writes SQL by hand.

Why not the ORM: Django's update() returns a row count, so the ORM needs five statements per
capture (claim, read the claimed row, outcome, source title, a look for citations saved during
the fetch) where these need two on PostgreSQL (claim; outcome with the source's title, through a
data-modifying WITH) and three on SQLite (which has no data-modifying WITH: the title is a
statement of its own). bench/archive.py on this machine put
the ORM version at 0.40x the plain script against 0.43x and 0.46x for the same work in two
statements, and a sequential in-process run at 13.5 against 7.6 ms of CPU per capture: far more
than the 5% that justifies SQL. Both statements return only ids, counts, text and booleans, so
no value needs converting back from a database's own types; values going in are prepared by the
model's fields. Tested on both databases (tests/sources/test_capture_sql.py).
"""

import functools

from django.db import connection

from apps.sources.models import Citation, Snapshot, Source

State = Snapshot.State


def _column(name: str) -> str:
    return connection.ops.quote_name(Snapshot._meta.get_field(name).column)


def _prepared(name: str, value):
    return Snapshot._meta.get_field(name).get_db_prep_save(value, connection)


@functools.cache
def _waiting_sql() -> str:
    """Whether citations of the row's source wait for this capture (made against it, or before
    any capture), for a RETURNING clause of an UPDATE of the snapshot table."""
    table, citations = Snapshot._meta.db_table, Citation._meta.db_table
    return (
        f"EXISTS (SELECT 1 FROM {citations} WHERE {citations}.source_id = {table}.source_id "
        f"AND ({citations}.snapshot_id IS NULL OR {citations}.snapshot_id = {table}.id))"
    )


@functools.cache
def _claim_sql() -> str:
    table, sources = Snapshot._meta.db_table, Source._meta.db_table
    source_of = f"FROM {sources} WHERE {sources}.id = {table}.source_id"
    return (
        f"UPDATE {table} SET state = %s, started_at = %s, attempts = attempts + 1, "
        f"{_column('lease_expires_at')} = %s "
        "WHERE id = %s AND state = %s AND (retry_at IS NULL OR retry_at <= %s) "
        f"RETURNING source_id, attempts, (SELECT url {source_of}), (SELECT title {source_of}), "
        f"{_waiting_sql()}"
    )


def snapshot_claim(*, snapshot_id: int, now, due, lease_until) -> tuple[Snapshot, bool] | None:
    """QUEUED -> FETCHING with one more attempt and a lease, if the row is queued and its retry
    (if any) is due by `due`. Returns the claimed snapshot (with its source's id, URL and title
    loaded) and whether citations wait for it; None when the row is not ours to fetch."""
    params = [
        State.FETCHING,
        _prepared("started_at", now),
        _prepared("lease_expires_at", lease_until),
        snapshot_id,
        State.QUEUED,
        _prepared("retry_at", due),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_claim_sql(), params)
        row = cursor.fetchone()
    if row is None:
        return None
    source_id, attempts, url, title, waiting = row
    snapshot = Snapshot(
        pk=snapshot_id,
        source=Source(pk=source_id, url=url, title=title),
        state=State.FETCHING,
        started_at=now,
        attempts=attempts,
        lease_expires_at=lease_until,
    )
    return snapshot, bool(waiting)


@functools.cache
def _outcome_sql(names: tuple[str, ...], titled: bool) -> str:
    """The outcome UPDATE; with `titled` (PostgreSQL only) it also gives the row's source a title
    if it has none, in the same statement (one round trip fewer per capture)."""
    table, sources = Snapshot._meta.db_table, Source._meta.db_table
    assignments = ", ".join(f"{_column(name)} = %s" for name in names)
    outcome = (
        f"UPDATE {table} SET {assignments}, {_column('lease_expires_at')} = NULL "
        "WHERE id = %s AND state = %s AND started_at = %s"
    )
    if not titled:
        return f"{outcome} RETURNING {_waiting_sql()}"
    return (
        f"WITH done AS ({outcome} RETURNING source_id, {_waiting_sql()} AS waiting), "
        f"titled AS (UPDATE {sources} SET title = %s FROM done "
        f"WHERE {sources}.id = done.source_id AND {sources}.title = '') "
        "SELECT waiting FROM done"
    )


def snapshot_outcome(
    *, snapshot_id: int, claimed_at, fields: dict, source_title: str = ""
) -> bool | None:
    """Write fields (and end the lease) if the row is still the claim made at `claimed_at`, and
    then give its source `source_title` (cut to the column's length) if the source has no title.
    None when the row is not ours any more (the title is left alone too); otherwise whether
    citations of the source wait for this capture, seen in the same statement (so one saved
    during the fetch is not missed)."""
    params = [_prepared(name, value) for name, value in fields.items()]
    params += [snapshot_id, State.FETCHING, _prepared("started_at", claimed_at)]
    title = source_title[: Source._meta.get_field("title").max_length]
    titled = bool(title) and connection.vendor == "postgresql"
    if titled:
        params.append(title)
    with connection.cursor() as cursor:
        cursor.execute(_outcome_sql(tuple(fields), titled), params)
        row = cursor.fetchone()
    if row is None:
        return None
    if title and not titled:
        of_snapshot = Snapshot.objects.filter(pk=snapshot_id).values("source_id")
        Source.objects.filter(pk__in=of_snapshot, title="").update(title=title)
    return bool(row[0])
