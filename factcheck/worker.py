"""The one way to start a Celery worker here: `python -m factcheck.worker -Q fetch -P threads -c 8`.

`make run`, docker-compose's worker and fetcher services, the test suite and the benchmarks all
start workers through this module, so they run the same code path. It starts lean, because fetch
workers are many and memory-bound (one must stay under 100 MB while it archives a 50 MB response;
bench/archive.py measures it):

* it skips the `celery` command's own stack (click-repl, prompt_toolkit): about 8 MB;
* it registers the admin without autodiscovery (SimpleAdminConfig): a worker serves no admin page,
  so every app's admin module, and what those import, stays unloaded;
* it keeps httpx's command-line client out: `import httpx` loads it (and with it rich and
  pygments, about 6 MB) whenever those happen to be installed, as the dev tools install them;
  httpx falls back to a stub when it cannot be imported, and a worker never runs it.

glibc's allocator is tuned through the environment, where the process is started (Makefile,
Dockerfile): MALLOC_ARENA_MAX=2 keeps pool threads from each holding freed memory in an arena of
their own, and MALLOC_TRIM_THRESHOLD_ makes free() hand memory back to the system (and sends large
buffers to mmap), so a worker shrinks again after a large page.
"""

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m factcheck.worker", description=__doc__)
    parser.add_argument("-Q", "--queues", default="default", help="comma-separated queues")
    parser.add_argument("-P", "--pool", default="threads", choices=["threads", "prefork", "solo"])
    parser.add_argument("-c", "--concurrency", type=int, default=8)
    parser.add_argument("-n", "--hostname", default=f"worker-{os.getpid()}@%h")
    parser.add_argument("-l", "--loglevel", default="INFO")
    parser.add_argument(
        "-B", "--beat", action="store_true", help="also run the scheduler (as `make run` does)"
    )
    parser.add_argument("--without-gossip", action="store_true")
    parser.add_argument("--without-mingle", action="store_true")
    parser.add_argument("--without-heartbeat", action="store_true")
    options = parser.parse_args(argv)
    if options.concurrency < 1:
        parser.error("--concurrency must be at least 1")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    _without_httpx_command_line()
    _admin_without_autodiscovery()
    from celery.utils.nodenames import default_nodename, host_format

    from factcheck.celery import app

    worker = app.Worker(
        hostname=host_format(default_nodename(options.hostname)),
        queues=[q.strip() for q in options.queues.split(",") if q.strip()],
        pool_cls=options.pool,
        concurrency=options.concurrency,
        loglevel=options.loglevel,
        beat=options.beat,
        without_gossip=options.without_gossip,
        without_mingle=options.without_mingle,
        without_heartbeat=options.without_heartbeat,
    )
    worker.start()
    raise SystemExit(worker.exitcode)


def _without_httpx_command_line() -> None:
    """Make `import httpx._main` fail (a None entry in sys.modules raises ImportError), so httpx
    takes its own fallback instead of loading rich and pygments."""
    sys.modules.setdefault("httpx._main", None)


def _admin_without_autodiscovery() -> None:
    from django.conf import settings

    settings.INSTALLED_APPS = [
        "django.contrib.admin.apps.SimpleAdminConfig" if app == "django.contrib.admin" else app
        for app in settings.INSTALLED_APPS
    ]


if __name__ == "__main__":
    main()
