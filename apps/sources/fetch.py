"""The safe fetcher: every URL a user types goes through here, for archiving and for importing.

How it stays safe (see addresses.py for the policy itself):

* Each hop's URL is checked as text first (`url_check`); redirects are followed by our own loop
  (httpx runs with follow_redirects=False), at most ARCHIVE_MAX_REDIRECTS, refusing loops.
* Connections are made by `_GuardedBackend`, an httpcore network backend: it resolves the host once
  (through a pluggable resolver, so tests can play DNS rebinding), refuses the connection if *any*
  answer is a forbidden address, and connects to an address it has just checked. httpx never does
  its own lookup, and TLS still uses the host name for SNI and certificate checks.
* Proxy environment variables are ignored (trust_env=False and our own transport).
* Each thread keeps its client between fetches (`_Session`), so fetching many pages from one site
  reuses keep-alive connections, each made by the backend above to an address it checked for
  that host. The kept connections are dropped whenever the address policy changes, after any
  failed fetch, and always when the caller brings its own resolver.
* Every socket read and write is bounded by the connect/read timeouts *and* by a total deadline,
  so a server that drips one byte every few seconds cannot hold a worker.
* The body is streamed to an anonymous temporary file (the first SPOOL_BYTES in memory), never
  held whole in memory; Content-Length, the bytes received and the bytes after decompression are
  each held to the size limit (gzip bombs), and the file is closed, so gone, on any failure.
"""

import email.utils
import functools
import hashlib
import os
import socket
import ssl
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from urllib.parse import urljoin, urlsplit

import certifi
import httpcore
import httpx
from django.conf import settings

from apps.sources.addresses import AddressRefused, address_check, host_literal, url_check
from factcheck.errors import Refused

Resolver = Callable[[str, int], list[str]]

CHUNK = 64 * 1024
# Below the 5 s idle timeout of common servers (Apache's default), so a kept connection is rarely
# closed by the server just as we reuse it.
KEEPALIVE_SECONDS = 4.0
SPOOL_BYTES = 256 * 1024
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
TRANSIENT_STATUSES = {408, 425, 429, 500, 502, 503, 504, 507, 509, 520, 521, 522, 523, 524}


class FetchError(Refused):
    """A fetch that did not produce a page; `message` is the human-readable why, `status` the
    HTTP status when the server answered."""

    transient = False

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status

    @property
    def reason(self) -> str:
        """The message, under the name the capture code records on a snapshot row."""
        return self.message


class BlockedError(FetchError):
    """Refused by the SSRF policy: the URL or an address it resolves to is off limits."""


class TooLargeError(FetchError):
    """The body is larger than ARCHIVE_MAX_BYTES (declared, received or decompressed)."""


class RedirectError(FetchError):
    """A redirect loop, too many redirects, or a redirect without a usable Location."""


class UnsupportedContentError(FetchError):
    """The page is of a kind the caller cannot use (e.g. a PDF where an article was expected)."""


class TransientFetchError(FetchError):
    """Worth retrying later: timeouts, dropped connections, 408/429/5xx."""

    transient = True

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ):
        super().__init__(message, status=status)
        self.retry_after = retry_after


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the operating system's resolver gives for host, in its preferred order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        if exc.errno in (socket.EAI_AGAIN,):
            raise TransientFetchError(f"DNS lookup for {host} failed temporarily") from None
        raise FetchError(f"host not found: {host}") from None
    return list(dict.fromkeys(info[4][0] for info in infos))


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation also respects the current fetch's total deadline
    (read from the backend that made it, since a kept-alive connection serves several fetches)."""

    def __init__(self, stream: httpcore.NetworkStream, backend: "_GuardedBackend"):
        self._stream = stream
        self._backend = backend

    def _timeout(self, timeout: float | None, exc_class) -> float:
        remaining = self._backend.deadline - time.monotonic()
        if remaining <= 0:
            raise exc_class("total deadline passed")
        return remaining if timeout is None else min(timeout, remaining)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._timeout(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._timeout(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        timeout = self._timeout(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, timeout), self._backend
        )

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    """Resolve once, check every answer, connect only to a checked address."""

    def __init__(self, resolver: Resolver | None):
        self._resolver = resolver
        self.deadline = 0.0

    def _addresses(self, host: str, port: int) -> list[str]:
        literal = host_literal(host)
        if literal is not None:
            return [str(address_check(literal))]
        answers = (self._resolver or system_resolver)(host, port)
        if not answers:
            raise FetchError(f"host not found: {host}")
        return [str(address_check(answer)) for answer in answers]

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        error: Exception | None = None
        for address in self._addresses(host, port):
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise httpcore.ConnectTimeout("total deadline passed")
            try:
                stream = super().connect_tcp(
                    address,
                    port,
                    timeout=remaining if timeout is None else min(timeout, remaining),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _DeadlineStream(stream, self)
        raise error  # type: ignore[misc]


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying TLS context per process: loading the CA bundle costs ~80 ms of CPU."""
    return ssl.create_default_context(cafile=certifi.where())


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, backend: _GuardedBackend):
        super().__init__(verify=_ssl_context(), trust_env=False, retries=0)
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=4,
            keepalive_expiry=KEEPALIVE_SECONDS,
            http1=True,
            http2=False,
            retries=0,
            network_backend=backend,
        )


