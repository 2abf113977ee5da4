"""A lean entry point for Celery workers: `python -m factcheck.worker -Q fetch -P threads -c 16`.

Fetch workers are many and memory-bound (issue 4 wants a worker under 100 MB while it archives a
50 MB response), so they start here instead of through the `celery` command, and shed what a
worker never uses (each figure measured with bench/archive.py):

* the `celery` command's own stack (click-repl, prompt_toolkit): about 8 MB;
* the admin's autodiscovery, which imports every app's admin module and what those import: the
  admin is registered without it (SimpleAdminConfig), since workers never serve admin pages;
* glibc's per-thread malloc arenas: each pool thread would otherwise get its own arena and keep
  the memory lxml freed there; two arenas, and a trim of freed memory now and then after tasks.
"""

import argparse
import ctypes
import ctypes.util
import os
import time

M_ARENA_MAX = -8  # glibc's mallopt parameter number
TRIM_EVERY = 1.0  # seconds between malloc_trim calls at most


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m factcheck.worker", description=__doc__)
    parser.add_argument("-Q", "--queues", default="default", help="comma-separated queues")
    parser.add_argument("-P", "--pool", default="threads", choices=["threads", "prefork", "solo"])
    parser.add_argument("-c", "--concurrency", type=int, default=8)
    parser.add_argument("-n", "--hostname", default=f"worker-{os.getpid()}@%h")
    parser.add_argument("-l", "--loglevel", default="INFO")
    parser.add_argument("--without-gossip", action="store_true")
    parser.add_argument("--without-mingle", action="store_true")
    parser.add_argument("--without-heartbeat", action="store_true")
    options = parser.parse_args(argv)
    if options.concurrency < 1:
        parser.error("--concurrency must be at least 1")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    _admin_without_autodiscovery()
    _malloc_tuned()
    from celery.utils.nodenames import default_nodename, host_format

    from factcheck.celery import app

    worker = app.Worker(
        hostname=host_format(default_nodename(options.hostname)),
        queues=[q.strip() for q in options.queues.split(",") if q.strip()],
        pool_cls=options.pool,
        concurrency=options.concurrency,
        loglevel=options.loglevel,
        without_gossip=options.without_gossip,
        without_mingle=options.without_mingle,
        without_heartbeat=options.without_heartbeat,
    )
    worker.start()
    raise SystemExit(worker.exitcode)


def _admin_without_autodiscovery() -> None:
    from django.conf import settings

    settings.INSTALLED_APPS = [
        "django.contrib.admin.apps.SimpleAdminConfig" if app == "django.contrib.admin" else app
        for app in settings.INSTALLED_APPS
    ]


def _malloc_tuned() -> None:
    """Two malloc arenas, and freed memory handed back to the system after tasks (glibc only;
    elsewhere this does nothing)."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is None or not hasattr(libc, "mallopt") or not hasattr(libc, "malloc_trim"):
        return
    libc.mallopt(M_ARENA_MAX, 2)
    from celery.signals import task_postrun

    last = [0.0]

    def trim(**_kwargs) -> None:
        now = time.monotonic()
        if now - last[0] >= TRIM_EVERY:
            last[0] = now
            libc.malloc_trim(0)

    task_postrun.connect(trim, weak=False)


if __name__ == "__main__":
    main()
