"""A local web server on 127.0.0.1 for tests that fetch URLs, and pytest fixtures around it.

One threaded server per test session, on a free port, started on first use (also by the worker
environment in conftest, which needs the port before the worker starts). Besides fixed routes for
the archiving tests it serves any page a test registers:

    def test_something(localweb):
        url = localweb.page("/article", "<html>...</html>")   # -> http://127.0.0.1:PORT/article

Fixtures: `localweb` (the server), `localweb_allowed` (the server, with the settings that let
the in-process fetcher reach it: ARCHIVE_ALLOWED_NETWORKS=127.0.0.0/8 and its port allowed).

Fixed routes:
  /html/<slug>            a small article page (title "Article <slug>")
  /slow/<slug>            the same after a 1 s pause
  /news/<slug>            a realistic news page (~25 kB: menus, article, related links, scripts)
  /news-slow/<slug>       the same after a 1 s pause
  /text                   text/plain
  /pdf                    a tiny PDF
  /redirect/<n>           n redirects, then /html/redirected
  /to?url=<url>           302 to any URL (redirect-to-private tests)
  /loop/a, /loop/b        a redirect loop
  /status/<code>          an empty response with that status
  /retry-after/<s>        429 with Retry-After: s
  /flaky/<key>/<n>        503 for the first n requests of key, then a page
  /drip                   headers, then one byte every 0.5 s for a minute
  /huge?bytes=N&length=1  N bytes of HTML-ish filler, with Content-Length (length=0: without)
  /gzip-bomb              100 MB of zeros gzip-compressed to ~100 kB
  /changing               a page whose text changes on every request
  /hold/<seconds>/<slug>  a small article page after a pause of <seconds> (a slow site)
  /cookie/set/<value>     sets the cookie seen=<value> on a small page
  /cookie/echo            a small page that shows the Cookie header it was sent
  /cookie/gate/<value>    sets the cookie gate=<value> and redirects to /cookie/echo (a
                          consent wall)
  /hold-first/<s>/<slug>  the same, but only the first request for the slug pauses

Counters the server keeps (server-side, so tests count bytes and connections, not seconds):
`sent[path]` body bytes written for a path, `finished` paths whose handler has returned,
`active` / `max_active` requests in progress at once (`max_active_reset()` starts a new count).
"""

import functools
import gzip
import html
import random
import socket
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

ARTICLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="description" content="A local test article."></head>
<body><header><nav><a href="/">Home</a> | <a href="/news">News</a></nav></header>
<main><article><h1>{title}</h1>
<p class="byline">By A. Reporter, 1 March 2024</p>
<p>The city council said on Tuesday that unemployment fell to 4.2 percent in {slug}, the lowest
figure since records began in 1990, according to the statistics office.</p>
<p>Critics noted that the figure excludes people who have stopped looking for work, and that the
participation rate has fallen by two points over the same period.</p>
<p>The mayor, speaking at a press conference, called the result "a turning point for the region"
and promised further investment in training programmes next year.</p>
</article></main>
<footer><p>Copyright Local News. Contact: newsroom@example.org</p></footer></body></html>
"""

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def article_html(slug: str, title: str | None = None) -> bytes:
    title = title or f"Article {slug}"
    return ARTICLE.format(title=html.escape(title), slug=html.escape(slug)).encode()


_SECTIONS = ["World", "Politics", "Business", "Economy", "Science", "Health", "Climate", "Sport",
             "Culture", "Opinion", "Technology", "Education", "Local", "Fact check"]  # fmt: skip
_SENTENCES = [
    "The ministry said the programme had reached {n} households by the end of the year.",
    "Unemployment in the region fell to {p} percent, according to the statistics office.",
    "Critics argued that the figures exclude people who have stopped looking for work.",
    "The council voted {n} to {m} in favour of the proposal on Tuesday evening.",
    "Officials did not respond to repeated requests for comment before publication.",
    "Prices rose by {p} percent over the twelve months to March, the fastest pace since {y}.",
    "The report, published on Monday, is based on interviews with {n} residents.",
    "Opposition leaders called the announcement a distraction from the budget shortfall.",
    "Researchers at the university found that emissions fell by {p} percent between {y} and 2023.",
    "The company said it would create {n} jobs over the next three years.",
    "Hospital waiting lists have grown by a third since {y}, the health service confirmed.",
    "Residents told reporters that the changes had not yet reached their neighbourhood.",
]


@functools.lru_cache(maxsize=4096)
def news_html(slug: str) -> bytes:
    """A news article page shaped like real ones: head full of meta tags and scripts, a big
    navigation menu, the article, a related-links rail, a newsletter box and a long footer."""
    rng = random.Random(slug)
    esc = html.escape

    def sentence() -> str:
        template = rng.choice(_SENTENCES)
        values = {"n": rng.randint(12, 4000), "m": rng.randint(1, 11),
                  "p": round(rng.uniform(0.5, 12), 1), "y": rng.randint(1990, 2019)}  # fmt: skip
        return template.format(**values)

    title = f"{rng.choice(_SECTIONS)}: what the new figures say about {esc(slug)}"
    head = "".join(
        f'<meta property="og:{k}" content="{esc(v)}">'
        for k, v in [("title", title), ("type", "article"), ("site_name", "Local News")]
    ) + "".join(f'<link rel="preload" href="/static/app.{i}.js" as="script">' for i in range(6))
    menu = "".join(
        f'<li><a href="/{section.lower().replace(" ", "-")}/{i}">{section} {i}</a></li>'
        for section in _SECTIONS
        for i in range(1, 4)
    )
    paragraphs = "".join(
        "<p>" + " ".join(sentence() for _ in range(rng.randint(2, 4))) + "</p>"
        for _ in range(rng.randint(10, 14))
    )
    related = "".join(
        f'<li><a href="/news/related-{rng.randint(1, 10**6)}">{esc(sentence()[:70])}</a></li>'
        for _ in range(10)
    )
    footer = "".join(f'<a href="/about/{i}">About page {i}</a> ' for i in range(40))
    script = "window.dataLayer=window.dataLayer||[];" + "".join(
        f"dataLayer.push({{event:'view',slot:{i},section:'{rng.choice(_SECTIONS)}'}});"
        for i in range(60)
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Local News</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{esc(sentence())}">{head}
<script>{script}</script><style>body{{font-family:serif}} .promo{{display:none}}</style></head>
<body><div class="cookie-banner">We use cookies to improve your experience.
<button>Accept</button></div>
<header><a class="logo" href="/">Local News</a><nav><ul>{menu}</ul></nav>
<form action="/search"><input name="q" placeholder="Search"></form></header>
<main><article><h1>{title}</h1>
<p class="byline">By A. Reporter and B. Writer, {rng.randint(1, 28)} March 2024</p>
<figure><img src="/img/{esc(slug)}.jpg" alt="A street in the city centre">
<figcaption>A street in the city centre. Photo: Agency</figcaption></figure>
{paragraphs}
<aside class="promo"><p>Sign up for our morning briefing.</p></aside>
</article>
<section class="related"><h2>Related stories</h2><ul>{related}</ul></section>
<section class="newsletter"><h2>Newsletter</h2><p>The day's news in your inbox.</p>
<form><input type="email"><button>Subscribe</button></form></section></main>
<footer><p>{footer}</p><p>Copyright Local News. Contact: newsroom@example.org</p></footer>
<script src="/static/app.0.js" async></script></body></html>
"""
    return page.encode()


class LocalWeb:
    """The server and what tests can ask of it."""

    def __init__(self):
        self.pages: dict[str, tuple[int, str, bytes, dict]] = {}
        self.hits: dict[str, int] = defaultdict(int)
        self.user_agents: list[str] = []
        self.connections = 0
        self.sent: dict[str, int] = defaultdict(int)
        self.finished: set[str] = set()
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        self._bomb: bytes | None = None
        handler = type("Handler", (_Handler,), {"web": self})
        self.server = _QuietServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def page(
        self,
        path: str,
        body: str | bytes,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict | None = None,
    ) -> str:
        """Serve body at path from now on; returns the page's URL."""
        if isinstance(body, str):
            body = body.encode()
        self.pages[path] = (status, content_type, body, headers or {})
        return self.url(path)

    def hit(self, path: str) -> int:
        with self._lock:
            self.hits[path] += 1
            return self.hits[path]

    def max_active_reset(self) -> None:
        with self._lock:
            self.max_active = self.active

    def _count(self, path: str, sent: int) -> None:
        with self._lock:
            self.sent[path] += sent

    def gzip_bomb(self) -> bytes:
        with self._lock:
            if self._bomb is None:
                self._bomb = gzip.compress(b"\0" * (100 * 1024 * 1024), compresslevel=9)
            return self._bomb

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default listen backlog is 5: a burst of new connections overflows it and
    # the kernel drops SYNs, which clients retry only after a second. Real servers queue more.
    request_queue_size = 128

    def handle_error(self, request, client_address):
        pass  # clients hang up on purpose (size limits, deadlines); that is not a server error


