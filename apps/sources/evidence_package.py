"""Evidence packages: one signed WACZ per archived snapshot.

py-wacz (`wacz create`) indexes our WARC and writes the archive and indexes; we then add what it
does not know: pages/pages.jsonl with the text we extracted, the provenance JSON, the text as a
file, the renderer's screenshot (and any other file) when the caller passes one, and a
datapackage.json covering every file, whose digest we sign ourselves (py-wacz signs only through
a remote authsign server; see capturekeys for the format). `wacz validate` accepts the result.

Packages are built on demand and cached under MEDIA_ROOT/packages/, named by the snapshot, its
payload hash, its extracted text, the signing key, our version and the extra files. On demand
rather than at capture time, because most captures are never downloaded as packages, a key made
or replaced after a capture must still sign it, and the renderer adds its screenshot later: a new
screenshot, key or re-extracted text is a new name, so a stale package is never served.
"""

import contextlib
import hashlib
import io
import json
import os
import platform
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.conf import settings
from wacz.main import main as wacz_main
from warcio.archiveiterator import ArchiveIterator

from apps.sources import capturekeys
from apps.sources.models import Snapshot
from apps.sources.warc import WarcPathError, media_file, warc_path
from factcheck.errors import BadInput, Conflict

PACKAGE_DIR = "packages"
SOFTWARE = "factcheck-workbench"
# Our own members; py-wacz's datapackage check expects every path to be exactly dir/file.ext.
PAGES = "pages/pages.jsonl"
PROVENANCE = "provenance/provenance.json"
TEXT = "text/extracted-text.txt"
DIGEST = "datapackage-digest.json"
DATAPACKAGE = "datapackage.json"


class PackageUnavailable(Conflict):
    """The snapshot has nothing to package (it was never archived, or its WARC is gone)."""


class PackageInvalid(BadInput):
    """A package that does not verify: `message` names the first problem found."""


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def software_versions() -> dict[str, str]:
    return {
        SOFTWARE: _version(SOFTWARE),
        "warcio": _version("warcio"),
        "wacz": _version("wacz"),
        "python": platform.python_version(),
    }


def _warc_of(snapshot: Snapshot) -> Path:
    if snapshot.state != Snapshot.State.ARCHIVED or not snapshot.warc:
        reason = f" ({snapshot.reason})" if snapshot.reason else ""
        raise PackageUnavailable(
            f"Snapshot {snapshot.pk} has no archived capture to package: it is "
            f"{snapshot.get_state_display().lower()}{reason}."
        )
    try:
        path = warc_path(snapshot.warc.name)
    except WarcPathError as exc:
        raise PackageUnavailable(exc.message) from None
    if not path.is_file():
        raise PackageUnavailable(f"The WARC file of snapshot {snapshot.pk} is missing.")
    return path


def provenance(snapshot: Snapshot) -> dict:
    """What the capture saw, from the snapshot row and its WARC: when, from which address, what
    was asked and answered (headers), and with which software."""
    records: dict[str, dict] = {}
    with _warc_of(snapshot).open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type not in ("request", "response") or record.rec_type in records:
                continue
            http = record.http_headers
            records[record.rec_type] = {
                "line": f"{http.protocol} {http.statusline}" if http else "",
                "headers": [[k, v] for k, v in (http.headers if http else [])],
                "warc_date": record.rec_headers.get_header("WARC-Date"),
                "ip_address": record.rec_headers.get_header("WARC-IP-Address"),
            }
    response = records.get("response", {})
    return {
        "snapshot": snapshot.pk,
        "url": snapshot.source.url,
        "final_url": snapshot.final_url,
        "captured_at": snapshot.fetched_at.isoformat() if snapshot.fetched_at else None,
        "http_status": snapshot.http_status,
        "payload_sha256": snapshot.sha256,
        "payload_bytes": snapshot.size,
        "ip_addresses": [response["ip_address"]] if response.get("ip_address") else [],
        "tls": _tls(snapshot),
        "request": records.get("request"),
        "response": records.get("response"),
        "software": software_versions(),
    }


def _tls(snapshot: Snapshot) -> dict | None:
    """The server certificate seen by the capture, where the fetcher recorded one."""
    if not snapshot.tls_fingerprint:
        return None
    return {"subject": snapshot.tls_subject, "sha256_fingerprint": snapshot.tls_fingerprint}


@dataclass(frozen=True)
class ExtraFile:
    """A file to add to the package: `name` inside it (dir/file.ext) and where it is now."""

    name: str
    path: Path


def _extras(screenshot_path, extra_files) -> list[ExtraFile]:
    extras = (
        [ExtraFile(f"screenshots/{Path(screenshot_path).name}", Path(screenshot_path))]
        if (screenshot_path)
        else []
    )
    extras += [ExtraFile(name, Path(path)) for name, path in (extra_files or {}).items()]
    for extra in extras:
        parts = extra.name.split("/")
        if (
            len(parts) != 2
            or not all(parts)
            or "." not in parts[1]
            or parts[0]
            in (
                "archive",
                "indexes",
                "pages",
            )
        ):
            raise BadInput(f"A package member must be named dir/file.ext: {extra.name!r}.")
        if not extra.path.is_file():
            raise BadInput(f"No such file to package: {extra.path}.")
    return extras


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def package_name(snapshot: Snapshot, extras: list[ExtraFile]) -> str:
    key = hashlib.sha256(
        "\n".join(
            [
                str(snapshot.pk),
                snapshot.sha256,
                hashlib.sha256(f"{snapshot.title}\n{snapshot.text}".encode()).hexdigest(),
                capturekeys.public_key_fingerprint(),
                software_versions()[SOFTWARE],
                *(f"{extra.name}={_file_sha256(extra.path)}" for extra in extras),
            ]
        ).encode()
    ).hexdigest()
    return f"{PACKAGE_DIR}/{key[:2]}/snapshot-{snapshot.pk}-{key[:16]}.wacz"


