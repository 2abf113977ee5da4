"""A PostgreSQL outage of several seconds in the middle of captures (its own cluster)."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import ROOT
from tests.faults.harness import django_run, fault_env, send_fetch, sweep, wait_until

pytestmark = [pytest.mark.faults]


@pytest.mark.timeout(180)
def test_database_outage_mid_capture(own_redis, own_postgres, workers, localweb):
    """Six captures are under way (slow pages) when PostgreSQL stops for five seconds. Outcomes
    that cannot be written are retried or, once the lease of the capture that could not record
    its outcome has expired, re-queued by the sweep: every capture ends archived, once, with a
    valid WARC."""
    env = fault_env(own_redis.url, DATABASE_URL=own_postgres.url, ARCHIVE_PER_HOST_CONCURRENCY=8)
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr
    urls = [localweb.url(f"/hold/3/pg-outage-{n}") for n in range(6)]
    ids = django_run(
        env,
        "from django.utils import timezone\n"
        "from apps.sources.models import Snapshot, Source\n"
        f"urls = {urls!r}\n"
        "result = [Snapshot.objects.create(sent_at=timezone.now(), source=Source.objects.create(\n"
        "    url=url, domain='127.0.0.1')).pk for url in urls]\n",
    )
    workers.start(env, "pgoutage", concurrency=8)
    send_fetch(env, ids)
    wait_until(
        lambda: (
            own_postgres.query("SELECT count(*) FROM sources_snapshot WHERE state='fetching'")[0][0]
            >= 3
        ),
        30,
        "captures did not start",
    )
    own_postgres.stop()
    time.sleep(5)
    own_postgres.start()

    def settled() -> bool:
        sweep(env)
        rows = own_postgres.query("SELECT state FROM sources_snapshot")
        return all(state not in ("queued", "fetching") for (state,) in rows)

    wait_until(settled, 90, "captures did not settle after the outage")
    rows = own_postgres.query(
        "SELECT s.source_id, s.state, s.warc FROM sources_snapshot s ORDER BY s.source_id"
    )
    assert [state for _, state, _ in rows] == ["archived"] * 6
    assert len({source for source, _, _ in rows}) == 6, "one snapshot per source"
    for _, _, warc in rows:
        with (Path(settings.MEDIA_ROOT) / warc).open("rb") as stream:
            assert "response" in [record.rec_type for record in ArchiveIterator(stream)]
