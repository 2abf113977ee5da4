"""The safe fetcher against the local web server (exempted by ARCHIVE_ALLOWED_NETWORKS here only):
content kinds, redirects, statuses, and every limit."""

import gzip
import hashlib
import os
import time
from pathlib import Path

import pytest
from django.conf import settings

from apps.sources import fetch
from apps.sources.fetch import (
    FetchError,
    RedirectError,
    TooLargeError,
    TransientFetchError,
    fetch_url,
)
from tests.localweb import PDF, article_html


def temp_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "archives" / ".tmp"
    return list(folder.glob("*")) if folder.exists() else []


@pytest.fixture
def web(localweb_allowed):
    before = set(temp_files())
    yield localweb_allowed
    assert set(temp_files()) <= before, "a temporary body file was left behind"


def test_html_page(web):
    with fetch_url(web.url("/html/one"), keep_head=100_000) as result:
        body = result.payload().read()
    assert result.status == 200
    assert result.final_url == web.url("/html/one")
    assert result.content_type.startswith("text/html")
    assert body == result.head == article_html("one")
    assert result.sha256 == hashlib.sha256(body).hexdigest()
    assert result.size == result.raw_size == len(body)
    assert result.body.closed


@pytest.mark.parametrize("length", ["1", "0"])
def test_whole_only_keeps_a_head_only_when_it_is_the_whole_payload(web, length):
    """With and without Content-Length: a payload longer than keep_head leaves no head."""
    size = 300_000
    url = web.url(f"/huge?bytes={size}&length={length}")
    with fetch_url(url, keep_head=size, whole_only=True) as whole:
        assert len(whole.head) == whole.size == size
    with fetch_url(url, keep_head=size - 1, whole_only=True) as longer:
        assert longer.head == b"" and longer.size == size
    with fetch_url(url, keep_head=size - 1) as partial:
        assert partial.head == whole.head[:-1]


def test_user_agent_names_the_workbench_with_contact_url(web):
    with fetch_url(web.url("/html/ua")):
        pass
    assert web.user_agents[-1] == settings.ARCHIVE_USER_AGENT
    assert settings.ARCHIVE_CONTACT_URL in settings.ARCHIVE_USER_AGENT


def test_text_and_pdf(web):
    with fetch_url(web.url("/text"), keep_head=1000) as text:
        assert text.head == b"Plain text source.\nLine two.\n"
    with fetch_url(web.url("/pdf")) as pdf:
        assert pdf.content_type == "application/pdf"
        assert pdf.sha256 == hashlib.sha256(PDF).hexdigest()


def test_redirects_are_followed_to_the_final_url(web):
    with fetch_url(web.url("/redirect/3")) as result:
        assert result.final_url == web.url("/html/redirected")
        assert result.redirects == [web.url(f"/redirect/{n}") for n in (3, 2, 1)]


def test_redirect_loop(web):
    with pytest.raises(RedirectError, match=r"^redirect loop$"):
        fetch_url(web.url("/loop/a"))


def test_too_many_redirects(web):
    with pytest.raises(RedirectError, match=r"too many redirects \(more than 10\)"):
        fetch_url(web.url("/redirect/11"))
    with fetch_url(web.url("/redirect/10")) as result:
        assert result.status == 200


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 451])
def test_client_errors_are_final(web, status):
    with pytest.raises(FetchError) as caught:
        fetch_url(web.url(f"/status/{status}"))
    assert not caught.value.transient
    assert caught.value.reason == f"HTTP {status}"
    assert caught.value.status == status


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_server_errors_are_transient(web, status):
    with pytest.raises(TransientFetchError, match=f"^HTTP {status}$"):
        fetch_url(web.url(f"/status/{status}"))


def test_retry_after_is_read(web):
    with pytest.raises(TransientFetchError) as caught:
        fetch_url(web.url("/retry-after/7"))
    assert caught.value.retry_after == 7
    assert caught.value.status == 429


def test_drip_server_cannot_hold_the_fetch(web, settings):
    """Also on a kept connection: the total deadline is each fetch's own."""
    fetch_url(web.url("/html/before-drip")).discard()
    settings.ARCHIVE_TOTAL_TIMEOUT = 2
    settings.ARCHIVE_READ_TIMEOUT = 10
    before = web.sent["/drip"]
    with pytest.raises(TransientFetchError, match=r"^timeout after 2 s$"):
        fetch_url(web.url("/drip"))
    # One byte every 0.5 s: a fetch held past its 2 s deadline would have seen many more.
    assert web.sent["/drip"] - before <= 6


