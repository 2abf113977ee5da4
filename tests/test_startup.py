"""Importing the settings writes nothing; Django's start-up makes the data directories."""

import os
import subprocess
import sys

from tests.conftest import ROOT


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY"}
    }
    clean.update(DEBUG="true", DJANGO_SETTINGS_MODULE="factcheck.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_importing_settings_creates_no_directory(tmp_path):
    data = tmp_path / "data"
    result = run_python(
        "import factcheck.settings as s; print(s.STATIC_ROOT, s.CELERY_BROKER_URL)",
        DATA_DIR=str(data),
    )
    assert result.returncode == 0, result.stderr
    assert "filesystem://" in result.stdout
    assert not tmp_path.joinpath("data").exists()


def test_start_up_makes_the_data_broker_and_static_directories(tmp_path):
    data = tmp_path / "data"
    result = run_python("import django; django.setup()", DATA_DIR=str(data))
    assert result.returncode == 0, result.stderr
    made = {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_dir()}
    assert {"static", "media", "broker/queue", "broker/processed", "broker/control"} <= made
