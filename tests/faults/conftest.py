"""Fixtures of the fault tests (helpers in harness.py): an own Redis, workers stopped by PID."""

import pytest

from tests.faults.harness import OwnRedis, Workers


@pytest.fixture
def own_redis():
    server = OwnRedis()
    yield server
    server.stop()


@pytest.fixture
def workers(tmp_path):
    started = Workers(tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def own_postgres(tmp_path_factory):
    import tempfile
    from pathlib import Path

    from tests.faults.harness import OwnPostgres

    server = OwnPostgres(Path(tempfile.mkdtemp(prefix="fc-faults-pg-")) / "cluster")
    yield server
    server.stop()
