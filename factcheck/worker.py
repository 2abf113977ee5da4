"""A lean entry point for Celery workers: `python -m factcheck.worker -Q fetch -P threads -c 16`.

The `celery` command loads its whole command-line stack (click-repl, prompt_toolkit: about 8 MB
of RSS, measured) into every worker process. Fetch workers are many and memory-bound, so they
start here instead, with the options that matter for them.
"""

import argparse
import os


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


if __name__ == "__main__":
    main()
