"""The anonymous throttle holds its limit exactly across processes: two web processes answering
the same client at the same time let through exactly the limit, because each request is one
atomic increment in Redis (DRF's read-modify-write of a timestamp list let both through)."""

import json
import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from tests.api.redis_server import own_redis
from tests.conftest import ROOT

LIMIT = 60
PER_PROCESS = 80

CLIENT = """
import json, os, time, django
django.setup()
from rest_framework.throttling import AnonRateThrottle
from rest_framework.test import APIClient
AnonRateThrottle.THROTTLE_RATES = {"anon": "LIMIT/day"}
client = APIClient(REMOTE_ADDR="203.0.113.77")
client.get("/api/v1/claims/", REMOTE_ADDR="192.0.2.1")  # warm up: imports, connections
start = float(os.environ["START_AT"])
while time.time() < start:
    time.sleep(0.001)
codes = [client.get("/api/v1/claims/").status_code for _ in range(PER_PROCESS)]
print(json.dumps({"ok": codes.count(200), "throttled": codes.count(429), "codes": codes}))
""".replace("PER_PROCESS", str(PER_PROCESS)).replace("LIMIT", str(LIMIT))


@pytest.mark.slow
@pytest.mark.django_db
def test_two_processes_let_through_exactly_the_limit(tmp_path):
    # A fixed daily window: do not start within a minute of midnight UTC.
    if 86400 - time.time() % 86400 < 60:
        time.sleep(61)
    db = connection.settings_dict  # the test database pytest-django created
    with own_redis(tmp_path) as (url, _proc):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "factcheck.test_settings",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": url,
            "DATA_DIR": str(tmp_path),
            "ALLOWED_HOSTS": "testserver",
            "START_AT": str(time.time() + 8),
        }
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", CLIENT],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err[-2000:]
            results.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(r["ok"] for r in results) == LIMIT
    assert sum(r["throttled"] for r in results) == 2 * PER_PROCESS - LIMIT
    # both processes were served while the other was running: the limit was shared, not split
    assert all(r["ok"] > 0 for r in results)
