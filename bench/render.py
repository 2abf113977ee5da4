"""Benchmark rendered captures: pages per minute through the renderer (every request routed
through the guarded fetcher, subresources written to a WARC, screenshot, thumbnail, PDF, DOM)
against plain Playwright doing the same page work with no interception, in the same run, and
the peak memory (PSS) of the process tree (Python, Playwright's driver, Chromium) while rendering.

    .venv/bin/python bench/render.py [--pages 50] [--subresources 20]

Pages come from a local server on 127.0.0.1 (the one address the run allows): each has a
stylesheet, a script and images, --subresources in all. Both sides render the pages one after
another with one browser; the renderer restarts its browser every 20 pages here
(RENDER_PAGES_PER_BROWSER), as a worker does, so its peak includes a restart.
Targets: renderer >= 0.7x plain Playwright's pages per minute; peak memory <= 1.2x plain
Playwright's (the renderer's Python side, fetcher and WARC writing must not add much).
"""

import argparse
import ipaddress
import logging
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.test_settings")
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the baseline drives Playwright in this thread

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from bench.summary import bench_result  # noqa: E402

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc000000301010018dd8db40000000049454e44ae426082"
)


def pages(web, count: int, subresources: int) -> list[tuple[str, bytes]]:
    images = subresources - 2
    web.page("/bench/style.css", "body{font:16px serif} img{width:40px;height:40px}", "text/css")
    web.page("/bench/app.js", "document.title += ' (js)';", "application/javascript")
    out = []
    for n in range(count):
        tags = "".join(f'<img src="/bench/{n}/img-{i}.png">' for i in range(images))
        for i in range(images):
            web.page(f"/bench/{n}/img-{i}.png", PNG, "image/png")
        body = (
            f'<!doctype html><html><head><title>Page {n}</title><link rel="stylesheet" '
            f'href="/bench/style.css"><script src="/bench/app.js"></script></head><body>'
            f"<h1>Page {n}</h1><p>{'The council said unemployment fell. ' * 40}</p>{tags}"
            "</body></html>"
        )
        out.append((web.page(f"/bench/{n}/page", body), body.encode()))
    return out


class PeakRss:
    """The largest summed PSS of this process and all its descendants, sampled every 100 ms
    (proportional set size: pages Chromium's processes share are counted once, not per
    process, so the sum is what the tree really holds)."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, tree_rss(os.getpid()))


def tree_rss(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += next(
                int(line.split()[1]) for line in status.splitlines() if line[:4] == "Pss:"
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                stack.extend(int(child) for child in children)
        except (OSError, StopIteration):
            continue
    return total * 1024


def renderer_run(items) -> float:
    from apps.sources.render import RenderJob, browsers_close, page_render

    start = time.perf_counter()
    for n, (url, body) in enumerate(items):
        output = page_render(
            RenderJob(snapshot_id=n, url=url, document=body, content_type="text/html")
        )
        assert output.count("ok") == SUBRESOURCES, output.subresources
        Path(settings.MEDIA_ROOT, output.warc).unlink()
    elapsed = time.perf_counter() - start
    browsers_close()
    return elapsed


def plain_run(items) -> float:
    from playwright.sync_api import sync_playwright

    from apps.sources.render import VIEWPORT

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=settings.RENDER_CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        start = time.perf_counter()
        for url, _body in items:
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            page.goto(url, wait_until="load")
            page.wait_for_load_state("networkidle", timeout=2000)
            page.content()
            page.screenshot(full_page=True)
            page.screenshot(type="jpeg", quality=70)
            page.emulate_media(media="screen")
            page.pdf(print_background=True, width="1280px")
            context.close()
        elapsed = time.perf_counter() - start
        browser.close()
    return elapsed


SUBRESOURCES = 20


def main() -> int:
    global SUBRESOURCES
    # One INFO line per subresource from httpx would measure the terminal, not the renderer.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--subresources", type=int, default=20)
    options = parser.parse_args()
    SUBRESOURCES = options.subresources
    from tests.localweb import local_web

    web = local_web()
    settings.ARCHIVE_ALLOWED_NETWORKS = [ipaddress.ip_network("127.0.0.1/32")]
    settings.ARCHIVE_ALLOWED_PORTS = [80, 443, web.port]
    settings.RENDER_CONCURRENCY = 1
    settings.RENDER_PAGES_PER_BROWSER = 20
    if "REDIS_URL" not in os.environ:
        settings.REDIS_URL = ""  # per-host slots in this process; never touch a shared Redis
    items = pages(web, options.pages, options.subresources)

    plain_run(items[:3])  # warm both up (disk cache, fonts)
    with PeakRss() as plain_rss:
        plain = plain_run(items)
    with PeakRss() as rss:
        ours = renderer_run(items)
    ours_rate, plain_rate = 60 * len(items) / ours, 60 * len(items) / plain
    ratio = ours_rate / plain_rate
    print(f"renderer {ours_rate:.1f} pages/min, plain Playwright {plain_rate:.1f} pages/min")
    bench_result(
        measure=f"render throughput ({options.pages} pages x {options.subresources} subresources)",
        project=round(ours_rate, 1),
        baseline=round(plain_rate, 1),
        target=">= 0.7x",
        ok=ratio >= 0.7,
        unit="pages/min",
        ratio=ratio,
    )
    peak_mb, plain_mb = rss.peak / 1024 / 1024, plain_rss.peak / 1024 / 1024
    print(f"peak memory: renderer {peak_mb:.0f} MB, plain Playwright {plain_mb:.0f} MB")
    bench_result(
        measure="render worker peak memory (PSS of the process tree, Chromium included)",
        project=round(peak_mb, 1),
        baseline=round(plain_mb, 1),
        target="<= 1.2x",
        ok=peak_mb <= 1.2 * plain_mb,
        unit="MB",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
