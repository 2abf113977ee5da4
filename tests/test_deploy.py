"""The commands in docker-compose.yml are real entry points: each app service's command, run here
against the test database and Redis (no Docker engine on this machine), starts and does its job:
the web command migrates and answers /healthz over HTTP, each worker answers a ping on its
queues, beat starts its scheduler."""

import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest
import yaml
from django.test import Client

from factcheck.celery import app as celery_app
from tests.conftest import ROOT, worker_env
from tests.localweb import free_port

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def argv_of(name: str) -> list[str]:
    command = SERVICES[name]["command"]
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if argv[0] == "python":
        argv[0] = sys.executable
    elif argv[0] == "celery":
        argv[:1] = [sys.executable, "-m", "celery"]
    return argv


def started(argv, *, tmp_path, until, timeout: float = 60.0) -> str:
    """Run argv until `until(log_text)` is true; fail with the log if it exits or times out."""
    log_path = tmp_path / "service.log"
    with log_path.open("wb") as log:
        # A session of its own, so the whole group (sh and the gunicorn it starts) is stopped.
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=worker_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                text = log_path.read_text(errors="replace")
                if until(text):
                    return text
                if proc.poll() is not None:
                    pytest.fail(f"{argv} exited with {proc.returncode}:\n{text[-3000:]}")
                time.sleep(0.2)
            pytest.fail(f"{argv} did not start:\n{log_path.read_text()[-3000:]}")
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
            _group_gone(proc.pid)


def _group_gone(pgid: int, timeout: float = 30.0) -> None:
    """Wait until no process of the group is left (gunicorn's worker outlives its master's
    SIGTERM by a moment), so nothing holds the test database when it is dropped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(pgid, signal.SIGKILL)


def test_every_app_service_has_a_command_tested_here():
    app_services = {name for name, service in SERVICES.items() if "build" in service}
    assert app_services == {"web", "worker", "fetcher", "renderer", "beat"}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_web_command_migrates_and_serves_healthz(tmp_path):
    [shell, flag, script] = argv_of("web")
    assert (shell, flag) == ("sh", "-c")
    port = free_port()
    script = script.replace("python ", f"{sys.executable} ", 1)
    script = script.replace("gunicorn ", f"{sys.executable} -m gunicorn ", 1)
    script = script.replace("0.0.0.0:8000", f"127.0.0.1:{port}").replace(
        "--workers 3", "--workers 1"
    )

    def healthy(_log: str) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return r.status == 200 and r.read() == b'{"status": "ok"}'
        except OSError:
            return False

    log = started([shell, flag, script], tmp_path=tmp_path, until=healthy)
    assert "No migrations to apply" in log


@pytest.mark.slow
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["worker", "fetcher", "renderer"])
def test_worker_commands_answer_a_ping_on_their_queues(name, tmp_path):
    argv = argv_of(name)
    assert argv[1:3] == ["-m", "factcheck.worker"]  # the one worker entry point
    node = f"compose-{name}-{uuid.uuid4().hex[:8]}@test"
    argv[argv.index("-n") + 1] = node
    queue = argv[argv.index("-Q") + 1]

    def answering(_log: str) -> bool:
        replies = celery_app.control.inspect(destination=[node], timeout=0.5).active_queues()
        return bool(replies) and [q["name"] for q in replies[node]] == queue.split(",")

    started(argv, tmp_path=tmp_path, until=answering)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_beat_command_starts_its_scheduler(tmp_path):
    argv = argv_of("beat")
    argv[argv.index("--schedule") + 1] = str(tmp_path / "schedule")
    log = started(argv, tmp_path=tmp_path, until=lambda text: "beat: Starting" in text)
    assert "Traceback" not in log


@pytest.mark.django_db
def test_healthz_answers():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