class _Handler(BaseHTTPRequestHandler):
    web: LocalWeb
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the body of a reply on a
    # kept-alive connection waits for the client's delayed ACK (40 ms). Web servers turn it off.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def setup(self):
        super().setup()
        with self.web._lock:
            self.web.connections += 1

    def _send(self, status, body=b"", content_type="text/html; charset=utf-8", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _cookie(self, action, value):
        sent = self.headers.get("Cookie", "")
        if action == "set":
            return self._send(200, article_html("cookie"), headers={"Set-Cookie": f"seen={value}"})
        if action == "gate":
            headers = {"Set-Cookie": f"gate={value}; Path=/", "Location": "/cookie/echo"}
            return self._send(302, b"", headers=headers)
        return self._send(200, article_html(f"cookies [{sent}]"))

    def _redirect(self, location, status=302):
        self._send(status, b"", headers={"Location": location})

    def do_GET(self):
        with self.web._lock:
            self.web.active += 1
            self.web.max_active = max(self.web.max_active, self.web.active)
        try:
            self._get()
        finally:
            with self.web._lock:
                self.web.active -= 1
                self.web.finished.add(urlsplit(self.path).path)

    def _get(self):
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        self.web.user_agents.append(self.headers.get("User-Agent", ""))
        count = self.web.hit(path)
        segments = path.strip("/").split("/")
        try:
            if path in self.web.pages:
                status, ctype, body, headers = self.web.pages[path]
                return self._send(status, body, ctype, headers)
            head = segments[0]
            if head == "html":
                return self._send(200, article_html(segments[1] if len(segments) > 1 else "x"))
            if head == "slow":
                time.sleep(1.0)
                return self._send(200, article_html(segments[1] if len(segments) > 1 else "x"))
            if head in ("news", "news-slow"):
                if head == "news-slow":
                    time.sleep(1.0)
                return self._send(200, news_html(segments[1] if len(segments) > 1 else "x"))
            if head == "text":
                return self._send(200, b"Plain text source.\nLine two.\n", "text/plain")
            if head == "pdf":
                return self._send(200, PDF, "application/pdf")
            if head == "redirect":
                left = int(segments[1])
                target = f"/redirect/{left - 1}" if left > 1 else "/html/redirected"
                return self._redirect(target, 301 if left % 2 else 302)
            if head == "to":
                return self._redirect(query["url"][0], int(query.get("status", ["302"])[0]))
            if head == "loop":
                return self._redirect("/loop/b" if segments[1] == "a" else "/loop/a")
            if head == "status":
                return self._send(int(segments[1]), b"")
            if head == "retry-after":
                return self._send(429, b"slow down", "text/plain", {"Retry-After": segments[1]})
            if head == "flaky":
                if self.web.hit(f"flaky:{segments[1]}") <= int(segments[2]):
                    return self._send(503, b"try later", "text/plain", {"Retry-After": "0"})
                return self._send(200, article_html("flaky"))
            if head == "drip":
                return self._drip()
            if head == "huge":
                size = int(query.get("bytes", [str(30 * 1024 * 1024)])[0])
                return self._huge(size, query.get("length", ["1"])[0] == "1")
            if head == "gzip-bomb":
                return self._send(200, self.web.gzip_bomb(), headers={"Content-Encoding": "gzip"})
            if head == "hold-first":
                if self.web.hit(f"hold-first:{segments[2]}") == 1:
                    time.sleep(float(segments[1]))
                return self._send(200, article_html(segments[2]))
            if head == "hold":
                time.sleep(float(segments[1]))
                return self._send(200, article_html(segments[2] if len(segments) > 2 else "x"))
            if head == "cookie":
                return self._cookie(segments[1], segments[2] if len(segments) > 2 else "")
            if head == "changing":
                return self._send(200, article_html(f"version {count}", "Changing page"))
            return self._send(404, b"not found", "text/plain")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _drip(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        for _ in range(120):
            self.wfile.write(b"x")
            self.wfile.flush()
            self.web._count("/drip", 1)
            time.sleep(0.5)

    def _huge(self, size: int, with_length: bool):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if with_length:
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        block = (b"<p>" + b"filler text " * 5000 + b"</p>\n")[: 64 * 1024]
        sent = 0
        while sent < size:
            piece = block[: size - sent]
            self.wfile.write(piece)
            sent += len(piece)
            self.web._count("/huge", len(piece))


_shared: LocalWeb | None = None
_shared_lock = threading.Lock()


def local_web() -> LocalWeb:
    """The session's server, started on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = LocalWeb()
        return _shared


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localweb() -> LocalWeb:
    return local_web()


@pytest.fixture
def localweb_allowed(localweb, settings) -> LocalWeb:
    """The server, reachable by the in-process fetcher (exempt from the private-address check)."""
    import ipaddress

    settings.ARCHIVE_ALLOWED_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    settings.ARCHIVE_ALLOWED_PORTS = [*settings.ARCHIVE_ALLOWED_PORTS, localweb.port]
    return localweb
