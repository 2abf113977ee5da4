"""Sending the sources' tasks once the transaction that made their rows commits.

The row is the job's truth and the message only a nudge, so a broker that is down must not turn a
saved citation into an error: a failed send is logged, the snapshot's `sent_at` is cleared, and
the sweep (`snapshots_requeue_stuck`) sends it when the broker is back.
"""

import logging
import time

import redis
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

from apps.sources import tasks
from apps.sources.models import Snapshot

logger = logging.getLogger(__name__)

BROKER_ERRORS = (OperationalError, redis.RedisError, ConnectionError, OSError)


def fetch_send(snapshot_id: int) -> bool:
    """Send the fetch task now; False (and the row marked unsent) if the broker refused it."""
    try:
        tasks.snapshot_fetch.delay(snapshot_id)
    except BROKER_ERRORS as exc:
        logger.warning(
            "broker unavailable (%s): snapshot %s stays queued; the sweep sends it later",
            exc,
            snapshot_id,
        )
        Snapshot.objects.filter(pk=snapshot_id, state=Snapshot.State.QUEUED).update(sent_at=None)
        return False
    return True


def fetch_on_commit(snapshot_id: int) -> None:
    transaction.on_commit(lambda: fetch_send(snapshot_id))


def extract_on_commit(snapshot_id: int) -> None:
    """Hand a big snapshot's extraction to the CPU queue. If the broker is down the snapshot keeps
    its capture without text; `snapshot_extract` can be run again at any time."""
    transaction.on_commit(lambda: _send(tasks.snapshot_extract_text, snapshot_id))


# When this process last sent the indexer a nudge (time.monotonic()).
_passages_nudged_at = float("-inf")


def passages_nudge() -> None:
    """Ask the indexer to index the captures marked `passages_due`, at most once per
    PASSAGES_INDEX_DELAY per process: a message per delay, not one per page. The task waits
    twice that long before it starts, so a capture this skips (committed within the delay after
    the last nudge from here) is committed before the nudged task runs, and is indexed by it,
    even if the worker's clock is up to a delay ahead of this one. Where tasks run eagerly there
    is no wait, so every call sends. A broker that is down is logged; the sweep nudges again
    while captures are due."""
    global _passages_nudged_at
    delay = settings.PASSAGES_INDEX_DELAY
    eager = tasks.passages_index_due.app.conf.task_always_eager
    now = time.monotonic()
    if not eager and now - _passages_nudged_at < delay:
        return
    _passages_nudged_at = now
    try:
        tasks.passages_index_due.apply_async(countdown=2 * delay)
    except BROKER_ERRORS as exc:
        logger.warning("broker unavailable (%s): passages stay due; the sweep sends them", exc)


def passages_nudge_on_commit() -> None:
    transaction.on_commit(passages_nudge)


def render_on_commit(snapshot_id: int) -> None:
    """Send a pending render to the render queue. If the broker is down the row stays pending
    and the sweep sends it (or fails it, once nobody has taken it for too long)."""
    transaction.on_commit(lambda: _send(tasks.snapshot_render, snapshot_id))


def health_on_commit(source_id: int) -> None:
    transaction.on_commit(lambda: _send(tasks.source_check_health, source_id))


def _send(task, object_id: int) -> None:
    try:
        task.delay(object_id)
    except BROKER_ERRORS as exc:
        logger.warning("broker unavailable (%s): %s(%s) not sent", exc, task.name, object_id)
