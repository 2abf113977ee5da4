"""docker-compose.yml and the Dockerfile cannot be run here (no Docker engine), so their shape is
checked: every service the stack needs, the right commands, environment and healthchecks."""

import re

import pytest
import yaml
from django.test import Client

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_present(compose):
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(compose["services"])
    assert {"pgdata", "media"} <= set(compose["volumes"])


def test_postgres_has_healthcheck_and_named_volume(compose):
    pg = compose["services"]["postgres"]
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])
    assert "pgdata:/var/lib/postgresql/data" in pg["volumes"]
    redis = compose["services"]["redis"]
    assert "ping" in redis["healthcheck"]["test"]


def test_web_waits_for_database_migrates_and_serves_with_gunicorn(compose):
    web = compose["services"]["web"]
    assert web["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert web["depends_on"]["redis"]["condition"] == "service_healthy"
    assert re.search(r"manage\.py migrate --noinput &&\s+gunicorn factcheck\.wsgi", web["command"])
    assert "8000:8000" in web["ports"]
    assert "/healthz" in " ".join(web["healthcheck"]["test"])


@pytest.mark.parametrize("name", ["web", "worker", "fetcher", "beat"])
def test_app_services_share_configuration(compose, name):
    service = compose["services"][name]
    env = service["environment"]
    assert env["DATABASE_URL"].startswith("postgres://factcheck:factcheck@postgres:5432/")
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert env["DEBUG"] == "false"
    assert "media:/data/media" in service["volumes"]
    assert service["build"] == "."


def test_workers_consume_both_queues_and_beat_runs(compose):
    services = compose["services"]
    worker, fetcher, beat = (
        services["worker"]["command"],
        services["fetcher"]["command"],
        services["beat"]["command"],
    )
    assert worker[:4] == ["celery", "-A", "factcheck", "worker"] and "default" in worker
    assert fetcher[:3] == ["python", "-m", "factcheck.worker"]
    assert fetcher[fetcher.index("-Q") + 1] == "fetch" and "threads" in fetcher
    assert beat[:4] == ["celery", "-A", "factcheck", "beat"]
    for name in ("worker", "fetcher", "beat"):
        assert services[name]["depends_on"]["web"]["condition"] == "service_healthy"


def test_dockerfile_is_multi_stage_and_unprivileged():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", dockerfile, re.M)) == 2
    assert "COPY --from=build /venv /venv" in dockerfile
    assert re.search(r"^USER app$", dockerfile, re.M)
    assert "collectstatic" in dockerfile
    assert "libpango-1.0-0" in dockerfile


@pytest.mark.django_db
def test_healthz_answers():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
