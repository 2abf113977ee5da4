"""Rendering an archived page in headless Chromium: a screenshot, a PDF, the final DOM, and every
subresource the page loads, fetched by our guarded fetcher and recorded in a WARC.

No request leaves through Chromium unchecked. The layers, each enough on its own for what it
covers, so a gap in one is closed by the next (defence in depth):

1. Routing: `context.route("**/*")` sends every request the browser makes (documents, frames,
   scripts, styles, images, fonts, XHR/fetch, CSS url(), popups' pages) to `_Page.handle`. The
   main document is fulfilled from the capture we already stored; everything else is fetched by
   `fetch.fetch_hop` (the same address policy, ports, size and time limits, one DNS lookup per
   connection, so no DNS rebinding) under the per-host politeness limit, or aborted. The fetches
   run side by side in a few fetch threads while the browser goes on; every decision, record and
   fulfilment stays on the browser thread (see `_wait`). Redirects are
   followed here, one checked hop at a time (a browser would not show the router the next hop of
   a redirect it was handed). Only GET is fetched; anything else, and any non-http(s) scheme, is
   refused.
2. A dead proxy: Chromium is started with `--proxy-server` pointing at a closed local port (and
   `<-loopback>`, so not even loopback bypasses it) and a host resolver that resolves nothing:
   a request that escaped routing (a favicon, a prefetch, a feature we did not know about) fails
   instead of reaching the network.
3. What routing cannot see is switched off: WebSockets are answered by `route_web_socket` and
   closed, an init script removes WebSocket, RTCPeerConnection, EventSource and sendBeacon before
   the page's scripts run, WebRTC may not use non-proxied UDP, service workers are blocked,
   downloads refused.

Everything is bounded: a total deadline (RENDER_TIMEOUT; each fetch gets at most what is left),
a subresource count (RENDER_MAX_SUBRESOURCES) and byte budget (RENDER_MAX_BYTES), a screenshot
height (RENDER_MAX_HEIGHT). Dialogs are dismissed and popups closed, and counted.

Playwright's sync API keeps an event loop marked as running in the thread that uses it, where
Django refuses database calls. So the browsers live in threads of their own (RENDER_CONCURRENCY
of them per process, each with one Chromium restarted after RENDER_PAGES_PER_BROWSER pages or
any error) and the worker's task thread, which writes the rows, only waits for the result.
"""

import asyncio
import io
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from urllib.parse import urljoin

from django.conf import settings

from apps.sources.fetch import (
    REDIRECT_STATUSES,
    BlockedError,
    FetchError,
    Resolver,
    fetch_hop,
    host_of,
)
from apps.sources.hostlimit import HostBusy, host_slot
from apps.sources.warc import SubresourceWarc

logger = logging.getLogger(__name__)

DEAD_PROXY = "127.0.0.1:9"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--dns-prefetch-disable",
    "--no-first-run",
    "--no-pings",
    "--mute-audio",
    f"--proxy-server=http://{DEAD_PROXY}",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--renderer-process-limit=2",
    "--js-flags=--max-old-space-size=256",
]
NO_SOCKETS = """
for (const name of ["WebSocket", "WebTransport", "RTCPeerConnection", "webkitRTCPeerConnection",
                    "RTCDataChannel", "EventSource"]) {
  try { Object.defineProperty(window, name, {value: undefined, configurable: false}); } catch (e) {}
}
try { navigator.sendBeacon = () => false; } catch (e) {}
"""
VIEWPORT = {"width": 1280, "height": 900}
THUMBNAIL_WIDTH = 480
RENDERABLE = ("text/html", "application/xhtml+xml", "text/plain")
_DROPPED_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection"}


class NotRenderable(FetchError):
    """The capture is not a page a browser lays out (a PDF, an image ...)."""


@dataclass
class RenderJob:
    snapshot_id: int
    url: str
    document: bytes
    content_type: str
    resolver: Resolver | None = None


@dataclass
class RenderOutput:
    """What a render produced. `gaps` says why it is not complete (empty when it is)."""

    screenshot: bytes = b""
    thumbnail: bytes = b""
    pdf: bytes = b""
    dom: str = ""
    warc: str = ""
    subresources: list[dict] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    page_height: int = 0
    screenshot_height: int = 0
    dialogs: int = 0
    popups: int = 0

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.subresources if item["outcome"] == outcome)

    def report(self) -> dict:
        return {
            "subresources": self.subresources,
            "gaps": self.gaps,
            "page_height": self.page_height,
            "screenshot_height": self.screenshot_height,
            "capped": self.page_height > self.screenshot_height,
            "dialogs": self.dialogs,
            "popups": self.popups,
        }