class _Decoder:
    """Content-Encoding undone in bounded steps, so one compressed chunk can never expand into
    more than CHUNK bytes of memory at a time."""

    def __init__(self, encoding: str):
        encoding = encoding.strip().lower()
        self.encoding = encoding
        self.opaque = False
        if encoding in ("", "identity"):
            self._zlib = None
        elif encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 32)
        else:  # we only ask for gzip and deflate; anything else is kept as received
            self._zlib = None
            self.opaque = True

    def feed(self, data: bytes):
        if self._zlib is None:
            yield data
            return
        try:
            while data:
                out = self._zlib.decompress(data, CHUNK)
                yield out
                data = self._zlib.unconsumed_tail
                while len(out) == CHUNK and not data:
                    out = self._zlib.decompress(b"", CHUNK)
                    yield out
        except zlib.error as exc:
            raise FetchError(f"corrupt {self.encoding} body: {exc}") from None


@dataclass
class FetchResult:
    """A fetched response. `body` holds the payload exactly as received (after de-chunking,
    before content-decoding), which is what goes into the WARC; `sha256` and `size` cover the
    payload after content-decoding, so a server switching compression does not look like a change.
    """

    url: str
    final_url: str
    status: int
    reason_phrase: str
    http_version: str
    request_target: str
    request_headers: list[tuple[str, str]]
    response_headers: list[tuple[str, str]]
    content_type: str
    peer: str
    body: IO[bytes]
    raw_size: int
    size: int
    sha256: str
    fetched_at: datetime
    head: bytes = b""
    redirects: list[str] = field(default_factory=list)
    tls_subject: str = ""
    tls_fingerprint: str = ""

    def payload(self) -> IO[bytes]:
        """The payload as received, read from the start."""
        self.body.seek(0)
        return self.body

    def decoded(self) -> bytes:
        """The payload with its Content-Encoding undone (its decoded size was already held to
        the limit while it was read)."""
        encoding = next(
            (v for k, v in self.response_headers if k.lower() == "content-encoding"), ""
        )
        decoder, stream = _Decoder(encoding), self.payload()
        if decoder.opaque:
            return stream.read()
        out = bytearray()
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            for piece in decoder.feed(chunk):
                out += piece
        return bytes(out)

    def discard(self) -> None:
        self.body.close()

    def __enter__(self) -> "FetchResult":
        return self

    def __exit__(self, *exc) -> None:
        self.discard()


def _size_text(limit: int) -> str:
    mb = 1024 * 1024
    return f"{limit // mb} MB" if limit % mb == 0 else f"{limit} bytes"


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _temp_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "archives" / ".tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


class _Session:
    """A thread's guarded client, kept between fetches for its keep-alive connections."""

    def __init__(self, resolver: Resolver | None, policy: tuple):
        self.backend = _GuardedBackend(resolver)
        self.client = httpx.Client(
            transport=_GuardedTransport(self.backend), trust_env=False, follow_redirects=False
        )
        self.policy = policy

    def close(self) -> None:
        self.client.close()


_sessions = threading.local()
# A forked child (a prefork pool process) must not share its parent's sockets.
os.register_at_fork(after_in_child=lambda: setattr(_sessions, "current", None))


def _policy() -> tuple:
    """What a kept connection was checked against: when it changes, the connections go."""
    return (tuple(settings.ARCHIVE_ALLOWED_NETWORKS), tuple(settings.ARCHIVE_ALLOWED_PORTS))


@contextmanager
def _session(resolver: Resolver | None):
    """The calling thread's session (a new one-off session for a caller's own resolver). A fetch
    that fails drops the session, so no connection in an unknown state is ever reused."""
    if resolver is not None:
        session = _Session(resolver, ())
        try:
            yield session
        finally:
            session.close()
        return
    policy = _policy()
    session = getattr(_sessions, "current", None)
    if session is None or session.policy != policy:
        if session is not None:
            session.close()
        session = _sessions.current = _Session(None, policy)
    try:
        yield session
    except BaseException:
        _sessions.current = None
        session.close()
        raise


