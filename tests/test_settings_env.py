"""Settings are read from the environment and malformed values stop start-up with a message."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def run_check(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    for key in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
        clean.pop(key, None)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_secret_key_required_without_debug():
    result = run_check(DATA_DIR=os.environ["DATA_DIR"])
    assert result.returncode == 2
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe' is not a valid boolean"),
        ("ARCHIVE_MAX_BYTES", "lots", "ARCHIVE_MAX_BYTES='lots' is not a valid integer"),
        ("ARCHIVE_ALLOWED_NETWORKS", "10.0.0.0/33", "is not a CIDR network"),
        ("ARCHIVE_ALLOWED_PORTS", "80,http", "must be a comma-separated list of integers"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL='LOUD' must be"),
        ("CELERY_TASK_TIME_LIMIT", "7200", "must be below CELERY_VISIBILITY_TIMEOUT"),
        ("PRIOR_CHECK_FLAG", "0.2", "0 < PRIOR_CHECK_SUGGEST <= PRIOR_CHECK_FLAG <= 1"),
        ("PRIOR_CHECK_FLAG", "1.5", "0 < PRIOR_CHECK_SUGGEST <= PRIOR_CHECK_FLAG <= 1"),
        ("PRIOR_CHECK_SUGGEST", "0", "0 < PRIOR_CHECK_SUGGEST <= PRIOR_CHECK_FLAG <= 1"),
    ],
)
def test_malformed_values_fail_with_a_clear_message(name, value, message):
    env = {"SECRET_KEY": "x", "DATA_DIR": os.environ["DATA_DIR"], name: value}
    result = run_check(**env)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def settings_print(code: str, env: dict[str, str]) -> str:
    """What `code` prints after django.setup() in a fresh process with this environment."""
    env = {**env, "DJANGO_SETTINGS_MODULE": "factcheck.settings"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django;django.setup();{code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_defaults_run_without_any_service(tmp_path):
    """No DATABASE_URL or REDIS_URL: SQLite under DATA_DIR and the filesystem broker."""
    code = (
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE']);"
        "print(settings.CELERY_BROKER_URL)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DEBUG="true", DATA_DIR=str(tmp_path))
    env.pop("SECRET_KEY", None)
    assert settings_print(code, env).split() == ["django.db.backends.sqlite3", "filesystem://"]
    assert (tmp_path / "broker" / "queue").is_dir()
