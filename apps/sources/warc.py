"""Writing and reading the WARC files that hold each archived response.

One gzipped WARC per capture: a warcinfo record, then the request we sent and the response we got
(status line, headers, payload exactly as received), both with WARC-Target-URI = the final URL
after redirects. The response's Transfer-Encoding header is dropped because the payload is stored
de-chunked; Content-Encoding is kept, since the payload is stored still compressed.

Files are content-addressed: archives/<aa>/<key>.warc.gz where key = sha256 of the final URL and
the payload's sha256. A rerun that fetches the same thing finds the file already there and keeps
it, so retries and duplicate task deliveries never pile up copies.
"""

import hashlib
import io
import os
import tempfile
from pathlib import Path

from django.conf import settings
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from apps.sources.fetch import FetchResult
from factcheck.errors import NotFound

ARCHIVE_DIR = "archives"
_HOP_BY_HOP = {"transfer-encoding", "connection", "keep-alive"}


def _archive_root() -> Path:
    return Path(settings.MEDIA_ROOT) / ARCHIVE_DIR


def warc_name(*, final_url: str, sha256: str) -> str:
    """The storage name (relative to MEDIA_ROOT) of the WARC for this capture."""
    key = hashlib.sha256(f"{final_url}\n{sha256}".encode()).hexdigest()
    return f"{ARCHIVE_DIR}/{key[:2]}/{key}.warc.gz"


def warc_write(*, result: FetchResult) -> str:
    """Write the capture's WARC (unless an identical capture is already stored); return its
    storage name relative to MEDIA_ROOT."""
    name = warc_name(final_url=result.final_url, sha256=result.sha256)
    path = Path(settings.MEDIA_ROOT) / name
    if path.exists():
        return name
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="warc-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            _write_records(out, result)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return name


def _warcinfo(writer: WARCWriter, filename: str, description: str) -> None:
    writer.write_record(
        writer.create_warcinfo_record(
            filename,
            {
                "software": settings.ARCHIVE_USER_AGENT,
                "format": "WARC File Format 1.1",
                "description": description,
            },
        )
    )


def _write_records(out, result: FetchResult) -> None:
    writer = WARCWriter(out, gzip=True)
    _warcinfo(
        writer,
        Path(warc_name(final_url=result.final_url, sha256=result.sha256)).name,
        f"Capture of {result.url}",
    )
    _write_exchange(writer, result)


def _write_exchange(writer: WARCWriter, result: FetchResult) -> None:
    """The request and its response; warcio gives the request a WARC-Concurrent-To pointing at
    the response record."""
    date = result.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    request = writer.create_warc_record(
        result.final_url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=StatusAndHeaders(
            f"GET {result.request_target} {result.http_version}",
            result.request_headers,
            is_http_request=True,
        ),
        warc_headers_dict={"WARC-Date": date},
    )
    headers = [(k, v) for k, v in result.response_headers if k.lower() not in _HOP_BY_HOP]
    headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
    headers.append(("Content-Length", str(result.raw_size)))
    warc_headers = {"WARC-Date": date}
    if result.peer:
        warc_headers["WARC-IP-Address"] = result.peer
    response = writer.create_warc_record(
        result.final_url,
        "response",
        payload=result.payload(),
        length=result.raw_size,
        http_headers=StatusAndHeaders(
            f"{result.status} {result.reason_phrase}", headers, protocol=result.http_version
        ),
        warc_headers_dict=warc_headers,
    )
    writer.write_request_response_pair(request, response)


class SubresourceWarc:
    """The WARC of a rendered capture: every subresource the browser loaded through the fetcher,
    appended as it arrives (a temporary file until `keep` names it; `discard` removes it). The
    main document is not repeated: it is the snapshot's own WARC."""

    def __init__(self, *, snapshot_id: int, url: str):
        self.snapshot_id = snapshot_id
        root = _archive_root() / "renders"
        root.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix="render-", suffix=".tmp", dir=root)
        self._out = os.fdopen(fd, "wb")
        self._writer = WARCWriter(self._out, gzip=True)
        _warcinfo(self._writer, f"snapshot-{snapshot_id}-render.warc.gz", f"Render of {url}")
        self.records = 0

    def add(self, result: FetchResult) -> None:
        _write_exchange(self._writer, result)
        self.records += 1

    def keep(self) -> str:
        """Close the file and give it its storage name (relative to MEDIA_ROOT)."""
        self._out.close()
        name = f"{ARCHIVE_DIR}/renders/snapshot-{self.snapshot_id}-{os.urandom(6).hex()}.warc.gz"
        os.replace(self._tmp, Path(settings.MEDIA_ROOT) / name)
        return name

    def discard(self) -> None:
        self._out.close()
        Path(self._tmp).unlink(missing_ok=True)


class WarcPathError(NotFound):
    """The stored WARC name points outside the archive storage."""


def warc_path(name: str) -> Path:
    """The file a stored WARC name stands for, which must lie inside MEDIA_ROOT.

    Names are written by warc_write, but the column is data: an absolute name, `..` parts or a
    symbolic link would otherwise let a changed row hand out any file the process can read. The
    path is resolved (links followed) and refused unless it stays under the resolved root."""
    root = Path(settings.MEDIA_ROOT).resolve()
    if not name or "\x00" in name:
        raise WarcPathError("This snapshot has no WARC file.")
    path = (root / name).resolve()
    if not path.is_relative_to(root) or path == root:
        raise WarcPathError("The snapshot's WARC file is outside the archive storage.")
    return path


def media_file(name: str | None) -> Path | None:
    """The stored file a name stands for (a WARC, a screenshot, a PDF) when it exists inside
    MEDIA_ROOT; None for no name, a name that points outside, or a file that is gone."""
    try:
        path = warc_path(name or "")
    except WarcPathError:
        return None
    return path if path.is_file() else None


def warc_read_payload(name: str, *, limit: int) -> bytes:
    """Up to `limit` bytes of the response payload, content-decoded (for text extraction)."""
    with warc_path(name).open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                return record.content_stream().read(limit)
    return b""
