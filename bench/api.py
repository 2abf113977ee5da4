"""Benchmark: the API's claim-set endpoint beside a raw .values() + JsonResponse view of the same
data, both served by gunicorn in the same run, driven by a bounded local load loop.

    .venv/bin/python bench/api.py [--claims 500] [--requests 400] [--threads 8] [--workers 2]

Creates (drops first) the PostgreSQL database fc_bench_api, migrates it, publishes an article
with --claims claims, then prints requests/s of both views, their ratio (target >= 0.5) and the
queries per request of each.
"""

import argparse
import hashlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "fc_bench_api"
ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.api_settings",
    "DATABASE_URL": f"{PG}/{DB_NAME}",
    "SECRET_KEY": "bench-only-secret-key",
    "DEBUG": "false",
    "SECURE_SSL_REDIRECT": "false",  # plain HTTP on 127.0.0.1
    "DB_CONN_MAX_AGE": "60",
    "LOG_LEVEL": "WARNING",
}


def database_recreate(name: str = DB_NAME) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def article_publish(n_claims: int) -> int:
    """An article with n published claims, each with a cited, archived source (bulk inserts)."""
    from django.contrib.auth import get_user_model

    from apps.articles.models import Article
    from apps.claims.models import Claim
    from tests.factories import verdicts_published_bulk

    User = get_user_model()
    author = User.objects.create_user("bench-reviewer")
    approver = User.objects.create_user("bench-editor")
    sentences = [f"Claim {i} says the city had {i * 1000} residents." for i in range(n_claims)]
    body = " ".join(sentences)
    article = Article.objects.create(
        title="Benchmark article",
        body=body,
        content_sha256=hashlib.sha256(body.encode()).hexdigest(),
        canonical_url="https://paper.example.com/bench",
    )
    claims = Claim.objects.bulk_create(claims_unsaved(article, sentences))
    verdicts_published_bulk(claims, author=author, approver=approver)
    return article.pk


def claims_unsaved(article, sentences: list[str]) -> list:
    """One claim per sentence of an article whose body is the sentences joined by spaces."""
    from apps.claims.models import Claim

    claims, start = [], 0
    for sentence in sentences:
        end = start + len(sentence)
        claims.append(
            Claim(article=article, text=sentence, start=start, end=end, score=0.8, kind="statistic")
        )
        start = end + 1
    return claims


def queries_per_request(url: str) -> tuple[int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.get(url)  # warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), len(response.content)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_start(port: int, workers: int, env: dict | None = None) -> subprocess.Popen:
    """gunicorn serving the project on 127.0.0.1:port, once /healthz answers; with `env`, that
    environment instead of this benchmark's."""
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "factcheck.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env or {**os.environ, **ENV},
    )  # fmt: skip
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def load(url: str, *, total: int, threads: int) -> float:
    """Requests per second for `total` GETs of url spread over `threads` threads."""
    import httpx

    counter = iter(range(total))
    lock = threading.Lock()
    errors: list[str] = []

    def worker():
        with httpx.Client(timeout=30) as client:
            while True:
                with lock:
                    if next(counter, None) is None:
                        return
                response = client.get(url)
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {response.text[:200]}")

    for _ in range(threads):  # warm every worker's connection
        httpx.get(url, timeout=30)
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{len(errors)} failed requests to {url}: {errors[0]}")
    return total / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=500)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    os.environ.update(ENV)
    database_recreate()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    article_id = article_publish(args.claims)
    api_path, raw_path = f"/api/v1/articles/{article_id}/", f"/bench/raw/{article_id}/"
    api_queries, api_bytes = queries_per_request(api_path)
    raw_queries, raw_bytes = queries_per_request(raw_path)

    port = free_port()
    server = gunicorn_start(port, args.workers)
    try:
        base = f"http://127.0.0.1:{port}"
        raw_rps = load(base + raw_path, total=args.requests, threads=args.threads)
        api_rps = load(base + api_path, total=args.requests, threads=args.threads)
    finally:
        server.terminate()
        server.wait(timeout=20)

    ratio = api_rps / raw_rps
    verdict = "OK" if ratio >= 0.5 else "BELOW TARGET"
    print(
        f"claim set of {args.claims} published claims; gunicorn {args.workers} sync workers; "
        f"{args.requests} requests per view over {args.threads} threads"
    )
    for name, rps, queries, size in (
        ("raw .values() + JsonResponse", raw_rps, raw_queries, raw_bytes),
        ("API /api/v1/articles/{id}/", api_rps, api_queries, api_bytes),
    ):
        print(f"  {name:<30}: {rps:8.1f} req/s  {queries} queries/request  {size // 1024} KiB")
    print(f"  {'ratio API / raw':<30}: {ratio:.2f}x (target >= 0.5x) {verdict}")
    from bench.summary import bench_result

    bench_result(
        measure="API article view vs raw view",
        project=api_rps,
        baseline=raw_rps,
        target=">= 0.5x",
        ok=ratio >= 0.5,
        unit="req/s",
    )


if __name__ == "__main__":
    main()
