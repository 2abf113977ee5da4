"""Capture leases: a running capture keeps its row and its host slot however long it waits, a
dead one's are taken back when its lease expires, and the timeouts are checked at start-up."""

import logging
import os
import threading
import time
import uuid
from datetime import timedelta

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from apps.sources import hostlimit, leases, services
from apps.sources.models import Snapshot
from tests.factories import SnapshotFactory, SourceFactory
from tests.test_settings_env import run_check


def queued(**fields) -> Snapshot:
    return SnapshotFactory(state="queued", sha256="", warc="", fetched_at=None, **fields)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"ARCHIVE_TOTAL_TIMEOUT": "400"},
            "ARCHIVE_TOTAL_TIMEOUT=400 lets one capture run for up to 830 s",
        ),
        ({"ARCHIVE_TOTAL_TIMEOUT": "400"}, "lower ARCHIVE_TOTAL_TIMEOUT to at most 134"),
        ({"ARCHIVE_LEASE_SECONDS": "400"}, "lower ARCHIVE_LEASE_SECONDS"),
        ({"ARCHIVE_RETRY_MAX_DELAY": "4000"}, "lower ARCHIVE_RETRY_MAX_DELAY"),
    ],
)
def test_inconsistent_archive_timeouts_are_refused_at_start_up(env, message):
    result = run_check(SECRET_KEY="x", DATA_DIR=os.environ["DATA_DIR"], **env)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_the_defaults_are_consistent():
    result = run_check(SECRET_KEY="x", DATA_DIR=os.environ["DATA_DIR"])
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_capture_waiting_for_its_host_renews_its_lease(localweb_allowed, settings):
    """The host's only slot is held for a while; the capture waiting for it outlives its lease
    several times over, yet the sweep, run throughout, never takes it back, and its result is
    kept with one attempt."""
    settings.ARCHIVE_PER_HOST_CONCURRENCY = 1
    settings.ARCHIVE_LEASE_SECONDS = 0.6
    source = SourceFactory(url=localweb_allowed.url("/html/waiting-for-slot"))
    snapshot = services.snapshot_request(source=source, enqueue=False)
    release, holding = threading.Event(), threading.Event()

    def hold():
        with hostlimit.host_slot("127.0.0.1"):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)

    def archive():
        try:
            services.snapshot_archive(snapshot_id=snapshot.pk)
        finally:
            connection.close()  # this thread's own connection

    capture = threading.Thread(target=archive)
    capture.start()
    sent, sweeps = 0, 0
    while sweeps < 12:  # about 2.4 s: four leases
        time.sleep(0.2)
        sent += services.snapshots_requeue_stuck()
        sweeps += 1
    assert Snapshot.objects.get(pk=snapshot.pk).state == "fetching"
    release.set()
    holder.join(10)
    capture.join(20)
    assert sent == 0
    row = Snapshot.objects.get(pk=snapshot.pk)
    assert (row.state, row.attempts) == ("archived", 1)


@pytest.mark.django_db
def test_a_fetching_row_whose_lease_expired_is_requeued_and_its_late_outcome_logged(
    localweb_allowed, caplog, django_capture_on_commit_callbacks
):
    """A worker that stopped renewing (its process hung) loses the row to the sweep; when it
    reports after all, its outcome is discarded, and the log says so."""
    url = f"http://lease.test:{localweb_allowed.port}/html/late-outcome"
    snapshot = services.snapshot_request(
        source=services.source_get_or_create(url=url), enqueue=False
    )
    sent = []

    def resolver(host, port):  # runs mid-capture: the lease lapses and the sweep comes by
        Snapshot.objects.filter(pk=snapshot.pk).update(
            lease_expires_at=timezone.now() - timedelta(seconds=1)
        )
        sent.append(services.snapshots_requeue_stuck())
        return ["127.0.0.1"]

    with (
        django_capture_on_commit_callbacks() as callbacks,
        caplog.at_level(logging.WARNING, logger="apps.sources.services.capture"),
    ):
        services.snapshot_archive(snapshot_id=snapshot.pk, resolver=resolver)
    assert sent == [1] and len(callbacks) == 1
    assert f"snapshot {snapshot.pk}: outcome archived discarded" in caplog.text
    row = Snapshot.objects.get(pk=snapshot.pk)
    assert (row.state, row.reason) == ("queued", "re-queued: worker lost (its lease expired)")


@pytest.mark.django_db
def test_a_long_backlog_is_not_sent_again(settings, django_capture_on_commit_callbacks):
    """120 rows sent long ago wait behind a backlog: the workers are still taking messages sent
    before theirs, so their messages are not lost and none is sent again."""
    now = timezone.now()
    long_ago = now - timedelta(seconds=settings.ARCHIVE_STUCK_AFTER * 3)
    backlog = [queued(sent_at=long_ago) for _ in range(120)]
    Snapshot.objects.filter(pk__in=[row.pk for row in backlog]).update(queued_at=long_ago)
    # What a worker took a moment ago was sent before the backlog.
    SnapshotFactory(
        state="fetching", sha256="", warc="", fetched_at=None, started_at=now,
        lease_expires_at=now + timedelta(seconds=30),
        sent_at=long_ago - timedelta(seconds=60),
    )  # fmt: skip
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.snapshots_requeue_stuck() == 0
    assert callbacks == []


@pytest.mark.django_db
def test_a_dead_holders_host_slot_frees_when_its_lease_expires(settings):
    """A holder that stopped renewing (its process was killed) is forgotten once its lease has
    passed, not after ARCHIVE_TOTAL_TIMEOUT + 30 s: a new fetch gets the host's only slot."""
    settings.ARCHIVE_PER_HOST_CONCURRENCY = 1
    settings.ARCHIVE_LEASE_SECONDS = 1
    settings.ARCHIVE_TOTAL_TIMEOUT = 60
    host = f"dead-holder-{uuid.uuid4().hex}.test"
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    client.zadd(f"archive:host:{host}", {"killed-worker": time.time()})
    with hostlimit.host_slot(host, wait=10):
        members = client.zrange(f"archive:host:{host}", 0, -1)
    assert b"killed-worker" not in members and len(members) == 1


@pytest.mark.django_db
def test_a_live_holder_keeps_its_slot_past_the_lease(settings):
    """Renewal moves the slot's start time on: another fetch cannot take it while it runs."""
    settings.ARCHIVE_PER_HOST_CONCURRENCY = 1
    settings.ARCHIVE_LEASE_SECONDS = 1
    host = f"live-holder-{uuid.uuid4().hex}.test"
    with hostlimit.host_slot(host):
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:
            leases.renew_now()
            time.sleep(0.2)
        with pytest.raises(hostlimit.HostBusy), hostlimit.host_slot(host, wait=0.3):
            pass