def fetch_url(
    url: str,
    *,
    resolver: Resolver | None = None,
    keep_head: int = 0,
    whole_only: bool = False,
    max_bytes: int | None = None,
) -> FetchResult:
    """Fetch url safely, following redirects, and return the final response with its payload
    spooled to a temporary file (use the result as a context manager to close it). Raises a
    FetchError subclass otherwise. `keep_head` keeps that many decoded bytes in memory for text
    extraction as `head`; with `whole_only`, only if that is the whole payload (else `head` is
    empty, and a big payload never holds that memory).
    """
    with _session(resolver) as session:
        return _fetch(
            session,
            url,
            keep_head=keep_head,
            whole_only=whole_only,
            max_bytes=max_bytes or settings.ARCHIVE_MAX_BYTES,
        )


def fetch_hop(
    url: str, *, resolver: Resolver | None = None, max_bytes: int, timeout: float
) -> FetchResult:
    """One request, no redirect followed and any status returned with its body: for the
    renderer, whose browser follows a redirect by asking again (so each hop is checked here).
    The same checks as fetch_url; `timeout` (at most ARCHIVE_TOTAL_TIMEOUT) bounds it whole."""
    with _session(resolver) as session:
        return _fetch(
            session,
            url,
            keep_head=0,
            whole_only=False,
            max_bytes=max_bytes,
            single_hop=True,
            total=min(timeout, settings.ARCHIVE_TOTAL_TIMEOUT),
        )


def _fetch(
    session: _Session,
    url: str,
    *,
    keep_head: int,
    whole_only: bool,
    max_bytes: int,
    single_hop: bool = False,
    total: float | None = None,
) -> FetchResult:
    total = settings.ARCHIVE_TOTAL_TIMEOUT if total is None else total
    deadline = time.monotonic() + total
    session.backend.deadline = deadline
    client = session.client
    # The client is kept for its connections, not its cookies: a capture shows the page as a
    # first-time reader sees it, whatever this thread fetched before (cookies set on the way,
    # by a consent wall's redirect say, still go back within this fetch).
    client.cookies.clear()
    timeout = httpx.Timeout(
        connect=settings.ARCHIVE_CONNECT_TIMEOUT,
        read=settings.ARCHIVE_READ_TIMEOUT,
        write=settings.ARCHIVE_READ_TIMEOUT,
        pool=settings.ARCHIVE_CONNECT_TIMEOUT,
    )
    headers = {
        "User-Agent": settings.ARCHIVE_USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.8",
        "Accept-Encoding": "gzip, deflate",
    }
    current = url
    redirects: list[str] = []
    seen: set[str] = set()
    try:
        for _hop in range(settings.ARCHIVE_MAX_REDIRECTS + 1):
            try:
                url_check(current)
            except AddressRefused as exc:
                raise BlockedError(exc.message) from None
            current = str(httpx.URL(current))
            seen.add(current)
            with client.stream("GET", current, headers=headers, timeout=timeout) as response:
                status = response.status_code
                if single_hop:
                    return _read_body(
                        response,
                        url=url,
                        redirects=redirects,
                        max_bytes=max_bytes,
                        keep_head=0,
                        whole_only=False,
                    )
                if status in REDIRECT_STATUSES:
                    location = response.headers.get("location", "").strip()
                    if not location:
                        raise RedirectError(f"HTTP {status} without a Location", status=status)
                    target = urljoin(str(response.url), location).split("#", 1)[0]
                    if target in seen or str(httpx.URL(target)) in seen:
                        raise RedirectError("redirect loop", status=status)
                    redirects.append(current)
                    current = target
                    continue
                if status in TRANSIENT_STATUSES or 500 <= status <= 599:
                    raise TransientFetchError(
                        f"HTTP {status}",
                        status=status,
                        retry_after=_retry_after(response.headers.get("retry-after")),
                    )
                if not 200 <= status <= 299:
                    raise FetchError(f"HTTP {status}", status=status)
                return _read_body(
                    response,
                    url=url,
                    redirects=redirects,
                    max_bytes=max_bytes,
                    keep_head=keep_head,
                    whole_only=whole_only,
                )
        limit = settings.ARCHIVE_MAX_REDIRECTS
        raise RedirectError(f"too many redirects (more than {limit})")
    except AddressRefused as exc:
        raise BlockedError(exc.message) from None
    except httpx.TimeoutException as exc:
        if time.monotonic() >= deadline - 0.05:
            raise TransientFetchError(f"timeout after {_seconds(total)}") from None
        if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
            connect = _seconds(settings.ARCHIVE_CONNECT_TIMEOUT)
            raise TransientFetchError(f"timeout: no connection within {connect}") from None
        read = settings.ARCHIVE_READ_TIMEOUT
        raise TransientFetchError(f"timeout: no data for {_seconds(read)}") from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise BlockedError(f"blocked: invalid URL ({exc})") from None
    except httpx.ConnectError as exc:
        message = str(exc) or exc.__class__.__name__
        if "CERTIFICATE_VERIFY_FAILED" in message or "SSL" in message:
            raise FetchError(f"TLS error: {message}") from None
        if "refused" in message.lower():
            raise TransientFetchError("connection refused") from None
        raise TransientFetchError(f"connection failed: {message}") from None
    except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as exc:
        message = str(exc) or exc.__class__.__name__
        if "reset" in message.lower():
            raise TransientFetchError("connection reset") from None
        raise TransientFetchError(f"connection dropped: {message}") from None
    except httpx.HTTPError as exc:
        raise TransientFetchError(f"network error: {exc}") from None


