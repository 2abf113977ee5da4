"""Benchmark: 100k published claims to CSV through the report service, beside a raw loop.

    .venv/bin/python bench/export.py [--claims 100000] [--rounds 2]

Creates (once) its own PostgreSQL database, fc_bench_export (BENCH_DATABASE_URL to change it),
fills it with bulk_create, then in separate child processes times

* service: apps.reports.services.report_render(fmt="csv") written to a file (every column of the
  report, sources and snapshots, paragraph numbers, formula neutralising);
* raw: the same verdicts with the same columns save the sources (article, claim, rating, people,
  dates, joined in SQL), as a bare `.values_list().iterator()` into csv.writer, the way anyone
  would write it (so outside a transaction, with the server's own JIT setting: the service reads
  in a transaction without JIT, see apps.reports.selectors.report_rows);

and reads each child's peak RSS (ru_maxrss). Targets: the service at least 0.5x the raw loop's
speed, and under 150 MB peak RSS. Exits non-zero if a target is missed.
"""

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fc_bench_export"
)
CLAIMS_PER_ARTICLE = 100
SOURCES = 500
BATCH = 5000
TARGET_RATIO = 0.5
TARGET_RSS_MB = 150


def _django() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("DATA_DIR", str(Path(tempfile.gettempdir()) / "fc-bench-export"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _create_database() -> None:
    import psycopg

    base, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _seed(claims: int) -> None:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from apps.articles.models import Article
    from apps.claims.models import Claim
    from apps.sources.models import Citation, Snapshot, Source
    from apps.verdicts.models import Rating, Verdict

    call_command("migrate", verbosity=0)
    public = Verdict.objects.filter(state=Verdict.State.PUBLISHED)
    if public.count() == claims and Claim.objects.count() == claims:
        print(f"database ready: {claims:,} published claims")
        return
    started = time.perf_counter()
    with transaction.atomic():
        Citation.objects.all().delete()
        Verdict.objects.all().delete()
        Claim.objects.all().delete()
        Article.objects.all().delete()
        Snapshot.objects.all().delete()
        Source.objects.all().delete()
        author, _ = User.objects.get_or_create(username="bench-author")
        approver, _ = User.objects.get_or_create(username="bench-approver")
        now = timezone.now()
        sources = Source.objects.bulk_create(
            Source(url=f"https://bench.example/{i}", domain="bench.example", title=f"Source {i}")
            for i in range(SOURCES)
        )
        snapshots = Snapshot.objects.bulk_create(
            Snapshot(
                source=s, state=Snapshot.State.ARCHIVED, http_status=200,
                sha256=hashlib.sha256(s.url.encode()).hexdigest(),
                warc=f"archives/{i}.warc.gz", fetched_at=now, text="text",
            )
            for i, s in enumerate(sources)
        )  # fmt: skip
        paragraph = "Paragraph {i}: officials said {i} thousand people came, =1+1 critics said."
        articles = []
        for a in range((claims + CLAIMS_PER_ARTICLE - 1) // CLAIMS_PER_ARTICLE):
            body = f"Bench article {a}.\n\n" + "\n\n".join(
                paragraph.format(i=i) for i in range(CLAIMS_PER_ARTICLE)
            )
            articles.append(
                Article(
                    title=f"Bench article {a}", body=body,
                    content_sha256=hashlib.sha256(body.encode()).hexdigest(),
                )
            )  # fmt: skip
        articles = Article.objects.bulk_create(articles, batch_size=BATCH)
        ratings = list(Rating.objects.order_by("order"))
        claim_rows = []
        for n in range(claims):
            article = articles[n // CLAIMS_PER_ARTICLE]
            text = f"officials said {n % CLAIMS_PER_ARTICLE} thousand people came"
            start = article.body.index(text)
            claim_rows.append(
                Claim(article=article, text=text, start=start, end=start + len(text),
                      score=0.8, kind=Claim.Kind.STATISTIC)
            )  # fmt: skip
        claim_rows = Claim.objects.bulk_create(claim_rows, batch_size=BATCH)
        Verdict.objects.bulk_create(
            (
                Verdict(
                    claim=c, rating=ratings[n % len(ratings)], state=Verdict.State.PUBLISHED,
                    summary=f"Checked against source {n % SOURCES}; the figure holds.",
                    author=author, approver=approver, submitted_at=now, approved_at=now,
                    published_at=now,
                )
                for n, c in enumerate(claim_rows)
            ),
            batch_size=BATCH,
        )  # fmt: skip
        Citation.objects.bulk_create(
            (
                Citation(
                    claim=c, source=sources[n % SOURCES], snapshot=snapshots[n % SOURCES],
                    stance=Citation.Stance.SUPPORTS, excerpt="thousand people came",
                )
                for n, c in enumerate(claim_rows)
            ),
            batch_size=BATCH,
        )  # fmt: skip
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {claims:,} published claims in {time.perf_counter() - started:.1f} s")


def _peak_rss_kb() -> int:
    """This process's peak RSS. Linux's ru_maxrss survives exec, so a child started by a big
    parent would report the parent's size; VmHWM belongs to the new program alone."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(kind: str, path: str) -> None:
    """Run one export in this (fresh) process and print its numbers as JSON."""
    _django()
    import csv

    from apps.reports.selectors import report_verdicts
    from apps.reports.services import report_render

    baseline = _peak_rss_kb()
    started = time.perf_counter()
    if kind == "service":
        with open(path, "wb") as out:
            for chunk in report_render(fmt="csv", article_ids=None):
                out.write(chunk)
    else:
        rows = report_verdicts().values_list(
            "claim__article_id", "claim__article__title", "claim__article__canonical_url",
            "claim_id", "claim__text", "claim__start", "claim__end", "claim__kind", "state",
            "rating__label", "summary", "correction_note", "author__username",
            "approver__username", "created_at", "submitted_at", "approved_at", "published_at",
            "corrected_at", "retracted_at",
        )  # fmt: skip
        with open(path, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            for row in rows.iterator(chunk_size=2000):
                writer.writerow(row)
    seconds = time.perf_counter() - started
    peak = _peak_rss_kb()
    with open(path, "rb") as f:
        lines = sum(1 for _ in f)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rss_mb": peak / 1024,
                "baseline_mb": baseline / 1024,
                "lines": lines,
                "bytes": os.path.getsize(path),
            }
        )
    )


def _run_child(kind: str, path: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", kind, path],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return 0

    _create_database()
    _django()
    _seed(args.claims)
    best: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for kind in ("raw", "service"):
                numbers = _run_child(kind, str(Path(tmp) / f"{kind}.csv"))
                if kind not in best or numbers["seconds"] < best[kind]["seconds"]:
                    best[kind] = numbers
    raw, service = best["raw"], best["service"]
    ratio = raw["seconds"] / service["seconds"]
    print(f"{'':8} {'time':>8} {'rows/s':>9} {'peak RSS':>9} {'(start)':>8} {'size':>9}")
    for kind, n in best.items():
        print(
            f"{kind:8} {n['seconds']:7.2f}s {(n['lines'] - 1) / n['seconds']:9,.0f} "
            f"{n['rss_mb']:7.1f}MB {n['baseline_mb']:6.1f}MB {n['bytes'] / 1e6:7.1f}MB"
        )
    ok_speed = ratio >= TARGET_RATIO
    ok_rss = service["rss_mb"] < TARGET_RSS_MB
    print(
        f"service speed = {ratio:.2f}x the raw loop (target >= {TARGET_RATIO}x): "
        f"{'ok' if ok_speed else 'MISSED'}; service peak RSS {service['rss_mb']:.0f} MB "
        f"(target < {TARGET_RSS_MB} MB): {'ok' if ok_rss else 'MISSED'}"
    )
    from bench.summary import bench_result

    rows = raw["lines"] - 1
    bench_result(
        measure="CSV export speed",
        project=rows / service["seconds"],
        baseline=rows / raw["seconds"],
        target=f">= {TARGET_RATIO}x",
        ok=ok_speed,
        unit="rows/s",
    )
    bench_result(
        measure="CSV export peak RSS",
        project=service["rss_mb"],
        baseline=None,
        target=f"< {TARGET_RSS_MB} MB",
        ok=ok_rss,
        unit="MB",
    )
    return 0 if ok_speed and ok_rss else 1


if __name__ == "__main__":
    sys.exit(main())
