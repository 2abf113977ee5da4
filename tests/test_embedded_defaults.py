"""With no DATABASE_URL and no REDIS_URL (a newcomer's `make run`), the workbench runs on SQLite
and kombu's filesystem broker, and the worker `make run` starts (with its embedded beat) still
archives cited sources."""

import json
import os
import re
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.localweb import article_html

pytestmark = [pytest.mark.slow, pytest.mark.worker]


def make_run_worker() -> list[str]:
    """The worker command of `make run` (its script, bin/run-dev), with the default queues."""
    script = (ROOT / "bin" / "run-dev").read_text()
    line = next(x for x in script.splitlines() if "-m factcheck.worker" in x)
    command = line.split('"$python"', 1)[1].rstrip(" &")
    command = re.sub(r'"\$\{RUN_QUEUES:-([^}]*)\}"', r"\1", command)
    return ["python", *command.split()]


MAKE_RUN_WORKER = make_run_worker()


@pytest.fixture
def embedded_env(tmp_path, localweb) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DEBUG="true",
        DATA_DIR=str(tmp_path / "data"),
        ARCHIVE_ALLOWED_NETWORKS="127.0.0.0/8",
        ARCHIVE_ALLOWED_PORTS=f"80,443,{localweb.port}",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env, *args, timeout=120) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


SNAPSHOT_STATE = (
    "import json; from apps.sources.models import Snapshot; "
    "print(json.dumps(list(Snapshot.objects.values("
    "'state', 'reason', 'sha256', 'title', 'source__title'))))"
)


def test_worker_on_sqlite_and_filesystem_broker(embedded_env, localweb, tmp_path):
    manage(embedded_env, "migrate", "--noinput", "-v0")
    assert (tmp_path / "data" / "db.sqlite3").exists()
    url = localweb.page("/embedded/story", article_html("embedded", "Embedded story"))
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, *MAKE_RUN_WORKER[1:]],
        cwd=ROOT, env=embedded_env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        body = tmp_path / "story.txt"
        body.write_text("The city had 30,000 residents in 2016, officials said.\n")
        manage(embedded_env, "import_article", str(body))
        manage(
            embedded_env,
            "shell",
            "--no-imports",
            "-c",
            "from apps.claims.models import Claim; from apps.sources.services import citation_add;"
            f"citation_add(claim=Claim.objects.get(), url={url!r}, stance='supports', by=None)",
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            [snapshot] = json.loads(
                manage(embedded_env, "shell", "--no-imports", "-c", SNAPSHOT_STATE).stdout
            )
            if snapshot["state"] not in ("queued", "fetching"):
                break
            time.sleep(0.5)
        assert snapshot["state"] == "archived", snapshot
        assert len(snapshot["sha256"]) == 64
        # The claim and outcome statements, and the source's title, on SQLite.
        assert snapshot["title"] == snapshot["source__title"] == "Embedded story"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    assert "snapshot_fetch" in (tmp_path / "worker.log").read_text()
