"""Fixtures shared by the whole suite: users in the newsroom roles, and a real Celery worker.

The worker is a separate `celery worker` process consuming from the test Redis and writing to the
test PostgreSQL database, so tests that use it must commit their data (`transactional_db`).
"""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from apps.verdicts.roles import EDITORS, REVIEWERS, roles_sync
from factcheck.celery import app as celery_app
from tests.redisguard import ForeignRedisData, redis_database_claim, redis_database_mark

ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = ["tests.localweb", "tests.sources.packages"]


def pytest_sessionstart(session):
    """Start from an empty broker database so no message from an earlier run is consumed; never
    flush a database the suite did not mark as its own (tests/redisguard.py). This runs before
    collection, since collecting a module may already reach the cache (the schema tests load the
    OpenAPI document through the API, which counts the request in the throttle's cache)."""
    try:
        redis_database_claim(settings.CELERY_BROKER_URL)
    except ForeignRedisData as exc:
        pytest.exit(str(exc), returncode=4)


@pytest.fixture(scope="session", autouse=True)
def _broker_database_marked():
    yield
    # Tests that clear Django's cache (a FLUSHDB) remove the mark too: put it back.
    redis_database_mark(settings.CELERY_BROKER_URL)


def _make_user(django_user_model, username: str, group: str | None = None, **extra):
    if group and not Group.objects.filter(name=group).exists():
        roles_sync()  # a transactional test's flush removed the migration's groups
    user = django_user_model.objects.create_user(
        username=username, password="pw-" + username, email=f"{username}@example.org", **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def reviewer(django_user_model):
    return _make_user(django_user_model, "rita", REVIEWERS, is_staff=True)


@pytest.fixture
def reviewer2(django_user_model):
    return _make_user(django_user_model, "rob", REVIEWERS, is_staff=True)


@pytest.fixture
def editor(django_user_model):
    return _make_user(django_user_model, "eddie", EDITORS, is_staff=True)


@pytest.fixture
def editor2(django_user_model):
    return _make_user(django_user_model, "erin", EDITORS, is_staff=True)


def worker_env() -> dict[str, str]:
    """The environment for a worker process pointed at the test database."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="factcheck.test_settings",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        DATA_DIR=str(settings.DATA_DIR),
        PYTHONUNBUFFERED="1",
    )
    # Archiving: the worker may fetch from the session's local web server (and nothing else
    # private), with short deadlines and backoff so failure paths finish in seconds.
    from tests.localweb import local_web

    env.update(
        ARCHIVE_ALLOWED_NETWORKS="127.0.0.0/8",
        ARCHIVE_ALLOWED_PORTS=f"80,443,8080,8443,{local_web().port}",
        ARCHIVE_TOTAL_TIMEOUT="3",
        ARCHIVE_READ_TIMEOUT="2",
        ARCHIVE_CONNECT_TIMEOUT="1",
        ARCHIVE_RETRY_BACKOFF="0.2",
        ARCHIVE_MAX_ATTEMPTS="3",
    )
    return env


@contextmanager
def worker_process(*, queues: str, concurrency: int, node: str, log: Path, env: dict):
    """A real Celery worker subprocess (factcheck.worker, the lean entry point compose runs;
    threads pool) on these queues, once it answers a ping; stopped (then killed) on exit."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "factcheck.worker",
                "-Q", queues, "-P", "threads", "-c", str(concurrency),
                "--without-heartbeat", "--without-gossip", "--without-mingle",
                "-n", node, "--loglevel=INFO",
            ],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while not celery_app.control.ping(destination=[node], timeout=0.5):
        if proc.poll() is not None:
            pytest.fail(f"celery worker {node} exited early:\n{log.read_text()}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"celery worker {node} did not answer a ping:\n{log.read_text()}")
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, tmp_path_factory):
    """A worker on every queue but render, for the whole session."""
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    node = f"test-{os.getpid()}@test"
    with worker_process(
        queues="default,fetch,index", concurrency=8, node=node, log=log, env=worker_env()
    ) as proc:
        yield proc


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.1):
    """Poll until predicate() returns something truthy; fail the test with a message if not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")
