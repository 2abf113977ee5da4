"""Fault tests: real workers, and a Redis (and PostgreSQL) of the test's own that it can break.

Each test starts its own `redis-server` on a free port (and, for the database outage, its own
PostgreSQL cluster), points its workers at it and stops everything by PID: the machine's
services are never touched. Fixtures are in conftest.py. The test process writes rows in the
test database and sends messages through a Celery app bound to the test's Redis; services that
send tasks (the sweep, `citation_add`) run in a short Django subprocess with the workers' env.
"""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import ROOT, worker_env
from tests.localweb import free_port


class OwnRedis:
    """A redis-server of the test's own, without persistence: a restart loses every message."""

    def __init__(self):
        self.port = free_port()
        self.proc = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self._answers, 10, "own redis-server did not start")

    def _answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()


def wait_until(predicate, timeout: float, message: str):
    """Poll predicate until it is truthy; the timeout bounds the test, it is not the check."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(message)


def fault_env(redis_url: str, **extra) -> dict[str, str]:
    env = worker_env()
    env.update(
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        ARCHIVE_LEASE_SECONDS="2",
        ARCHIVE_TOTAL_TIMEOUT="8",
        ARCHIVE_READ_TIMEOUT="8",
        LOG_LEVEL="INFO",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


class Workers:
    """Worker processes started by one test, stopped (by PID) when it ends."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.procs: list[subprocess.Popen] = []

    def start(self, env: dict, name: str, concurrency: int = 4) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "factcheck.worker", "-Q", "default,fetch,index", "-P", "threads",
             "-c", str(concurrency), "-n", f"{name}@%h", "--loglevel=INFO",
             "--without-heartbeat", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        proc.log_path = self.tmp / f"{name}.log"
        self.procs.append(proc)
        app = broker_app(env["CELERY_BROKER_URL"])
        wait_until(
            lambda: proc.poll() is not None or app.control.ping(timeout=0.5),
            60,
            f"worker {name} did not start",
        )
        assert proc.poll() is None, proc.log_path.read_text()
        return proc

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


_apps: dict[str, Celery] = {}


def broker_app(url: str) -> Celery:
    """A bare Celery app bound to the test's own broker (the test process's app is bound to
    the suite's Redis)."""
    if url not in _apps:
        _apps[url] = Celery("faults", broker=url, set_as_current=False)
    return _apps[url]


def send_fetch(env: dict, snapshot_ids) -> None:
    app = broker_app(env["CELERY_BROKER_URL"])
    for pk in snapshot_ids:
        app.send_task("apps.sources.tasks.snapshot_fetch", args=[pk], queue="fetch")


def django_run(env: dict, code: str, timeout: float = 60) -> dict:
    """Run code in a Django subprocess with env; it leaves its answer in `result` (JSON)."""
    script = (
        "import django, json, sys; django.setup()\n"
        + code
        + "\nsys.stdout.write('\\nRESULT ' + json.dumps(result))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT ") :])


def sweep(env: dict) -> int:
    return django_run(
        env,
        "from apps.sources.services import snapshots_requeue_stuck\n"
        "result = snapshots_requeue_stuck()",
    )


def snapshots_queue(urls: list[str]) -> list[int]:
    """One new source and queued snapshot per URL (sent_at set: the test sends the messages)."""
    from django.utils import timezone

    from apps.sources.models import Snapshot, Source
    from apps.sources.normalize import url_domain

    ids = []
    for url in urls:
        source = Source.objects.create(url=url, domain=url_domain(url))
        ids.append(Snapshot.objects.create(source=source, sent_at=timezone.now()).pk)
    return ids


def assert_final(snapshot_ids: list[int], states=("archived",)) -> None:
    """Every snapshot in a final state, one per source, no active one left, every WARC valid."""
    from django.conf import settings

    from apps.sources.models import Snapshot

    rows = list(Snapshot.objects.filter(pk__in=snapshot_ids))
    assert len(rows) == len(snapshot_ids), "a snapshot was lost"
    assert {row.state for row in rows} <= set(states), [(r.pk, r.state, r.reason) for r in rows]
    sources = [row.source_id for row in rows]
    assert Snapshot.objects.filter(source_id__in=sources).count() == len(rows), "duplicated"
    for row in rows:
        if row.state == "archived":
            path = Path(settings.MEDIA_ROOT) / row.warc.name
            with path.open("rb") as stream:
                kinds = [record.rec_type for record in ArchiveIterator(stream)]
            assert "response" in kinds, f"{path} has no response record"


def wait_final(snapshot_ids: list[int], timeout: float) -> None:
    from apps.sources.models import Snapshot

    wait_until(
        lambda: (
            not Snapshot.objects.filter(
                pk__in=snapshot_ids, state__in=Snapshot.ACTIVE_STATES
            ).exists()
        ),
        timeout,
        "snapshots still active: "
        + str(list(Snapshot.objects.filter(pk__in=snapshot_ids).values_list("state", "reason"))),
    )


class OwnPostgres:
    """A PostgreSQL cluster of the test's own (initdb in a temporary directory, run as the
    postgres user), so an outage can be staged without touching the machine's server."""

    def __init__(self, root: Path):
        import shutil

        self.port = free_port()
        self.root = root
        self.data = root / "data"
        root.mkdir(parents=True, exist_ok=True)
        shutil.chown(root, "postgres", "postgres")
        self._as_postgres(["initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                           "--no-sync", "-E", "UTF8"])  # fmt: skip
        self.start()
        self._as_postgres(["createdb", "-h", "127.0.0.1", "-p", str(self.port), "factcheck"])

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/factcheck"

    def _as_postgres(self, command: list[str]) -> None:
        done = subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off"
        )
        self._as_postgres(["pg_ctl", "-D", str(self.data), "-o", options,
                           "-l", str(self.root / "log"), "-w", "start"])  # fmt: skip

    def stop(self) -> None:
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():
            self._as_postgres(["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def query(self, sql: str, params=()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()