def renderable(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() in RENDERABLE


class _Page:
    """One render's routing: the budget, the report and the WARC of its subresources.

    Its state is only touched on the browser thread (route handlers run there, each in a
    greenlet of Playwright's); the fetch threads only fetch and hand back a result or an error.
    """

    def __init__(self, job: RenderJob, deadline: float, warc: SubresourceWarc, fetches):
        self.job = job
        self.deadline = deadline
        self.warc = warc
        self.fetches = fetches
        self.output = RenderOutput()
        self.bytes = 0
        self.in_flight = 0
        self.document_served = False
        self.finished = False  # the render is over: a fetch still running changes nothing

    def _record(self, url: str, kind: str, outcome: str, reason: str = "", **extra) -> None:
        self.output.subresources.append(
            {"url": url[:2048], "type": kind, "outcome": outcome, "reason": reason[:300], **extra}
        )

    def handle(self, route) -> None:
        request = route.request
        url, kind = request.url, request.resource_type
        if (
            not self.document_served
            and request.is_navigation_request()
            and request.frame.parent_frame is None
            and url.split("#", 1)[0] == self.job.url
        ):
            self.document_served = True
            route.fulfill(status=200, body=self.job.document, content_type=self.job.content_type)
            return
        if request.method != "GET":
            self._record(url, kind, "refused", f"refused: {request.method} (only GET is fetched)")
            route.abort("blockedbyclient")
            return
        if len(self.output.subresources) + self.in_flight >= settings.RENDER_MAX_SUBRESOURCES:
            limit = settings.RENDER_MAX_SUBRESOURCES
            self._gap(f"more than {limit} subresources: the rest were not fetched")
            route.abort("blockedbyclient")
            return
        self._fetch(route, url, kind)

    def _gap(self, reason: str) -> None:
        if reason not in self.output.gaps:
            self.output.gaps.append(reason)

    def _fetch(self, route, url: str, kind: str) -> None:
        """Fetch url for the browser, following redirects here hop by hop (each hop checked
        and recorded: a browser does not show a fulfilled redirect's next hop to the router)."""
        seen: set[str] = set()
        for _hop in range(settings.ARCHIVE_MAX_REDIRECTS + 1):
            seen.add(url)
            result, error = self._hop(route, url, kind)
            if self.finished:
                if result is not None:
                    result.discard()
                with suppress(Exception):  # the context is closed or closing
                    route.abort("failed")
                return
            if result is None:
                route.abort(error)
                return
            with result:
                self.bytes += result.raw_size
                self.warc.add(result)
                status = result.status
                location = _location(result)
                if status in REDIRECT_STATUSES and location:
                    self._record(url, kind, "ok", f"redirect to {location}", status=status)
                    if location in seen:
                        self._record(location, kind, "failed", "redirect loop")
                        route.abort("failed")
                        return
                    url = location
                    continue
                body = result.decoded()
                headers = _fulfil_headers(result.response_headers)
            outcome = "ok" if status < 400 else "failed"
            reason = "" if outcome == "ok" else f"HTTP {status}"
            self._record(url, kind, outcome, reason, status=status)
            route.fulfill(status=status, headers=headers, body=body)
            return
        self._record(url, kind, "failed", "too many redirects")
        route.abort("failed")

    def _hop(self, route, url: str, kind: str):
        """One checked request in a fetch thread, the browser going on meanwhile: (result, "")
        or (None, the error to abort with), recorded as refused or failed."""
        remaining = self.deadline - time.monotonic()
        room = settings.RENDER_MAX_BYTES - self.bytes
        if remaining <= 0.2 or room <= 0:
            reason = "render deadline passed" if room > 0 else "byte budget of the render used up"
            self._record(url, kind, "failed", reason)
            return None, "failed"
        max_bytes = min(room, settings.ARCHIVE_MAX_BYTES)
        self.in_flight += 1
        try:
            future = self.fetches.submit(_fetch_one, url, self.job.resolver, max_bytes, remaining)
            result = _wait(route, future)
        except BlockedError as exc:
            error, outcome, reason = "blockedbyclient", "refused", exc.reason
        except (FetchError, HostBusy) as exc:
            error, outcome, reason = "failed", "failed", exc.reason
        else:
            # Fetches run side by side, each allowed what was left when it started: the
            # budget is checked again against what the others have taken since.
            if self.finished or result.raw_size <= settings.RENDER_MAX_BYTES - self.bytes:
                return result, ""
            result.discard()
            error, outcome, reason = "failed", "failed", "byte budget of the render used up"
        finally:
            self.in_flight -= 1
        if not self.finished:
            self._record(url, kind, outcome, reason)
        return None, error


def _fetch_one(url: str, resolver: Resolver | None, max_bytes: int, timeout: float):
    """In a fetch thread: one hop through the guarded fetcher, within the host's slots."""
    with host_slot(host_of(url), wait=timeout):
        return fetch_hop(url, resolver=resolver, max_bytes=max_bytes, timeout=timeout)


def _wait(route, future: Future):
    """The fetch's result, waited for without holding up the browser thread: the route handler
    runs in a greenlet of Playwright's sync API, which lets the event loop (the page's other
    requests) go on while it waits, as its own blocking calls do. Without that hook (another
    Playwright version) it blocks, which is slower but as safe."""
    try:
        from playwright._impl._greenlets import wait_for_future

        loop, fiber = route._loop, route._dispatcher_fiber
    except (ImportError, AttributeError):  # pragma: no cover - depends on Playwright's inside
        return future.result()
    with suppress(TypeError):  # the helper's signature changed: future.result() waits plainly
        wait_for_future(loop, fiber, asyncio.wrap_future(future, loop=loop))
    return future.result()


def _location(result) -> str:
    location = next((v for k, v in result.response_headers if k.lower() == "location"), "")
    return urljoin(result.final_url, location.strip()).split("#", 1)[0] if location else ""


def _fulfil_headers(headers: list[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        if key in _DROPPED_HEADERS:
            continue
        joiner = "\n" if key == "set-cookie" else ", "
        out[key] = f"{out[key]}{joiner}{value}" if key in out else value
    return out


def _websocket_refused(page: _Page):
    def handler(ws) -> None:
        page._record(ws.url, "websocket", "refused", "refused: WebSockets are disabled")
        ws.close()

    return handler


def _render(browser, job: RenderJob, fetches: ThreadPoolExecutor) -> RenderOutput:
    start = time.monotonic()
    total = settings.RENDER_TIMEOUT
    deadline = start + total
    load_until = start + total * 0.6
    warc = SubresourceWarc(snapshot_id=job.snapshot_id, url=job.url)
    state = _Page(job, load_until, warc, fetches)
    out = state.output
    context = browser.new_context(
        viewport=VIEWPORT,
        service_workers="block",
        accept_downloads=False,
        java_script_enabled=True,
        user_agent=settings.ARCHIVE_USER_AGENT,
    )
    try:
        context.set_default_timeout(max(1000, (deadline - time.monotonic()) * 1000))
        context.add_init_script(NO_SOCKETS)
        context.route("**/*", state.handle)
        context.route_web_socket("**/*", _websocket_refused(state))
        page = context.new_page()
        context.on("page", lambda popup: _popup_close(state, popup))
        page.on("dialog", lambda dialog: _dialog_dismiss(state, dialog))
        _load(page, job, state, load_until)
        _outputs(page, out, total)
        out.warc = warc.keep()
    except BaseException:
        warc.discard()
        raise
    finally:
        state.finished = True
        context.close()
    return out


def _outputs(page, out: RenderOutput, total: float) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        # page.content() and evaluate() have no timeout of their own: first make sure the page
        # answers at all (a script in an endless loop never will).
        page.wait_for_function("() => true", timeout=2000)
        out.dom = page.content()
        _pictures(page, out)
        page.emulate_media(media="screen")
        out.pdf = page.pdf(print_background=True, width="1280px")
    except PlaywrightTimeout:
        raise FetchError(
            f"the page did not respond within {total:g} s (a script kept it busy)"
        ) from None


def _load(page, job: RenderJob, state: _Page, until: float) -> None:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    seconds = max(0.5, until - time.monotonic())
    try:
        page.goto(job.url, wait_until="load", timeout=seconds * 1000)
    except PlaywrightTimeout:
        state._gap(f"the page was still loading after {seconds:.0f} s: captured as it was then")
        return
    except PlaywrightError as exc:
        raise FetchError(f"the browser could not open the page: {_first_line(exc)}") from None
    idle = min(2.0, until - time.monotonic())
    if idle > 0:
        # a page that keeps loading (an endless feed) is captured as it is now
        with suppress(PlaywrightTimeout):
            page.wait_for_load_state("networkidle", timeout=idle * 1000)


def _pictures(page, out: RenderOutput) -> None:
    height = page.evaluate(
        "Math.max(document.documentElement ? document.documentElement.scrollHeight : 0,"
        " document.body ? document.body.scrollHeight : 0)"
    )
    out.page_height = int(height or VIEWPORT["height"])
    out.screenshot_height = max(1, min(out.page_height, settings.RENDER_MAX_HEIGHT))
    if out.page_height > out.screenshot_height:
        out.gaps.append(
            f"page is {out.page_height} px tall: the screenshot stops at {out.screenshot_height} px"
        )
    clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": out.screenshot_height}
    out.screenshot = page.screenshot(full_page=True, clip=clip, animations="disabled")
    top = page.screenshot(
        clip={**clip, "height": min(out.screenshot_height, VIEWPORT["height"])},
        type="jpeg",
        quality=70,
    )
    out.thumbnail = _thumbnail(top)


def _thumbnail(jpeg: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(jpeg)) as image:
        ratio = THUMBNAIL_WIDTH / image.width
        small = image.convert("RGB").resize((THUMBNAIL_WIDTH, max(1, int(image.height * ratio))))
        buffer = io.BytesIO()
        small.save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


def _dialog_dismiss(state: _Page, dialog) -> None:
    state.output.dialogs += 1
    try:
        dialog.dismiss()
    except Exception:  # the page went away meanwhile
        logger.debug("dialog already gone", exc_info=True)


def _popup_close(state: _Page, popup) -> None:
    state.output.popups += 1
    try:
        popup.close()
    except Exception:
        logger.debug("popup already gone", exc_info=True)


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


class _Browsers(threading.local):
    """This thread's Playwright and Chromium, how many pages the browser has rendered, and the
    threads that fetch its pages' subresources side by side (as many as one host allows)."""

    playwright = None
    browser = None
    pages = 0
    fetches: ThreadPoolExecutor | None = None

    def fetch_threads(self) -> ThreadPoolExecutor:
        if self.fetches is None:
            self.fetches = ThreadPoolExecutor(
                max_workers=settings.ARCHIVE_PER_HOST_CONCURRENCY, thread_name_prefix="render-fetch"
            )
        return self.fetches

    def get(self):
        if self.browser is not None and (
            self.pages >= settings.RENDER_PAGES_PER_BROWSER or not self.browser.is_connected()
        ):
            self.close()
        if self.browser is None:
            from playwright.sync_api import sync_playwright

            if self.playwright is None:
                self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=settings.RENDER_CHROMIUM, args=CHROMIUM_ARGS
            )
            self.pages = 0
        self.pages += 1
        return self.browser

    def close(self) -> None:
        browser, self.browser = self.browser, None
        if browser is not None:
            try:
                browser.close()
            except Exception:
                logger.warning("closing Chromium failed", exc_info=True)


_browsers = _Browsers()
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _in_browser_thread(job: RenderJob) -> RenderOutput:
    browser = _browsers.get()
    try:
        return _render(browser, job, _browsers.fetch_threads())
    except FetchError:
        raise
    except BaseException:
        _browsers.close()  # a browser that failed once is not trusted with the next page
        raise


_slots: threading.Semaphore | None = None


def _free_browsers() -> threading.Semaphore:
    global _slots
    with _executor_lock:
        if _slots is None:
            _slots = threading.Semaphore(settings.RENDER_CONCURRENCY)
        return _slots


def page_render(job: RenderJob) -> RenderOutput:
    """Render job.url in one of this process's browser threads and wait for the result."""
    global _executor
    # A free browser first (task threads may outnumber browsers), so the deadline below counts
    # only this render, not a wait behind others.
    _free_browsers().acquire()
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=settings.RENDER_CONCURRENCY, thread_name_prefix="renderer"
            )
        executor = _executor
    future = executor.submit(_in_browser_thread, job)
    once = threading.Lock()

    def release(_future=None) -> None:  # once: by the render's end, or by giving up on it
        if once.acquire(blocking=False):
            _free_browsers().release()

    future.add_done_callback(release)
    try:
        return future.result(timeout=settings.RENDER_TIMEOUT + 30)
    except TimeoutError:
        # Every browser call has a timeout, so this should not happen; if a browser thread is
        # stuck anyway, the next renders get a fresh pool instead of queueing behind it.
        with _executor_lock:
            if _executor is executor:
                _executor = None
        release()
        logger.error("a browser thread did not answer within the render deadline; replaced")
        raise


def browsers_close() -> None:
    """Shut this process's browsers down (tests, benchmarks)."""
    global _executor
    with _executor_lock:
        executor, _executor = _executor, None
    if executor is None:
        return
    workers = settings.RENDER_CONCURRENCY
    barrier = threading.Barrier(workers)  # one close per thread: each waits for the others

    def close() -> None:
        barrier.wait(timeout=30)
        _browsers.close()
        if _browsers.playwright is not None:
            _browsers.playwright.stop()
            _browsers.playwright = None
        if _browsers.fetches is not None:
            _browsers.fetches.shutdown(wait=True)
            _browsers.fetches = None

    for _ in range(workers):
        executor.submit(close)
    executor.shutdown(wait=True)
