"""Benchmark: the archiving pipeline against a plain script doing the same work (Celery and
the capture bookkeeping may cost at most a fifth of the throughput).

    .venv/bin/python bench/archive.py [--urls 1000] [--concurrency 32] [--rounds 3]
                                      [--fetch-processes 4 | 1,2,4]

Serves small realistic news pages from a local server (~13 kB: menus, the article, related links,
scripts; 10% of them answer after 1 s; `--pages tiny` uses the 1 kB test page instead), then:

1. plain: a thread pool of C threads doing httpx fetch + warcio WARC + text extraction (the
   app's own text_extract, so both sides extract the same way), no DB, Redis or Celery;
2. pipeline: Celery workers on Redis (db 9) and PostgreSQL (database fc_bench, created here):
   fetch workers (threads pool, C threads in all, split over --fetch-processes processes, queue
   "fetch") and an extraction worker (prefork, 2 processes, queue "default"), running the app's
   `snapshot_fetch` task (which extracts small pages itself and hands bigger ones to
   `snapshot_extract_text`), and a passage indexer (prefork, 1 process, queue "index", started
   under `nice -n 19`) running `passages_index_due`, which the fetch workers nudge (at most
   once per PASSAGES_INDEX_DELAY per process) to index the captures they marked as due. Before
   the clock starts the workers answer a ping and run one
   slow page per fetch thread (threads started, database connections open, trafilatura loaded,
   as in long-running workers; the plain script has its modules loaded too). Timed from the
   first enqueue until every snapshot is archived and its text extracted: capture throughput.
   Passage indexing is asynchronous by design (nobody waits for it; it runs at low priority on
   its own queue), so it is not inside the timed capture, but it is not left out either: the
   indexer works during the capture, and after it the run waits until every capture has its
   passages (before the next plain run starts) and reports that backlog's drain time and
   the time from the first enqueue until everything is indexed beside the capture ratio;
3. checks every URL ended archived with text and passages, exactly one snapshot per source, none
   lost; prints the CPU seconds each side spent (fetch, extract and index workers, their
   PostgreSQL backends, this process with the local server; the plain script with the server),
   a count that other load on a shared machine does not distort as it does the wall clock;
   the machine's speed drifts, so plain and pipeline runs alternate (plain, pipeline, plain,
   pipeline, ..., plain: --rounds pipeline runs, each on fresh URLs), each pipeline run is
   compared with the mean of the plain runs on either side, and the median ratio is the result;
4. memory: a fresh fetch worker archives 20 pages (so trafilatura is loaded, as in any working
   fetch worker), then one 50 MB response; its RSS fresh, warm and at peak (VmHWM).

All URLs share one host, so ARCHIVE_PER_HOST_CONCURRENCY is raised to C for the benchmark.

With a list of process counts (`--fetch-processes 1,2,4`) the pipeline rounds run for each
count in turn (C threads in all, split over that many processes) and a table prints the
throughput per count; the target is judged on the last count. BENCH_DATABASE (default fc_bench)
and BENCH_REDIS_URL (default redis://127.0.0.1:6379/9) say where the pipeline runs.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = os.environ.get("BENCH_DATABASE", "fc_bench")
PG = "postgres://postgres@127.0.0.1:5432"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
FIFTY_MB = 50 * 1024 * 1024
PLAIN_CPU: list[float] = []


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--urls", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--fetch-processes",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[4],
        help="fetch worker processes, or a comma-separated list of counts to compare (1,2,4)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="pipeline runs (default 3)")
    parser.add_argument(
        "--pages",
        choices=["news", "tiny"],
        default="news",
        help="news: ~13 kB article pages with menus, related links and scripts (default); "
        "tiny: the 1 kB test page, where fixed per-URL costs dominate",
    )
    return parser.parse_args()


def configure(port: int, concurrency: int, data_dir: str) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "SECRET_KEY": "bench-only",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "DB_CONN_MAX_AGE": "60",
        "REDIS_URL": REDIS,
        "DATA_DIR": data_dir,
        "LOG_LEVEL": "WARNING",
        "ARCHIVE_ALLOWED_NETWORKS": "127.0.0.0/8",
        "ARCHIVE_ALLOWED_PORTS": f"80,443,{port}",
        "ARCHIVE_PER_HOST_CONCURRENCY": str(concurrency),
        "ARCHIVE_MAX_BYTES": str(64 * 1024 * 1024),
        "PYTHONUNBUFFERED": "1",
        # Rendering is a job of its own after the capture, measured by bench/render.py; nothing
        # here consumes its queue, and the plain script renders nothing either.
        "RENDER_ENABLED": "false",
        # The workers' malloc settings of the Makefile and the Dockerfile, also when this script
        # is run on its own (see factcheck/worker.py).
        "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2"),
        "MALLOC_TRIM_THRESHOLD_": os.environ.get("MALLOC_TRIM_THRESHOLD_", "131072"),
    }
    os.environ.update(env)
    return {**os.environ, **env}


def database_create() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def start_worker(env, queue: str, pool: str, concurrency: int, name: str, log: Path, nice=False):
    out = log.open("wb")
    return subprocess.Popen(
        [
            *(["nice", "-n", "19"] if nice else []),
            sys.executable, "-m", "factcheck.worker", "-Q", queue,
            "-P", pool, "-c", str(concurrency), "-n", f"{name}@%h", "--loglevel=WARNING",
            "--without-heartbeat", "--without-gossip", "--without-mingle",
        ],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait_ping(app, names: list[str], procs) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                sys.exit(f"a worker exited early (code {proc.returncode})")
        replies = app.control.ping(timeout=0.5) or []
        answered = {name.split("@")[0] for reply in replies for name in reply}
        if all(name in answered for name in names):
            return
    sys.exit("workers did not answer a ping")


def plain_run(urls: list[str], concurrency: int, out_dir: Path) -> float:
    """The same work without Celery, Redis or the database: fetch, WARC, extract."""
    import httpx
    import trafilatura  # noqa: F401  (loaded before the clock starts, as in a warm worker)
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from apps.sources.extract import split_content_type, text_extract

    client = httpx.Client(
        trust_env=False, timeout=20, limits=httpx.Limits(max_connections=concurrency)
    )

    def work(index_url):
        index, url = index_url
        response = client.get(url)
        body = response.content
        with (out_dir / f"{index}.warc.gz").open("wb") as out:
            writer = WARCWriter(out, gzip=True)
            headers = StatusAndHeaders(
                f"{response.status_code} {response.reason_phrase}",
                list(response.headers.items()),
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers
            )
            writer.write_record(record)
        mime_type, charset = split_content_type(response.headers.get("content-type", ""))
        extracted = text_extract(payload=body, mime_type=mime_type, charset=charset, url=url)
        return bool(extracted.text)

    started, cpu = time.monotonic(), time.process_time()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(work, enumerate(urls)))
    elapsed = time.monotonic() - started
    PLAIN_CPU.append(time.process_time() - cpu)  # the script and the local server
    client.close()
    assert all(results), "plain run: some pages gave no text"
    return elapsed


def warm_up(web, concurrency: int, slow: str) -> None:
    """Run one slow page per fetch thread through the workers, so every pool thread has started
    and opened its database connection and trafilatura is loaded, as in long-running workers
    (the plain script likewise has its modules loaded before its clock starts); then forget them.
    """
    from celery import current_app

    from apps.sources.models import Snapshot, Source

    sources = Source.objects.bulk_create(
        Source(url=web.url(f"{slow}/warm-up-{n}"), domain="127.0.0.1") for n in range(concurrency)
    )
    snapshots = Snapshot.objects.bulk_create(Snapshot(source=source) for source in sources)
    for snapshot in snapshots:
        current_app.send_task(
            "apps.sources.tasks.snapshot_fetch", args=[snapshot.pk], queue="fetch"
        )
    wait_final([snapshot.pk for snapshot in snapshots])
    # The indexer warms up on them too; they are deleted once it is done with them.
    wait_indexed([snapshot.pk for snapshot in snapshots])
    Source.objects.filter(pk__in=[source.pk for source in sources]).delete()


def pipeline_run(urls: list[str], meter: "CpuMeter") -> tuple[float, dict]:
    from celery import current_app
    from django.db.models import Count, Exists, OuterRef

    from apps.sources.models import Passage, Snapshot, Source

    Source.objects.all().delete()  # the previous round's (snapshots go with them)
    # Sent in the plain script's order (every tenth URL slow); both models have a default
    # ordering, so the ids are looked up by URL rather than listed.
    Source.objects.bulk_create(Source(url=url, domain="127.0.0.1") for url in urls)
    source_ids = dict(Source.objects.values_list("url", "pk"))
    Snapshot.objects.bulk_create(Snapshot(source_id=source_ids[url]) for url in urls)
    snapshot_ids = dict(Snapshot.objects.values_list("source_id", "pk"))
    ids = [snapshot_ids[source_ids[url]] for url in urls]
    meter.start()
    started = time.monotonic()
    for pk in ids:
        current_app.send_task("apps.sources.tasks.snapshot_fetch", args=[pk], queue="fetch")
    deadline = started + 600
    fetched_in = None
    while time.monotonic() < deadline:
        unfetched = Snapshot.objects.filter(state__in=["queued", "fetching"]).count()
        if not unfetched and fetched_in is None:
            fetched_in = time.monotonic() - started
        if not unfetched and not Snapshot.objects.filter(state="archived", text="").exists():
            break
        time.sleep(0.1)
    elapsed = time.monotonic() - started
    capture_cpu = meter.stop()
    unindexed = Snapshot.objects.filter(state="archived").exclude(
        Exists(Passage.objects.filter(snapshot_id=OuterRef("pk")))
    )
    while time.monotonic() < deadline and unindexed.exists():
        time.sleep(0.1)
    indexed_in = time.monotonic() - started
    total_cpu = meter.stop()
    states = dict(
        Snapshot.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    per_source = Source.objects.annotate(n=Count("snapshots")).values_list("n", flat=True)
    warcs = {
        name
        for name in Snapshot.objects.values_list("warc", flat=True)
        if name and (Path(os.environ["DATA_DIR"]) / "media" / name).exists()
    }
    check = {
        "all_fetched_after_s": round(fetched_in or elapsed, 2),
        "states": states,
        "with_text": Snapshot.objects.exclude(text="").count(),
        "sources": len(per_source),
        "snapshots_per_source": sorted(set(per_source)),
        "warc_files": len(warcs),
        "with_passages": Snapshot.objects.filter(
            Exists(Passage.objects.filter(snapshot_id=OuterRef("pk")))
        ).count(),
        "indexed_after_s": round(indexed_in, 2),
        "index_drain_s": round(indexed_in - elapsed, 2),
        "cpu_s_capture": {name: round(s, 2) for name, s in capture_cpu.items()},
        "cpu_s_until_indexed": {name: round(s, 2) for name, s in total_cpu.items()},
    }
    return elapsed, check


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live descendants (a prefork pool's children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = [
            int(child)
            for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        ]
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(child) for child in children)


def database_backends() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [DB_NAME])
        return [row[0] for row in cursor.fetchall()]


class CpuMeter:
    """CPU seconds spent by named groups of processes between start() and stop(): on a shared,
    busy machine these counts say what the work costs when wall clocks cannot."""

    def __init__(self, groups: dict[str, list[int]]):
        self.groups = groups

    def _read(self) -> dict[str, dict[int, float]]:
        groups = {**self.groups, "postgres": database_backends()}
        totals = {name: {pid: cpu_seconds(pid) for pid in pids} for name, pids in groups.items()}
        totals["bench"] = {0: time.process_time()}  # the local server and the polling
        return totals

    def start(self) -> None:
        self.before = self._read()

    def stop(self) -> dict[str, float]:
        """Per group, the CPU seconds of its processes since start() (a backend that ended in
        between is not counted; one that started counts whole)."""
        after = self._read()
        return {
            name: sum(now - self.before[name].get(pid, 0.0) for pid, now in pids.items())
            for name, pids in after.items()
        }


def rss_mb(pid: int, field: str = "VmRSS:") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_final(snapshot_ids: list[int], timeout: float = 120) -> None:
    from apps.sources.models import Snapshot

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Snapshot.objects.filter(pk__in=snapshot_ids, state__in=["queued", "fetching"]):
            return
        time.sleep(0.2)


def wait_indexed(snapshot_ids: list[int], timeout: float = 120) -> None:
    from django.db.models import Exists, OuterRef

    from apps.sources.models import Passage, Snapshot

    unindexed = Snapshot.objects.filter(pk__in=snapshot_ids, state="archived").exclude(
        Exists(Passage.objects.filter(snapshot_id=OuterRef("pk")))
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and unindexed.exists():
        time.sleep(0.2)


def memory_run(env, web, tmp: Path, page: str) -> tuple[float, float, float, str]:
    """A fresh fetch worker archives 20 small pages, then one 50 MB page; return its RSS fresh,
    warm (after the small pages) and at peak."""
    from celery import current_app

    from apps.sources.models import Snapshot, Source

    def send(path: str) -> int:
        source = Source.objects.create(url=web.url(path), domain="127.0.0.1")
        snapshot = Snapshot.objects.create(source=source)
        current_app.send_task(
            "apps.sources.tasks.snapshot_fetch", args=[snapshot.pk], queue="fetch"
        )
        return snapshot.pk

    proc = start_worker(env, "fetch", "threads", 4, "benchmem", tmp / "mem.log")
    try:
        wait_ping(current_app, ["benchmem"], [proc])
        time.sleep(1)
        fresh = rss_mb(proc.pid)
        wait_final([send(f"{page}/warm{n}") for n in range(20)])
        warm = rss_mb(proc.pid)
        pk = send(f"/huge?bytes={FIFTY_MB}&length=1")
        wait_final([pk])
        peak = rss_mb(proc.pid, "VmHWM:")
        snapshot = Snapshot.objects.get(pk=pk)
        outcome = f"{snapshot.state} {snapshot.reason} size={snapshot.size}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return fresh, warm, peak, outcome


def _cpu(seconds: dict[str, float]) -> str:
    parts = " + ".join(f"{name} {value:.2f}" for name, value in seconds.items())
    return f"{sum(seconds.values()):.2f} ({parts})"


def main():
    args = parse_args()
    from tests.localweb import local_web, news_html

    web = local_web()
    tmp = Path(tempfile.mkdtemp(prefix="fc-bench-"))
    env = configure(web.port, args.concurrency, str(tmp / "data"))
    slow_every = 10
    fast, slow = ("/news", "/news-slow") if args.pages == "news" else ("/html", "/slow")
    rounds_of = {
        processes: [
            [
                web.url(f"{slow if i % slow_every == 0 else fast}/r{n}-p{processes}-{i}")
                for i in range(args.urls)
            ]
            for n in range(args.rounds)
        ]
        for processes in args.fetch_processes
    }
    rounds = rounds_of[args.fetch_processes[0]]
    if args.pages == "news":  # generated once, before any clock starts: the server caches them
        for url in (url for each in rounds_of.values() for urls in each for url in urls):
            news_html(url.rsplit("/", 1)[1])
    print(f"{args.urls} {args.pages} pages ({args.urls // slow_every} answer after 1 s), "
          f"concurrency {args.concurrency}, server {web.base}, {args.rounds} rounds")  # fmt: skip

    database_create()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    import django

    django.setup()
    import redis
    from celery import current_app

    redis.Redis.from_url(REDIS).flushdb()

    plain_dir = tmp / "plain"
    plain_dir.mkdir()
    plains = [plain_run(rounds[0], args.concurrency, plain_dir)]
    print(f"plain script : {plains[0]:6.2f} s  {args.urls / plains[0]:7.1f} URLs/s")

    ratios, checks, ok, per_count, fetch_peak = [], [], True, [], 0.0
    for processes in args.fetch_processes:
        count_ratios, rates = [], []
        # The same total concurrency, split over processes so fetching is not bound to one
        # core's GIL.
        threads = max(args.concurrency // processes, 1)
        fetchers = [
            start_worker(env, "fetch", "threads", threads, f"benchfetch{n}", tmp / f"fetch{n}.log")
            for n in range(processes)
        ]
        extractor = start_worker(env, "default", "prefork", 2, "benchextract", tmp / "extract.log")
        indexer = start_worker(
            env, "index", "prefork", 1, "benchindex", tmp / "index.log", nice=True
        )
        workers = [*fetchers, extractor, indexer]
        meter = CpuMeter({
            "fetch": [proc.pid for proc in fetchers],
            "extract": [extractor.pid],
            "index": [indexer.pid],
        })  # fmt: skip
        print(f"-- {processes} fetch process(es) of {threads} threads")
        try:
            names = [f"benchfetch{n}" for n in range(processes)] + ["benchextract", "benchindex"]
            wait_ping(current_app, names, workers)
            warm_up(web, args.concurrency, slow)
            for n, round_urls in enumerate(rounds_of[processes]):
                load = os.getloadavg()[0]
                pipeline, check = pipeline_run(round_urls, meter)
                plains.append(plain_run(round_urls, args.concurrency, plain_dir))
                plain = (plains[-2] + plains[-1]) / 2
                count_ratios.append(plain / pipeline)
                rates.append((args.urls / pipeline, args.urls / plain))
                print(f"pipeline {n + 1}   : {pipeline:6.2f} s  {args.urls / pipeline:7.1f} URLs/s "
                      f"(load average {load:.1f} on {os.cpu_count()} CPUs)")  # fmt: skip
                print(f"passages     : {check['indexed_after_s']:6.2f} s until all indexed "
                      f"({check['index_drain_s']:.2f} s after capture; not timed)")  # fmt: skip
                print(f"plain script : {plains[-1]:6.2f} s  {args.urls / plains[-1]:7.1f} URLs/s")
                print(f"CPU seconds  : capture {_cpu(check['cpu_s_capture'])}; until indexed "
                      f"{_cpu(check['cpu_s_until_indexed'])}; plain script "
                      f"{statistics.mean(PLAIN_CPU[-2:]):.2f} (with the local server)")  # fmt: skip
                print(f"ratio {n + 1}      : {count_ratios[-1]:.2f}x "
                      "(against the plain runs either side)")  # fmt: skip
                checks.append(check)
                ok = ok and (
                    check["states"] == {"archived": args.urls}
                    and check["with_text"] == args.urls
                    and check["sources"] == args.urls
                    and check["snapshots_per_source"] == [1]
                    and check["warc_files"] == args.urls
                    and check["with_passages"] == args.urls
                )
            fetch_peak = max([fetch_peak, *(rss_mb(proc.pid, "VmHWM:") for proc in fetchers)])
        finally:
            for proc in workers:
                proc.terminate()
            for proc in workers:
                proc.wait(timeout=30)
        ratios = count_ratios
        per_count.append((
            processes,
            statistics.median(rate for rate, _ in rates),
            statistics.median(rate for _, rate in rates),
            statistics.median(count_ratios),
        ))  # fmt: skip
    ratio = statistics.median(ratios)
    if len(per_count) > 1:
        print("fetch processes | pipeline URLs/s | plain URLs/s | ratio (medians)")
        for processes, rate, plain_rate, count_ratio in per_count:
            print(f"{processes:15d} | {rate:15.1f} | {plain_rate:12.1f} | {count_ratio:.2f}x")
    print(f"ratio        : {ratio:.2f}x the plain script's throughput, median of "
          f"{', '.join(f'{r:.2f}' for r in ratios)} (target >= 0.8x)")  # fmt: skip
    print(f"check        : {checks[-1]}")
    print(f"every URL archived once with text and passages, none lost or duplicated: {ok}")
    print(f"fetch worker peak RSS after the runs: {fetch_peak:.0f} MB")

    fresh, warm, peak, outcome = memory_run(env, web, tmp, fast)
    print(f"50 MB response: {outcome}; fetch worker RSS {fresh:.0f} MB fresh, {warm:.0f} MB "
          f"after 20 small pages, {peak:.0f} MB peak (target < 100 MB)")  # fmt: skip
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    from bench.summary import bench_result

    last = per_count[-1]
    bench_result(
        measure=f"archive throughput, {last[0]} fetch processes (none lost: {ok})",
        project=last[1],
        baseline=last[2],
        ratio=ratio,
        target=">= 0.8x",
        ok=ok and ratio >= 0.8,
        unit="URLs/s",
    )
    bench_result(
        measure="fetch worker peak RSS, 50 MB response",
        project=peak,
        baseline=None,
        target="< 100 MB",
        ok=peak < 100,
        unit="MB",
    )
    web.close()
    sys.exit(0 if ok and ratio >= 0.8 and peak < 100 else 1)


if __name__ == "__main__":
    main()
