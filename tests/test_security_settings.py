"""Production security settings come from the environment with safe defaults when DEBUG is off,
`check --deploy` is clean with them, and every page carries a Content-Security-Policy."""

import json
import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PRINT = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k, None) for k in ["
    "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', "
    "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', "
    "'SECURE_PROXY_SSL_HEADER', 'AXES_FAILURE_LIMIT']}))"
)


def production_env(tmp_path, **extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "SESSION_", "CSRF_", "TRUST_", "LOGIN_", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DEBUG="false",
        SECRET_KEY="k" * 20 + "-production-like-secret-key-of-fifty-or-more-characters-" + "x" * 9,
        ALLOWED_HOSTS="factcheck.example.org",
        DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    env.update(extra)
    env.pop("REDIS_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    return env


def settings_run(tmp_path, **extra) -> subprocess.CompletedProcess:
    """The production settings as a fresh process reads them from this environment."""
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env=production_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=60,
    )


def read_settings(tmp_path, **extra) -> dict:
    result = settings_run(tmp_path, **extra)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_production_defaults(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert not re.search(r"security\.W\d+", result.stdout + result.stderr)


def test_production_defaults(tmp_path):
    assert read_settings(tmp_path) == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": None,
        "AXES_FAILURE_LIMIT": 5,
    }


def test_each_setting_comes_from_the_environment(tmp_path):
    assert read_settings(
        tmp_path,
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        TRUST_PROXY_HEADERS="true",
        LOGIN_FAILURE_LIMIT="9",
    ) == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "AXES_FAILURE_LIMIT": 9,
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"SECURE_HSTS_PRELOAD": "true", "SECURE_HSTS_SECONDS": "60"}, "SECURE_HSTS_PRELOAD"),
        ({"SECURE_HSTS_SECONDS": "soon"}, "SECURE_HSTS_SECONDS"),
        ({"TRUST_PROXY_HEADERS": "maybe"}, "TRUST_PROXY_HEADERS"),
        ({"LOGIN_FAILURE_LIMIT": "0"}, "LOGIN_FAILURE_LIMIT"),
    ],
)
def test_bad_values_fail_at_start_up_naming_the_variable(tmp_path, extra, message):
    result = settings_run(tmp_path, **extra)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_debug_keeps_a_laptop_working(tmp_path):
    settings = read_settings(tmp_path, DEBUG="true")
    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 0
