"""Leases that a live worker keeps renewing, so that only a dead one's work is taken back.

A capture holds two things other workers must not take while it runs: its snapshot row
(FETCHING) and, while fetching, one of its host's slots (apps.sources.hostlimit). Each carries an
expiry time that one daemon thread per worker process pushes forward every third of
ARCHIVE_LEASE_SECONDS for as long as the capture runs, however long it waits for a slot or a slow
server. When the process dies (kill -9, out of memory, a lost machine) the renewals stop and both
expire within ARCHIVE_LEASE_SECONDS: the sweep re-queues the row and the slot counts as free.
A capture is renewed for at most `capture_max_seconds()`; a thread stuck past every deadline
the fetcher enforces is treated as dead too.
"""

import logging
import os
import threading
import time
from collections.abc import Callable, Hashable
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_renewers: dict[str, Callable[[list], None]] = {}
_held: dict[str, dict[Hashable, float]] = {}
_keeper_pid: int | None = None
_changed = threading.Event()  # wakes the keeper when leases got shorter than its interval
_interval_used = float("inf")


def lease_seconds() -> float:
    return settings.ARCHIVE_LEASE_SECONDS


def capture_max_seconds() -> float:
    """The longest a capture may take: a wait for a host slot and a fetch, each bounded by
    ARCHIVE_TOTAL_TIMEOUT, then extraction and the outcome (ARCHIVE_EXTRACT_SECONDS)."""
    return 2 * settings.ARCHIVE_TOTAL_TIMEOUT + settings.ARCHIVE_EXTRACT_SECONDS


def renewer(kind: str, renew: Callable[[list], None]) -> None:
    """Register how to renew the leases of one kind of thing (called with the held items)."""
    _renewers[kind] = renew


@contextmanager
def held(kind: str, item: Hashable, *, at_most: float | None = None):
    """Keep item's lease renewed while the block runs (and at most `at_most` seconds)."""
    until = time.monotonic() + (capture_max_seconds() if at_most is None else at_most)
    with _lock:
        _held.setdefault(kind, {})[item] = until
        _keeper_start()
    if lease_seconds() / 3 < _interval_used:
        _changed.set()
    try:
        yield
    finally:
        with _lock:
            _held.get(kind, {}).pop(item, None)


def renew_now() -> None:
    """Renew every lease this process holds (the keeper's work, callable by tests)."""
    now = time.monotonic()
    with _lock:
        due = {
            kind: [i for i, until in items.items() if until > now] for kind, items in _held.items()
        }
    for kind, items in due.items():
        if items and kind in _renewers:
            try:
                _renewers[kind](items)
            except Exception:  # a database or Redis outage: the next round tries again
                logger.warning("renewing %d %s leases failed", len(items), kind, exc_info=True)


def _keeper_start() -> None:
    """Start this process's keeper thread (again after a fork: threads do not survive one)."""
    global _keeper_pid
    if _keeper_pid == os.getpid():
        return
    _keeper_pid = os.getpid()
    threading.Thread(target=_keep, name="lease-keeper", daemon=True).start()


def _keep() -> None:
    """Renew every third of a lease. The thread's database connection is closed after each
    round: one connection every few seconds costs less than one held open per worker process
    (and a test database can be dropped while it sleeps)."""
    global _interval_used
    while True:
        _interval_used = lease_seconds() / 3
        _changed.wait(_interval_used)
        _changed.clear()
        try:
            renew_now()
        finally:
            connection.close()
