"""What /healthz?full=1 reports: each part the workbench depends on, checked now, with the
degraded ones named.

The rule for the HTTP status is one line: 503 when the database does not answer (nothing works
without it), else 200. A 200 may still say "degraded" and name what is down (broker, cache,
workers, a queue that is not moving), because the public API and the admin keep serving then:
the cache falls back to in-process throttling, and citations wait in the database for the queue.
Each check has a short timeout so a dead service cannot hang the health check.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

CHECK_TIMEOUT = 1.0
WORKERS_WINDOW = 60.0


def _timed(check) -> dict:
    started = time.monotonic()
    try:
        result = check()
    except Exception as exc:  # any failure of the dependency is the answer, not a crash
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def database_check() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def cache_check() -> dict:
    from apps.api.throttling import cache_state

    key = f"healthz:{time.monotonic_ns()}"
    cache.set(key, "1", timeout=10)
    ok = cache.get(key) == "1"
    cache.delete(key)
    result = {"ok": ok}
    if cache_state["down_since"] is not None:
        result["throttle"] = "in-process since the cache failed; shared again on next request"
    return result


def broker_check() -> dict:
    from factcheck.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
        return {"ok": True, "transport": conn.transport_cls}


# Workers answering a ping, remembered for a minute, so a busy worker that misses one ping and
# a burst of health checks do not flap the answer or flood the broker.
_workers_seen: dict[str, float] = {}
_last_ping = [0.0]


def workers_check() -> dict:
    from factcheck.celery import app

    now = time.time()
    if now - _last_ping[0] >= 5.0:
        _last_ping[0] = now
        for reply in app.control.ping(timeout=CHECK_TIMEOUT) or []:
            for name in reply:
                _workers_seen[name] = now
    seen = sorted(n for n, at in _workers_seen.items() if now - at <= WORKERS_WINDOW)
    return {"ok": bool(seen), "seen_last_minute": seen}


def queue_check() -> dict:
    """The oldest capture still waiting in the queue: a queue that does not move is degraded
    once its oldest row has waited longer than ARCHIVE_STUCK_AFTER."""
    from apps.sources.models import Snapshot

    queued = Snapshot.objects.filter(state=Snapshot.State.QUEUED)
    oldest = queued.order_by("queued_at").values_list("queued_at", flat=True).first()
    if oldest is None:
        return {"ok": True, "queued": 0, "oldest_queued_seconds": None}
    age = (timezone.now() - oldest) / timedelta(seconds=1)
    return {
        "ok": age <= settings.ARCHIVE_STUCK_AFTER,
        "queued": queued.count(),
        "oldest_queued_at": oldest.isoformat(),
        "oldest_queued_seconds": round(age, 1),
    }


def health_full() -> tuple[int, dict]:
    """(HTTP status, report). Checks that need the database or the broker are skipped, and
    reported as such, when those are down."""
    parts = {"database": _timed(database_check), "cache": _timed(cache_check)}
    parts["broker"] = _timed(broker_check)
    if parts["broker"]["ok"]:
        parts["workers"] = _timed(workers_check)
    else:
        parts["workers"] = {"ok": False, "error": "not checked: the broker is down"}
    if parts["database"]["ok"]:
        parts["queue"] = _timed(queue_check)
    else:
        parts["queue"] = {"ok": False, "error": "not checked: the database is down"}
    degraded = sorted(name for name, part in parts.items() if not part["ok"])
    status = 503 if not parts["database"]["ok"] else 200
    overall = "down" if status == 503 else ("degraded" if degraded else "ok")
    return status, {"status": overall, "degraded": degraded, "checks": parts}
