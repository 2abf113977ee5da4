"""Load: the public API under gunicorn for a fixed time at bounded concurrency.

    .venv/bin/python bench/load.py [--seconds 60] [--concurrency 8] [--workers 2] [--articles 40]

Creates (drops first) the PostgreSQL database fc_bench_load, publishes --articles articles of
ten claims each, starts its own redis-server on a free port (the cache and the anonymous
throttle, as in production; the machine's Redis is not touched) and gunicorn, then for --seconds
sends anonymous GETs over the public endpoints (lists, next pages, claim sets, ClaimReview, the
feed) from --concurrency threads, each waiting for its answer before the next request. Prints
requests/s, p50/p95/p99 latency and the errors by status; exits 1 on any 5xx or failed request.
The throttle runs on every request with a rate the loop cannot reach, so its cost is counted.
"""

import argparse
import hashlib
import itertools
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api import (  # noqa: E402
    claims_unsaved,
    database_recreate,
    free_port,
    gunicorn_start,
)

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "fc_bench_load"
ENV = {
    "DJANGO_SETTINGS_MODULE": "factcheck.settings",
    "DATABASE_URL": f"{PG}/{DB_NAME}",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789abcdef",
    "DEBUG": "false",
    "SECURE_SSL_REDIRECT": "false",  # plain HTTP on 127.0.0.1
    "ALLOWED_HOSTS": "127.0.0.1",
    "DB_CONN_MAX_AGE": "60",
    "LOG_LEVEL": "WARNING",
    "API_ANON_RATE": "100000000/minute",
}


def newsroom_publish(n_articles: int) -> tuple[list[int], list[int]]:
    """n articles of ten published claims each; (article ids, claim ids)."""
    from django.contrib.auth import get_user_model

    from apps.articles.models import Article
    from apps.claims.models import Claim
    from tests.factories import verdicts_published_bulk

    User = get_user_model()
    author = User.objects.create_user("load-reviewer")
    approver = User.objects.create_user("load-editor")
    article_ids, claims = [], []
    for a in range(n_articles):
        sentences = [f"Claim {i} of {a} says the town had {i * 1000} residents." for i in range(10)]
        body = " ".join(sentences)
        article = Article.objects.create(
            title=f"Load article {a}",
            body=body,
            content_sha256=hashlib.sha256(body.encode()).hexdigest(),
        )
        article_ids.append(article.pk)
        claims += claims_unsaved(article, sentences)
    claims = Claim.objects.bulk_create(claims)
    verdicts_published_bulk(claims, author=author, approver=approver)
    return article_ids, [c.pk for c in claims]


def redis_start(port: int, data_dir: str) -> subprocess.Popen | None:
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    return subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", data_dir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def paths(article_ids: list[int], claim_ids: list[int], base: str) -> list[str]:
    """The public endpoints, with a second page of each list (a real cursor)."""
    import httpx

    chosen = random.Random(7)
    result = ["/api/v1/claims/", "/api/v1/articles/", "/api/v1/claimreview/"]
    for listing in ("/api/v1/claims/", "/api/v1/articles/"):
        nxt = httpx.get(base + listing, timeout=30).json()["next"]
        if nxt:
            result.append(nxt.removeprefix(base))
    result += [f"/api/v1/articles/{pk}/" for pk in chosen.sample(article_ids, 5)]
    result += [f"/api/v1/claims/{pk}/" for pk in chosen.sample(claim_ids, 5)]
    result += [f"/api/v1/claims/{pk}/claimreview/" for pk in chosen.sample(claim_ids, 5)]
    result += ["/api/v1/claims/?rating=True", "/api/v1/articles/?ordering=id"]
    return result


def drive(base: str, urls: list[str], *, seconds: float, concurrency: int):
    """(latencies in seconds, statuses, failures) of every request sent in the time given."""
    import httpx

    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    statuses: Counter = Counter()
    failures: Counter = Counter()
    lock = threading.Lock()

    def client_loop(offset: int) -> None:
        mine_lat, mine_status, mine_fail = [], Counter(), Counter()
        with httpx.Client(base_url=base, timeout=30) as client:
            for url in itertools.islice(itertools.cycle(urls), offset, None):
                if time.monotonic() >= deadline:
                    break
                started = time.perf_counter()
                try:
                    response = client.get(url)
                except httpx.HTTPError as exc:
                    mine_fail[type(exc).__name__] += 1
                    continue
                mine_lat.append(time.perf_counter() - started)
                mine_status[response.status_code] += 1
        with lock:
            latencies.extend(mine_lat)
            statuses.update(mine_status)
            failures.update(mine_fail)

    threads = [threading.Thread(target=client_loop, args=(i * 3,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, statuses, failures


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--articles", type=int, default=40)
    args = parser.parse_args()

    import tempfile

    data_dir = tempfile.mkdtemp(prefix="fc-bench-load-")
    redis_port = free_port()
    redis_proc = redis_start(redis_port, data_dir)
    env = {**os.environ, **ENV, "DATA_DIR": data_dir}
    if redis_proc is not None:
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    else:
        env.pop("REDIS_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    os.environ.clear()
    os.environ.update(env)
    server = None
    try:
        database_recreate(DB_NAME)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        article_ids, claim_ids = newsroom_publish(args.articles)
        port = free_port()
        server = gunicorn_start(port, args.workers, env)
        base = f"http://127.0.0.1:{port}"
        urls = paths(article_ids, claim_ids, base)
        latencies, statuses, failures = drive(
            base, urls, seconds=args.seconds, concurrency=args.concurrency
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        if redis_proc is not None:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)
        shutil.rmtree(data_dir, ignore_errors=True)

    total = sum(statuses.values())
    server_errors = sum(n for code, n in statuses.items() if code >= 500)
    other = {code: n for code, n in statuses.items() if code != 200}
    print(
        f"public API, gunicorn {args.workers} sync workers, {args.concurrency} clients, "
        f"{args.seconds:g} s, {len(urls)} endpoints, cache: "
        f"{'own redis-server' if redis_proc else 'in-process'}"
    )
    print(f"  requests      : {total} ({total / args.seconds:.1f} req/s)")
    print(
        f"  latency (ms)  : p50 {percentile(latencies, 50) * 1000:.1f}  "
        f"p95 {percentile(latencies, 95) * 1000:.1f}  p99 {percentile(latencies, 99) * 1000:.1f}"
    )
    print(f"  non-200       : {other or 'none'}; failed requests: {dict(failures) or 'none'}")
    ok = server_errors == 0 and not failures and total > 0
    print(f"  5xx           : {server_errors} (target 0) {'OK' if ok else 'FAILED'}")
    from bench.summary import bench_result

    bench_result(
        measure="public API under load: 5xx and failed requests",
        project=server_errors + sum(failures.values()),
        baseline=None,
        target="0 (and some requests served)",
        ok=ok,
        unit=f"of {total} requests",
    )
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
