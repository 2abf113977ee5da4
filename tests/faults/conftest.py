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
def own_postgres():
    import shutil
    import tempfile
    from pathlib import Path

    from tests.faults.harness import OwnPostgres

    parent = Path(tempfile.mkdtemp(prefix="fc-faults-pg-"))
    parent.chmod(0o755)  # the postgres user must reach its cluster directory
    server = OwnPostgres(parent / "cluster")
    yield server
    server.stop()
    shutil.rmtree(parent, ignore_errors=True)
