"""At most ARCHIVE_PER_HOST_CONCURRENCY fetches to one host at a time, across every worker.

The slots live in a Redis sorted set per host (member = holder token, score = start time), taken
and released atomically by a Lua script. The holder's lease is renewed every few seconds while
it fetches (apps.sources.leases); a holder that dies stops renewing and its slot counts as free
once ARCHIVE_LEASE_SECONDS have passed, so a replacement worker is not locked out for the length
of a whole capture.
Without Redis (a laptop on the filesystem broker, or Redis down) the limit falls back to a
semaphore in this process, so archiving degrades to "polite per worker" instead of stopping.
"""

import logging
import math
import random
import threading
import time
import uuid
from contextlib import contextmanager, suppress

import redis
from django.conf import settings

from apps.sources import leases

logger = logging.getLogger(__name__)

_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[3]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
    redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[3])))
    return 1
end
return 0
"""


class HostBusy(Exception):
    """No slot for this host came free in time; try again later (does not use up an attempt)."""

    def __init__(self, host: str):
        super().__init__(f"too many fetches from {host} in progress")
        self.reason = f"waiting: too many fetches from {host} in progress"
        self.host = host


_client_lock = threading.Lock()
_client: redis.Redis | None = None
_script = None
_local_slots: dict[str, threading.BoundedSemaphore] = {}
_local_lock = threading.Lock()


def _redis():
    global _client, _script
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None, None
    with _client_lock:
        if _client is None:
            _client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=1)
            _script = _client.register_script(_ACQUIRE)
    return _client, _script


def _slots_renew(held: list[tuple[str, str]]) -> None:
    """Move the held slots' start times to now (XX: a slot that already expired is not
    taken back behind the others' backs)."""
    client, _ = _redis()
    if client is None:
        return
    now, lease = time.time(), leases.lease_seconds()
    with client.pipeline(transaction=False) as pipe:
        for key, token in held:
            pipe.zadd(key, {token: now}, xx=True)
            pipe.expire(key, math.ceil(lease))
        pipe.execute()


leases.renewer("host-slot", _slots_renew)


@contextmanager
def _local_slot(host: str, limit: int, wait: float):
    with _local_lock:
        slot = _local_slots.setdefault(host, threading.BoundedSemaphore(limit))
    if not slot.acquire(timeout=wait):
        raise HostBusy(host)
    try:
        yield
    finally:
        slot.release()


@contextmanager
def host_slot(host: str, *, wait: float | None = None):
    """Hold one of the host's fetch slots for the duration of the block, or raise HostBusy."""
    limit = settings.ARCHIVE_PER_HOST_CONCURRENCY
    wait = settings.ARCHIVE_TOTAL_TIMEOUT if wait is None else wait
    client, script = _redis()
    if client is None:
        with _local_slot(host, limit, wait):
            yield
        return
    key = f"archive:host:{host}"
    token = uuid.uuid4().hex
    give_up = time.monotonic() + wait
    try:
        while not script(keys=[key], args=[time.time(), limit, leases.lease_seconds(), token]):
            if time.monotonic() >= give_up:
                raise HostBusy(host)
            time.sleep(0.02 + random.random() * 0.08)
    except redis.RedisError as exc:
        logger.warning("per-host limit without Redis (%s); using a local limit", exc)
        with _local_slot(host, limit, wait):
            yield
        return
    try:
        with leases.held("host-slot", (key, token)):
            yield
    finally:
        with suppress(redis.RedisError):  # if Redis is gone, the lease expires on its own
            client.zrem(key, token)