def _peer(response: httpx.Response) -> str:
    """The address the response came from (checked when its connection was made)."""
    stream = response.extensions.get("network_stream")
    address = stream.get_extra_info("server_addr") if stream is not None else None
    return str(address[0]) if address else ""


# RFC 4514 short names of the attributes a server certificate's subject usually carries.
_RDN_NAMES = {
    "commonName": "CN",
    "organizationName": "O",
    "organizationalUnitName": "OU",
    "countryName": "C",
    "localityName": "L",
    "stateOrProvinceName": "ST",
    "streetAddress": "STREET",
    "domainComponent": "DC",
    "userId": "UID",
}


def _rdn_value(value: str) -> str:
    escaped = "".join(f"\\{c}" if c in ',+"\\<>;=' else c for c in value)
    if escaped.startswith(("#", " ")):
        escaped = "\\" + escaped
    return escaped[:-1] + "\\ " if escaped.endswith(" ") else escaped


def _certificate(response: httpx.Response) -> tuple[str, str]:
    """(subject as RFC 4514, sha256 fingerprint) of the server certificate of an https response,
    for the capture's provenance; empty for plain http. Read with the ssl module: the certificate
    was verified, so its parsed form is there, and a certificate parser would cost every fetch
    worker ~10 MB of imports."""
    stream = response.extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    der = ssl_object.getpeercert(True) if ssl_object is not None else None
    if not der:
        return "", ""
    rdns = (ssl_object.getpeercert() or {}).get("subject", ())
    subject = ",".join(
        "+".join(f"{_RDN_NAMES.get(name, name)}={_rdn_value(value)}" for name, value in rdn)
        for rdn in reversed(rdns)
    )
    return subject[:500], hashlib.sha256(der).hexdigest()


def _read_body(response, *, url, redirects, max_bytes, keep_head, whole_only) -> FetchResult:
    status = response.status_code
    peer = _peer(response)  # before the body: a body that ends with the connection closes it
    tls_subject, tls_fingerprint = _certificate(response)
    too_large = f"too large: > {_size_text(max_bytes)}"
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLargeError(too_large, status=response.status_code)
    decoder = _Decoder(response.headers.get("content-encoding", ""))
    plain = decoder.encoding in ("", "identity")
    if whole_only and plain and declared.isdigit() and int(declared) > keep_head:
        keep_head = 0  # longer than wanted whole, as its Content-Length says
    digest = hashlib.sha256()
    head = bytearray()
    raw_size = size = 0
    # Small bodies stay in memory; bigger ones go to a file that has no name, so the kernel
    # frees it however the fetch ends, a killed worker included. The result owns (and closes) it.
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, dir=_temp_dir())  # noqa: SIM115
    try:
        for chunk in response.iter_raw(CHUNK):
            raw_size += len(chunk)
            if raw_size > max_bytes:
                raise TooLargeError(too_large, status=response.status_code)
            out.write(chunk)
            for piece in decoder.feed(chunk):
                size += len(piece)
                if size > max_bytes:
                    raise TooLargeError(f"{too_large} decompressed", status=status)
                digest.update(piece)
                if len(head) < keep_head:
                    head += piece[: keep_head - len(head)]
                if whole_only and size > keep_head and keep_head:
                    head, keep_head = bytearray(), 0
    except BaseException:
        out.close()
        raise
    request = response.request
    return FetchResult(
        url=url,
        final_url=str(response.url),
        status=response.status_code,
        reason_phrase=response.reason_phrase,
        http_version=response.http_version,
        request_target=request.url.raw_path.decode("ascii"),
        request_headers=_text_headers(request.headers),
        response_headers=_text_headers(response.headers),
        content_type=response.headers.get("content-type", ""),
        peer=peer,
        body=out,
        raw_size=raw_size,
        size=size,
        sha256=digest.hexdigest(),
        fetched_at=datetime.now(UTC),
        head=bytes(head),
        redirects=redirects,
        tls_subject=tls_subject,
        tls_fingerprint=tls_fingerprint,
    )


def _text_headers(headers: httpx.Headers) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers.raw]


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
