"""The Redis transport the workers use (factcheck/broker.py), against the real Redis."""

import uuid

import pytest
import redis
from django.conf import settings
from kombu import Connection, Queue

from factcheck.celery import app


def test_redis_broker_urls_select_the_shared_client_transport():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    with app.connection_for_write() as conn:
        assert type(conn.default_channel).__module__ == "factcheck.broker"


@pytest.fixture
def broker():
    conn = Connection(
        settings.CELERY_BROKER_URL,
        transport=settings.CELERY_BROKER_TRANSPORT,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    )
    queue = Queue(f"test-broker-{uuid.uuid4().hex}")
    yield conn, queue
    with conn.channel() as channel:
        queue(channel).delete()
    conn.release()


def test_messages_keep_acks_late_semantics_without_a_client_per_message(broker, monkeypatch):
    """Received messages wait in the unacked set until acknowledged; publishing, receiving and
    acknowledging build no Redis client per message."""
    conn, queue = broker
    built = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    with conn.Producer() as producer:
        producer.publish({"n": -1}, routing_key=queue.name, declare=[queue])
        monkeypatch.setattr(redis.Redis, "__init__", counting)
        for n in range(5):
            producer.publish({"n": n}, routing_key=queue.name)
    received = []
    with conn.Consumer(queue, callbacks=[lambda body, message: received.append(message)]):
        conn.drain_events(timeout=5)
        channel = received[0].channel
        built.clear()
        while len(received) < 6:
            conn.drain_events(timeout=5)
        client = channel.client
        assert client.hlen(channel.unacked_key) >= 1
        for message in received:
            message.ack()
    assert sorted(message.payload["n"] for message in received) == [-1, 0, 1, 2, 3, 4]
    assert not any(
        tag in {m.delivery_tag for m in received}
        for tag in (key.decode() for key in client.hkeys(channel.unacked_key))
    )
    assert built == []


def test_the_overridden_kombu_internals_are_the_ones_this_channel_was_written_for():
    """factcheck.broker overrides a private method of kombu's Redis channel. If a kombu release
    changes it, this fails (instead of the workers quietly building a client per message, or
    breaking): check the new kombu source, adapt broker.py, then widen the pin in pyproject."""
    import inspect
    import re
    import tomllib
    from importlib.metadata import version

    from kombu.transport import redis as kombu_redis

    from tests.conftest import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    [pin] = [d for d in project["project"]["dependencies"] if d.startswith("kombu")]
    low, high = re.fullmatch(r"kombu>=([\d.]+),<([\d.]+)", pin).groups()

    def key(text):
        return tuple(int(part) for part in text.split(".")[:2])

    assert key(low) <= key(version("kombu")) < key(high), f"kombu {version('kombu')} vs {pin}"

    Channel = kombu_redis.Channel
    original = inspect.unwrap(Channel.conn_or_acquire)
    assert list(inspect.signature(original).parameters) == ["self", "client"]
    assert inspect.signature(original).parameters["client"].default is None
    assert "self._create_client()" in inspect.getsource(original)
    assert list(inspect.signature(Channel._create_client).parameters) == ["self", "asynchronous"]
    assert isinstance(Channel.__dict__.get("pool"), property)
