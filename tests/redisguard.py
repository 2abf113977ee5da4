"""The suite empties its Redis database before it starts (so no message from an earlier run is
consumed), but only a database it can tell is its own.

REDIS_URL is the developer's to set, and may name a database that holds someone else's data (a
colleague's queue, a local cache). The suite marks the database it uses with a sentinel key; at
the start of a session it flushes the database only if the sentinel is there, claims it if it is
empty, and otherwise refuses to run, naming the database and what it holds.
"""

import redis

SENTINEL = "factcheck:test-suite-database"


class ForeignRedisData(Exception):
    """The database holds keys the suite did not write."""


def redis_database_claim(url: str) -> bool:
    """Make the database at `url` an empty one marked as the suite's; True if it was flushed."""
    client = redis.Redis.from_url(url)
    try:
        flushed = False
        if client.exists(SENTINEL):
            client.flushdb()
            flushed = True
        elif client.dbsize():
            sample = sorted(key.decode(errors="replace") for key in client.scan_iter(count=20))[:3]
            raise ForeignRedisData(
                f"REDIS_URL={url} names a Redis database with {client.dbsize()} keys the test "
                f"suite did not create (e.g. {', '.join(sample)}). The suite empties its database "
                "before it runs, so it will not use this one: set REDIS_URL to an empty database "
                "(e.g. redis://127.0.0.1:6379/15). If an interrupted run of this suite left them, "
                "empty that database yourself (redis-cli -n N flushdb) and run again."
            )
        redis_database_mark(url)
        return flushed
    finally:
        client.close()


def redis_database_mark(url: str) -> None:
    """Mark the database at `url` as the suite's (again, after a test cleared it)."""
    client = redis.Redis.from_url(url)
    try:
        client.set(SENTINEL, "this database belongs to the factcheck test suite")
    finally:
        client.close()
