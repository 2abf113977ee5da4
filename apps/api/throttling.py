"""The anonymous rate limit: one counter per client and time window, shared by every web process
through the cache (Redis), and kept in this process when the cache is down.

DRF's own throttle stores a list of timestamps per client and writes it back after reading it,
so two processes answering the same client at once both read, both append and one write wins:
the limit leaks by up to the number of processes. Here each request is one atomic increment
(Redis INCR) of the counter of the current fixed window, so across any number of processes the
n-th request of a window sees exactly n.

When the cache cannot be reached the API keeps serving: the counter moves into this process
(a plain dict under a lock), a warning is logged (at most once a minute) and /healthz?full=1
reports the cache as down. Each process then limits on its own, which is looser across
processes but never open.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle

logger = logging.getLogger(__name__)

# What a cache backend raises when its server is unreachable (redis-py's errors derive from
# these builtins or from redis.exceptions.RedisError).
try:
    from redis.exceptions import RedisError as _RedisError
except ImportError:  # pragma: no cover - redis is a dependency
    _RedisError = OSError
CACHE_DOWN_ERRORS = (_RedisError, ConnectionError, TimeoutError, OSError)
WARN_EVERY = 60.0


class LocalCounters:
    """Per-window counters in this process, used while the shared cache is down."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[float, int]] = {}

    def incr(self, key: str, *, expires_at: float) -> int:
        now = time.time()
        with self._lock:
            if len(self._counts) > 10_000:  # drop expired windows now and then
                self._counts = {k: v for k, v in self._counts.items() if v[0] > now}
            _, count = self._counts.get(key, (expires_at, 0))
            self._counts[key] = (expires_at, count + 1)
            return count + 1


local_counters = LocalCounters()
_last_warning = [0.0]
cache_state = {"down_since": None, "error": ""}


def _cache_down(exc: Exception) -> None:
    now = time.monotonic()
    if cache_state["down_since"] is None:
        cache_state["down_since"] = time.time()
    cache_state["error"] = f"{type(exc).__name__}: {exc}"
    if now - _last_warning[0] >= WARN_EVERY:
        _last_warning[0] = now
        logger.warning(
            "cache unreachable (%s); throttling the API in-process until it is back",
            cache_state["error"],
        )


def counter_incr(key: str, *, window: int, window_ends: float) -> int:
    """The count of this key in its window after one more request; atomic in the cache."""
    try:
        # add() is SET NX with an expiry: only the window's first request creates the key.
        cache.add(key, 0, timeout=window + 1)
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr: this is a new window
        cache.add(key, 0, timeout=window + 1)
        count = cache.incr(key)
    except CACHE_DOWN_ERRORS as exc:
        _cache_down(exc)
        return local_counters.incr(key, expires_at=window_ends)
    if cache_state["down_since"] is not None:
        logger.warning("cache reachable again; throttling is shared across processes")
        cache_state["down_since"] = None
    return count


class AnonThrottle(AnonRateThrottle):
    """Anonymous clients: `API_ANON_RATE` requests per fixed window, per client address."""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = time.time()
        window_start = int(now // self.duration) * self.duration
        self.window_ends = window_start + self.duration
        count = counter_incr(
            f"{self.key}:{window_start}", window=self.duration, window_ends=self.window_ends
        )
        self.now = now
        return count <= self.num_requests

    def wait(self) -> float:
        return max(1.0, self.window_ends - self.now)
