"""Captures under faults: killed and stopped workers, a slow host, a lost broker, two workers.

Every test ends with each snapshot in a final state, one per source, every WARC readable.
"""

import os
import signal
import time

import pytest

from apps.sources.models import Snapshot
from tests.faults.harness import (
    assert_final,
    django_run,
    fault_env,
    send_fetch,
    snapshots_queue,
    sweep,
    wait_final,
    wait_until,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def fetching(pk: int) -> bool:
    return Snapshot.objects.filter(pk=pk, state="fetching").exists()


@pytest.mark.timeout(90)
def test_capture_slower_than_its_lease_on_a_busy_host_is_kept(own_redis, workers, localweb):
    """One slot for the host and three pages of 2.5 s: the last waits ~5 s for its slot and
    fetches for 2.5 s, far beyond its 2 s lease, yet the sweep (run all along) takes nothing
    back and every good result is kept: one attempt each, no outcome discarded."""
    env = fault_env(own_redis.url, ARCHIVE_PER_HOST_CONCURRENCY=1)
    worker = workers.start(env, "slowhost", concurrency=4)
    ids = snapshots_queue([localweb.url(f"/hold/2.5/busy-{n}") for n in range(3)])
    send_fetch(env, ids)
    sent = django_run(
        env,
        "import time\n"
        "from apps.sources.models import Snapshot\n"
        "from apps.sources.services import snapshots_requeue_stuck\n"
        f"ids = {ids!r}; result = 0; give_up = time.monotonic() + 40\n"
        "while time.monotonic() < give_up and Snapshot.objects.filter(\n"
        "        pk__in=ids, state__in=['queued', 'fetching']).exists():\n"
        "    result += snapshots_requeue_stuck(); time.sleep(0.3)\n",
    )
    assert sent == 0, "the sweep re-sent a capture that was still running"
    wait_final(ids, 30)
    assert_final(ids)
    assert set(Snapshot.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}
    assert "discarded" not in worker.log_path.read_text()


@pytest.mark.timeout(120)
def test_kill_9_mid_capture_frees_the_slot_and_the_row_by_lease(own_redis, workers, localweb):
    """A worker killed mid-fetch holds the host's only slot and a fetching row. A new worker is
    not locked out: the slot frees when the lease expires (2 s, not ARCHIVE_TOTAL_TIMEOUT + 30),
    so its page is fetched, and the sweep re-queues the dead worker's row, which it archives."""
    env = fault_env(
        own_redis.url, ARCHIVE_PER_HOST_CONCURRENCY=1, ARCHIVE_TOTAL_TIMEOUT=30,
        ARCHIVE_READ_TIMEOUT=30,
    )  # fmt: skip
    first = workers.start(env, "doomed", concurrency=2)
    [killed] = snapshots_queue([localweb.url("/hold-first/25/killed")])
    send_fetch(env, [killed])
    wait_until(lambda: fetching(killed) and localweb.hits["/hold-first/25/killed"], 30, "no fetch")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)

    workers.start(env, "replacement", concurrency=2)
    [after] = snapshots_queue([localweb.url("/html/after-kill")])
    send_fetch(env, [after])
    # Bounded well below the 55 s a slot used to stay held: its lease is 2 s.
    wait_final([after], 20)
    wait_until(lambda: sweep(env) == 1, 20, "the dead worker's row was not re-queued")
    wait_final([killed], 30)
    assert_final([killed, after])
    row = Snapshot.objects.get(pk=killed)
    assert row.attempts == 2


@pytest.mark.timeout(90)
def test_sigterm_mid_capture_lets_the_capture_finish(own_redis, workers, localweb):
    """A deploy stops the worker with SIGTERM: the running capture finishes and is recorded
    (warm shutdown), nothing is re-queued or fetched twice."""
    env = fault_env(own_redis.url)
    worker = workers.start(env, "stopping", concurrency=2)
    ids = snapshots_queue([localweb.url("/hold/3/sigterm")])
    send_fetch(env, ids)
    wait_until(lambda: fetching(ids[0]) and localweb.hits["/hold/3/sigterm"], 30, "no fetch")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0
    assert_final(ids)
    assert Snapshot.objects.get(pk=ids[0]).attempts == 1
    assert localweb.hits["/hold/3/sigterm"] == 1


@pytest.mark.timeout(90)
def test_redis_restart_that_loses_every_message(own_redis, workers, localweb):
    """Messages sent while no worker runs are lost with Redis; once they are overdue (no
    worker has taken anything since) the sweep sends them again, once, and all are archived."""
    env = fault_env(own_redis.url)
    ids = snapshots_queue([localweb.url(f"/html/lost-{n}") for n in range(5)])
    send_fetch(env, ids)
    own_redis.restart()
    workers.start(env, "afterrestart", concurrency=4)
    time.sleep(1)
    assert Snapshot.objects.filter(pk__in=ids, state="queued").count() == 5
    # Stand in for ARCHIVE_STUCK_AFTER passing: the rows were sent long ago.
    from datetime import timedelta

    from django.utils import timezone

    long_ago = timezone.now() - timedelta(hours=1)
    Snapshot.objects.filter(pk__in=ids).update(queued_at=long_ago, sent_at=long_ago)
    assert sweep(env) == 5
    assert sweep(env) == 0, "sent again at most once per ARCHIVE_STUCK_AFTER"
    wait_final(ids, 30)
    assert_final(ids)


@pytest.mark.timeout(90)
def test_citation_saved_while_the_broker_is_down_is_queued_then_archived(
    own_redis, workers, localweb
):
    """With Redis down citation_add commits, answers normally and reports the capture as queued
    until the queue is back; the same call again is not refused; the sweep sends it later."""
    from apps.claims.models import Claim
    from tests.factories import ClaimFactory

    claim = ClaimFactory()
    env = fault_env(own_redis.url)
    own_redis.stop()
    url = localweb.url("/html/broker-down")
    code = (
        "from apps.claims.models import Claim\n"
        "from apps.sources import selectors\n"
        "from apps.sources.services import citation_add\n"
        f"claim = Claim.objects.get(pk={claim.pk})\n"
        f"a = citation_add(claim=claim, url={url!r}, stance='supports', by=None)\n"
        f"b = citation_add(claim=claim, url={url!r}, stance='supports', by=None)\n"
        "snapshot = a.source.snapshots.get()\n"
        "result = [a.pk, b.pk, snapshot.pk, selectors.snapshot_status(snapshot)]\n"
    )
    first, again, snapshot_id, status = django_run(env, code)
    assert first == again
    assert status == "queued, will be archived when the queue is back"
    assert Claim.objects.get(pk=claim.pk).citations.count() == 1
    assert Snapshot.objects.get(pk=snapshot_id).sent_at is None

    own_redis.start()
    workers.start(env, "brokerback", concurrency=2)
    assert sweep(env) == 1
    wait_final([snapshot_id], 30)
    assert_final([snapshot_id])


@pytest.mark.timeout(90)
def test_per_host_politeness_holds_across_two_workers(own_redis, workers, localweb):
    """Two workers of 4 threads, two slots per host: the local server never sees more than two
    requests at once (it counts them), and does see two."""
    env = fault_env(own_redis.url, ARCHIVE_PER_HOST_CONCURRENCY=2)
    workers.start(env, "polite1", concurrency=4)
    workers.start(env, "polite2", concurrency=4)
    ids = snapshots_queue([localweb.url(f"/hold/0.7/polite-{n}") for n in range(8)])
    localweb.max_active_reset()
    send_fetch(env, ids)
    wait_final(ids, 60)
    assert_final(ids)
    assert localweb.max_active == 2
