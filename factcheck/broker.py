"""Celery's Redis transport, with one Redis client per channel instead of one per message.

kombu's Redis channel builds a new `redis.Redis` for every message it publishes, every message
it receives (to record it as unacknowledged, for acks_late) and every ack. Building one sets up a
few hundred response callbacks, about 160 µs of CPU here: three per archived URL, a sizeable part
of what Celery adds to a small page's capture (bench/archive.py). A `redis.Redis` is safe to
share between threads (each command takes a connection from the channel's pool, as before), so
this channel keeps one, and builds a new one only if the channel replaces its pool.

Selected by settings.CELERY_BROKER_TRANSPORT for redis:// and rediss:// broker URLs.
"""

from contextlib import contextmanager

from kombu.transport import redis


class Channel(redis.Channel):
    _shared_client = None

    @contextmanager
    def conn_or_acquire(self, client=None):
        if client:
            yield client
            return
        shared = self._shared_client
        if shared is None or shared.connection_pool is not self.pool:
            shared = self._shared_client = self._create_client()
        yield shared


class Transport(redis.Transport):
    Channel = Channel
