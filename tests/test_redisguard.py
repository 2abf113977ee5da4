"""The suite flushes only a Redis database it marked as its own, against a private redis-server
(so no colleague's database is touched even by this test)."""

import shutil
import subprocess
import time

import pytest
import redis

from tests.localweb import free_port
from tests.redisguard import SENTINEL, ForeignRedisData, redis_database_claim

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory):
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path_factory.mktemp("redis"))],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield port
    proc.terminate()
    proc.wait(timeout=10)


def test_foreign_keys_are_refused_and_kept(private_redis):
    url = f"redis://127.0.0.1:{private_redis}/3"
    theirs = redis.Redis.from_url(url)
    theirs.set("colleague:queue", "precious")
    with pytest.raises(ForeignRedisData, match=r"REDIS_URL=redis://127\.0\.0\.1:\d+/3 .* 1 keys"):
        redis_database_claim(url)
    assert theirs.get("colleague:queue") == b"precious"
    assert not theirs.exists(SENTINEL)


def test_an_empty_database_is_claimed_then_flushed_on_the_next_run(private_redis):
    url = f"redis://127.0.0.1:{private_redis}/4"
    ours = redis.Redis.from_url(url)
    assert redis_database_claim(url) is False
    ours.set("_kombu.binding.default", "left by a run")
    assert redis_database_claim(url) is True
    assert ours.keys() == [SENTINEL.encode()]