def package_path(
    *, snapshot: Snapshot, screenshot_path: str | Path | None = None, extra_files=None
) -> Path:
    """The snapshot's signed WACZ, built now unless an identical one is cached. `screenshot_path`
    (a PNG) goes in as screenshots/<name>; `extra_files` maps more member names (dir/file.ext)
    to files on disk."""
    warc = _warc_of(snapshot)
    extras = _extras(screenshot_path, extra_files)
    path = Path(settings.MEDIA_ROOT) / package_name(snapshot, extras)
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        built = Path(work) / "package.wacz"
        _build(snapshot=snapshot, warc=warc, extras=extras, out=built, work=Path(work))
        os.replace(built, path)
    return path


def _page(snapshot: Snapshot) -> dict:
    ts = snapshot.fetched_at or datetime.now(UTC)
    return {
        "id": f"snapshot-{snapshot.pk}",
        "url": snapshot.final_url or snapshot.source.url,
        "ts": ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "title": snapshot.title or snapshot.source.url,
        "text": snapshot.text,
    }


def _build(*, snapshot: Snapshot, warc: Path, extras: list[ExtraFile], out: Path, work: Path):
    base = work / "base.wacz"
    page = _page(snapshot)
    with contextlib.redirect_stdout(io.StringIO()) as said:
        status = wacz_main(["create", "-o", str(base), str(warc), "--url", page["url"]])
    if status != 0:
        raise PackageUnavailable(f"wacz create failed: {said.getvalue()[-300:]}")
    header = {"format": "json-pages-1.0", "id": "pages", "title": "Pages", "hasText": True}
    ours = {
        PAGES: "\n".join(json.dumps(line) for line in (header, page)).encode() + b"\n",
        PROVENANCE: json.dumps(provenance(snapshot), indent=2).encode(),
        TEXT: snapshot.text.encode(),
    }
    with zipfile.ZipFile(base) as made, zipfile.ZipFile(out, "w", allowZip64=True) as package:
        members = _Members(package)
        for info in made.infolist():
            if info.filename in (DATAPACKAGE, DIGEST, *ours):
                continue
            with made.open(info) as src:
                members.add(info.filename, src, compress_type=info.compress_type)
        generated = json.loads(made.read(DATAPACKAGE))
        for name, data in ours.items():
            members.add(name, io.BytesIO(data))
        for extra in extras:
            with extra.path.open("rb") as src:
                members.add(extra.name, src, compress_type=zipfile.ZIP_STORED)
        created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        datapackage = {
            "profile": "data-package",
            "resources": members.resources,
            "title": page["title"],
            "mainPageURL": page["url"],
            "mainPageDate": page["ts"],
            "created": created,
            "wacz_version": generated.get("wacz_version", "1.1.1"),
            "software": f"{SOFTWARE} {software_versions()[SOFTWARE]}, {generated.get('software')}",
        }
        data = json.dumps(datapackage, indent=2).encode()
        package.writestr(DATAPACKAGE, data, compress_type=zipfile.ZIP_DEFLATED)
        digest = f"sha256:{hashlib.sha256(data).hexdigest()}"
        signature, public_key = capturekeys.sign(digest)
        signed = {
            "hash": digest,
            "created": created,
            "software": datapackage["software"],
            "publicKey": public_key,
            "signature": signature,
        }
        package.writestr(
            DIGEST,
            json.dumps({"path": DATAPACKAGE, "hash": digest, "signedData": signed}, indent=2),
            compress_type=zipfile.ZIP_DEFLATED,
        )


class _Members:
    """Writes members into the package and keeps each one's datapackage entry (hash, size)."""

    def __init__(self, package: zipfile.ZipFile):
        self.package = package
        self.resources: list[dict] = []

    def add(self, name: str, src, *, compress_type: int = zipfile.ZIP_DEFLATED) -> None:
        digest, size = hashlib.sha256(), 0
        info = zipfile.ZipInfo(name, date_time=datetime.now(UTC).timetuple()[:6])
        info.compress_type = compress_type
        with self.package.open(info, "w", force_zip64=True) as dst:
            for block in iter(lambda: src.read(1 << 16), b""):
                digest.update(block)
                size += len(block)
                dst.write(block)
        self.resources.append(
            {
                "name": Path(name).name.lower(),
                "path": name,
                "hash": f"sha256:{digest.hexdigest()}",
                "bytes": size,
            }
        )


def snapshot_package_path(snapshot: Snapshot) -> Path:
    """The snapshot's package with its rendered screenshot when it has one (the download and
    `archive_url --render` both use this, so they hand out the same cached file)."""
    screenshot = media_file(snapshot.screenshot.name if snapshot.screenshot else None)
    return package_path(snapshot=snapshot, screenshot_path=screenshot)
