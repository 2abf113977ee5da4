"""Ctrl-C on `make run` stops the web server, the worker and its scheduler: a few lines, status 0.

The script `make run` ends in (bin/run-dev) runs here as it does on a laptop (SQLite and the
filesystem broker in a temporary directory, no DATABASE_URL or REDIS_URL), in a process group of
its own, and gets the SIGINT a terminal sends to the foreground group on Ctrl-C.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from tests.conftest import ROOT
from tests.localweb import free_port

STARTUP_TIMEOUT = 180
STOP_TIMEOUT = 60


def laptop_env(data: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY"}
        and not k.startswith("DJANGO_")
    }
    env.update(DEBUG="true", DATA_DIR=str(data), PYTHON=sys.executable, **extra)
    return env


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, read from /proc (the worker's scheduler is a child of it)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def test_ctrl_c_stops_web_worker_and_scheduler_cleanly(tmp_path):
    data = tmp_path / "data"
    env = laptop_env(data)
    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=STARTUP_TIMEOUT,
    )
    assert migrated.returncode == 0, migrated.stderr

    port = free_port()
    run = subprocess.Popen(
        [str(ROOT / "bin" / "run-dev")],
        cwd=ROOT,
        env={**env, "RUN_ADDR": f"127.0.0.1:{port}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as the terminal's foreground job is
    )
    lines: list[str] = []
    started: set[int] = set()
    reader = threading.Thread(target=lambda: lines.extend(run.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not (
            answers(f"http://127.0.0.1:{port}/healthz")
            and any("ready." in line for line in lines)
            and len(descendants(run.pid)) >= 3  # web, worker, the worker's scheduler
        ):
            assert run.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "did not start:\n" + "".join(lines)
            time.sleep(0.5)
        started = descendants(run.pid)
        before_stop = len(lines)

        os.killpg(run.pid, signal.SIGINT)
        status = run.wait(timeout=STOP_TIMEOUT)
        reader.join(timeout=STOP_TIMEOUT)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        for pid in started | descendants(run.pid):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)

    output = "".join(lines)
    stop_output = lines[before_stop:]
    assert status in (0, 130), output
    assert "Traceback" not in output, output
    assert "RecursionError" not in output
    assert len(stop_output) <= 40, "".join(stop_output)
    assert "Stopped." in output
    assert [pid for pid in started if alive(pid)] == []
    assert not answers(f"http://127.0.0.1:{port}/healthz")