def test_fetches_from_one_site_share_a_kept_alive_connection(web):
    fetch_url(web.url("/html/warm")).discard()  # this thread's session may start fresh
    before = web.connections
    for slug in ("a", "b", "c"):
        with fetch_url(web.url(f"/html/{slug}"), keep_head=100_000) as result:
            assert result.head == article_html(slug)
            assert result.peer == "127.0.0.1"
    assert web.connections == before


def test_each_fetch_starts_without_the_cookies_of_earlier_fetches(web):
    """A thread keeps its client between captures for its connections, not its cookies: a
    capture shows the page as a first-time reader sees it, whatever was fetched before. Within
    one fetch, a cookie set on the way (a consent wall's redirect) is sent back."""
    for _ in range(2):  # the second fetch reuses the thread's kept client
        with fetch_url(web.url("/cookie/set/tracker"), keep_head=100_000) as result:
            assert b"Article cookie" in result.head
    with fetch_url(web.url("/cookie/echo"), keep_head=100_000) as result:
        assert result.head == article_html("cookies []")
    with fetch_url(web.url("/cookie/gate/ok"), keep_head=100_000) as result:
        assert result.head == article_html("cookies [gate=ok]")
        assert result.final_url == web.url("/cookie/echo")
    with fetch_url(web.url("/cookie/echo"), keep_head=100_000) as result:
        assert result.head == article_html("cookies []")


def test_a_forked_child_starts_without_the_parents_connections(web):
    fetch_url(web.url("/html/before-fork")).discard()
    assert fetch._sessions.current is not None
    pid = os.fork()
    if pid == 0:  # the child: a prefork pool process
        os._exit(0 if getattr(fetch._sessions, "current", None) is None else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert fetch._sessions.current is not None


def test_connection_refused_is_transient_and_fast(web, settings):
    from tests.localweb import free_port

    port = free_port()
    settings.ARCHIVE_ALLOWED_PORTS = [*settings.ARCHIVE_ALLOWED_PORTS, port]
    lookups = []

    def resolver(host, port):
        lookups.append(host)
        return ["127.0.0.1"]

    with pytest.raises(TransientFetchError, match="connection refused"):
        fetch_url(f"http://refused.test:{port}/", resolver=resolver)
    assert lookups == ["refused.test"], "one attempt, no retry loop inside the fetch"


def test_declared_length_over_the_limit_is_refused_before_reading(web):
    web.finished.discard("/huge")
    before = web.sent["/huge"]
    with pytest.raises(TooLargeError, match=r"^too large: > 25 MB$"):
        fetch_url(web.url(f"/huge?bytes={30 * 1024 * 1024}&length=1"))
    deadline = time.monotonic() + 30  # a bound on waiting, not the assertion
    while "/huge" not in web.finished and time.monotonic() < deadline:
        time.sleep(0.05)
    # The server could only fill the socket buffers before the client hung up: far from 30 MB.
    assert "/huge" in web.finished
    assert web.sent["/huge"] - before < 12 * 1024 * 1024


def test_counted_bytes_over_the_limit_without_content_length(web):
    with pytest.raises(TooLargeError, match=r"^too large: > 25 MB$"):
        fetch_url(web.url(f"/huge?bytes={30 * 1024 * 1024}&length=0"))


def test_body_just_under_the_limit_is_kept(web, settings):
    settings.ARCHIVE_MAX_BYTES = 2 * 1024 * 1024
    with fetch_url(web.url(f"/huge?bytes={2 * 1024 * 1024}&length=0")) as result:
        assert result.size == 2 * 1024 * 1024
        payload = result.payload().read()  # past the in-memory part: from the temporary file
        assert len(payload) == result.raw_size == result.size
        assert hashlib.sha256(payload).hexdigest() == result.sha256
    with pytest.raises(TooLargeError, match=r"^too large: > 2 MB$"):
        fetch_url(web.url(f"/huge?bytes={2 * 1024 * 1024 + 1}&length=0"))


def test_gzip_bomb_is_stopped_on_decompressed_bytes(web):
    with pytest.raises(TooLargeError, match=r"^too large: > 25 MB decompressed$"):
        fetch_url(web.url("/gzip-bomb"))


def test_gzip_payload_is_stored_raw_and_hashed_decoded(web):
    page = article_html("gz")
    web.page("/gz", gzip.compress(page), headers={"Content-Encoding": "gzip"})
    with fetch_url(web.url("/gz"), keep_head=100_000) as result:
        assert result.payload().read() == gzip.compress(page)
        assert result.head == page
        assert result.sha256 == hashlib.sha256(page).hexdigest()
        assert result.size == len(page)
