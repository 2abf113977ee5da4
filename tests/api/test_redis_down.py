"""With Redis down, the public API keeps serving and throttling (in-process, with a warning in
the log), its errors stay JSON, and /healthz?full=1 names the cache as degraded with a 200."""

import json
import logging
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from apps.api import throttling
from apps.sources.models import Snapshot
from tests.api.redis_server import free_port, own_redis, stop
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(tmp_path, settings):
    """The cache on a redis-server of our own, which the test may stop."""
    with own_redis(tmp_path) as (url, proc):
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        throttling.local_counters.__init__()
        throttling.cache_state["down_since"] = None
        yield url, proc
    throttling.cache_state["down_since"] = None


def test_public_api_serves_and_throttles_in_process_when_redis_is_down(
    redis_cache, newsroom, monkeypatch, caplog
):
    _url, proc = redis_cache
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "4/minute"})
    client = APIClient(REMOTE_ADDR="203.0.113.20")
    assert client.get("/api/v1/claims/").status_code == 200
    assert cache.get("anything") is None  # the cache works while Redis is up
    stop(proc)

    with caplog.at_level(logging.WARNING, logger="apps.api.throttling"):
        statuses = [client.get("/api/v1/claims/").status_code for _ in range(5)]
    # one request counted in Redis before it stopped; the in-process count starts afresh
    assert statuses == [200, 200, 200, 200, 429]
    warnings = [r for r in caplog.records if "cache unreachable" in r.getMessage()]
    assert len(warnings) == 1  # once, not per request

    body = client.get(f"/api/v1/articles/{newsroom.article.pk}/", REMOTE_ADDR="203.0.113.21")
    assert body.status_code == 200 and "The census story" in body.content.decode()
    for path in ("/api/v1/claims/", "/api/v1/nothing/", "/api/v1/claims/abc/"):
        response = client.get(path)
        assert response["Content-Type"] == "application/json", path
    throttled = client.get("/api/v1/claims/")
    assert throttled.status_code == 429 and throttled.json()["code"] == "throttled"


def test_healthz_full_names_the_cache_as_degraded_with_200(redis_cache):
    _url, proc = redis_cache
    report = APIClient().get("/healthz", {"full": "1"}).json()
    assert report["checks"]["cache"]["ok"] is True
    assert report["checks"]["database"]["ok"] is True
    assert "cache" not in report["degraded"]

    stop(proc)
    response = APIClient().get("/healthz", {"full": "1"})
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "degraded"
    assert "cache" in report["degraded"] and "database" not in report["degraded"]
    assert "ConnectionError" in report["checks"]["cache"]["error"]
    assert report["checks"]["queue"] == {
        "ok": True, "queued": 0, "oldest_queued_seconds": None,
        "ms": report["checks"]["queue"]["ms"],
    }  # fmt: skip


def _healthz_in_a_process(tmp_path, **env_overrides) -> tuple[int, dict, int]:
    """/healthz?full=1 and /healthz answered by a separate process with its own settings, so a
    dead broker or database never touches this process's connections."""
    script = (
        "import django, json; django.setup(); from django.test import Client; "
        "c = Client(); full = c.get('/healthz', {'full': '1'}); short = c.get('/healthz'); "
        "print(json.dumps([full.status_code, full.json(), short.status_code]))"
    )
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.test_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DATA_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "testserver",
        **env_overrides,
    }
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=90, check=True,
    )  # fmt: skip
    return tuple(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.django_db(transaction=True)  # the other process must see the queued row
def test_healthz_names_broker_cache_and_workers_when_redis_is_down_with_200(tmp_path, newsroom):
    Snapshot.objects.filter(pk=Snapshot.objects.first().pk).update(
        state=Snapshot.State.QUEUED, queued_at=timezone.now() - timedelta(hours=2)
    )
    dead = f"redis://127.0.0.1:{free_port()}/0"
    status, report, short = _healthz_in_a_process(tmp_path, REDIS_URL=dead, CELERY_BROKER_URL=dead)
    assert (status, short) == (200, 200)
    assert report["status"] == "degraded"
    assert {"cache", "broker", "workers"} <= set(report["degraded"])
    assert report["checks"]["database"]["ok"] is True
    assert report["checks"]["workers"]["error"] == "not checked: the broker is down"
    queue = report["checks"]["queue"]
    assert "queue" in report["degraded"] and queue["queued"] == 1
    assert queue["oldest_queued_seconds"] >= 7200


def test_an_unexpected_error_under_the_api_is_json(client, settings):
    settings.ROOT_URLCONF = "tests.api.boom_urls"
    client.raise_request_exception = False
    response = client.get("/api/v1/boom/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": 500,
        "code": "server_error",
        "detail": "Internal server error.",
    }
    page = client.get("/boom/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    """A process whose database does not answer (a port nobody listens on)."""
    status, report, short = _healthz_in_a_process(
        tmp_path, DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/nothing"
    )
    assert (status, short) == (503, 503)
    assert report["status"] == "down"
    assert "database" in report["degraded"] and "queue" in report["degraded"]
    assert report["checks"]["cache"]["ok"] is True
