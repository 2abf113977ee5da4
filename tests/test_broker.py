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
