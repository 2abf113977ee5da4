"""Signed evidence packages (WACZ): built from a real capture, accepted by `wacz validate`,
checked by verify_capture, served to staff only."""

import base64
import io
import json
import os
import stat
import struct
import zipfile
import zlib
from contextlib import redirect_stdout

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command
from django.urls import reverse
from wacz.main import main as wacz_main

from apps.sources import capturekeys
from apps.sources.evidence_package import PackageUnavailable, package_path
from apps.sources.selectors import wacz_url
from factcheck.errors import BadInput
from tests.factories import SnapshotFactory

pytestmark = pytest.mark.django_db


def _png(path) -> None:
    """A valid 1x1 PNG, written by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def _validate(path) -> int:
    """`wacz validate`'s exit status; 1 also when it cannot even read the package (it raises on a
    damaged gzip member rather than reporting it)."""
    with redirect_stdout(io.StringIO()):
        try:
            return wacz_main(["validate", "-f", str(path)])
        except (EOFError, OSError, zipfile.BadZipFile):
            return 1


def _verify(path, *extra) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_capture", str(path), *extra, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code), err.getvalue()
    return 0, out.getvalue()


def test_package_holds_pages_text_provenance_and_is_signed(archived, keyed):
    path = package_path(snapshot=archived)
    assert _validate(path) == 0
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()]
        provenance = json.loads(package.read("provenance/provenance.json"))
        digest = json.loads(package.read("datapackage-digest.json"))
        text = package.read("text/extracted-text.txt").decode()
    assert any(name.startswith("archive/") and name.endswith(".warc.gz") for name in names)
    assert "indexes/index.cdx.gz" in names
    assert pages[1]["url"] == archived.final_url and pages[1]["text"] == archived.text
    assert "council approved the budget" in text
    assert provenance["ip_addresses"] == ["127.0.0.1"]
    assert provenance["tls"] is None  # plain http
    assert provenance["payload_sha256"] == archived.sha256
    assert provenance["request"]["line"].startswith("GET /evidence/page")
    assert any(k.lower() == "content-type" for k, _ in provenance["response"]["headers"])
    assert set(provenance["software"]) == {"factcheck-workbench", "warcio", "wacz", "python"}
    signed = digest["signedData"]
    assert set(signed) == {"hash", "created", "software", "publicKey", "signature"}
    assert signed["hash"] == digest["hash"]
    assert len(base64.b64decode(signed["signature"])) == 64
    expected = f"verified: {path} (signed {signed['created']}, {signed['hash']})\n"
    assert _verify(path) == (0, expected)


def test_key_file_is_private_and_made_once(keyed):
    path = capturekeys.capture_key_create()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    before = path.read_bytes()
    call_command("capture_keys", stdout=io.StringIO(), stderr=io.StringIO())
    assert path.read_bytes() == before


def test_screenshot_is_packaged_and_validates(archived, tmp_path):
    shot = tmp_path / "screenshot.png"
    _png(shot)
    plain = package_path(snapshot=archived)
    path = package_path(snapshot=archived, screenshot_path=shot)
    assert path != plain
    with zipfile.ZipFile(path) as package:
        assert package.read("screenshots/screenshot.png") == shot.read_bytes()
    assert _validate(path) == 0
    assert _verify(path)[0] == 0


def test_package_is_cached_until_the_text_changes(archived):
    first = package_path(snapshot=archived)
    stamp = first.stat().st_mtime_ns
    assert package_path(snapshot=archived) == first
    assert first.stat().st_mtime_ns == stamp
    archived.text = "Re-extracted text."
    again = package_path(snapshot=archived)
    assert again != first
    assert zipfile.ZipFile(again).read("text/extracted-text.txt") == b"Re-extracted text."


def _tampered(path, tmp_path, member_prefix: str):
    """A copy of the package with one byte of the first member starting with prefix flipped."""
    out = tmp_path / "tampered.wacz"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith(member_prefix):
                data = data[:-10] + bytes([data[-10] ^ 0x01]) + data[-9:]
                member = info.filename
            dst.writestr(info, data)
    return out, member


def test_flipped_byte_in_warc_fails_naming_the_file(archived, tmp_path):
    bad, member = _tampered(package_path(snapshot=archived), tmp_path, "archive/")
    code, message = _verify(bad)
    assert code == 1
    assert member in message and "does not match its hash" in message
    assert _validate(bad) == 1


def test_changed_datapackage_fails(archived, tmp_path):
    bad, _ = _tampered(package_path(snapshot=archived), tmp_path, "datapackage.json")
    code, message = _verify(bad)
    assert code == 1 and "datapackage.json" in message


def test_wrong_key_fails(archived, tmp_path):
    path = package_path(snapshot=archived)
    other = tmp_path / "other.pem"
    capturekeys.capture_key_create(path=other)
    private = serialization.load_pem_private_key(other.read_bytes(), password=None)
    public = tmp_path / "other-public.pem"
    public.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    code, message = _verify(path, "--key", str(public))
    assert code == 1 and "signature does not verify" in message


def test_truncated_or_foreign_file_fails_clearly(archived, tmp_path):
    data = package_path(snapshot=archived).read_bytes()
    truncated = tmp_path / "truncated.wacz"
    truncated.write_bytes(data[: len(data) // 2])
    code, message = _verify(truncated)
    assert code == 1 and "not a readable WACZ" in message
    text = tmp_path / "notes.wacz"
    text.write_text("hello")
    assert _verify(text)[0] == 1
    assert _verify(tmp_path / "absent.wacz")[0] == 1


def test_failed_capture_is_refused(keyed):
    failed = SnapshotFactory(state="failed", reason="HTTP 404", sha256="", warc="", fetched_at=None)
    with pytest.raises(PackageUnavailable, match="HTTP 404"):
        package_path(snapshot=failed)


def test_staff_download(client, reviewer, archived):
    client.force_login(reviewer)
    response = client.get(wacz_url(archived))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/wacz"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(body)).read("text/extracted-text.txt").decode() == (
        archived.text
    )
    page = client.get(reverse("admin:sources_snapshot_change", args=[archived.pk]))
    assert wacz_url(archived) in page.content.decode()


def test_download_of_failed_capture_is_409(client, reviewer, keyed):
    client.force_login(reviewer)
    failed = SnapshotFactory(state="failed", reason="HTTP 404", sha256="", warc="", fetched_at=None)
    assert wacz_url(failed) is None  # no link is shown for it; the URL still answers clearly
    response = client.get(reverse("admin:sources_snapshot_wacz", args=[failed.pk]))
    assert response.status_code == 409
    assert "HTTP 404" in response.content.decode()


def test_download_refused_to_anonymous_and_ex_staff(client, django_user_model, archived):
    url = wacz_url(archived)
    assert client.get(url).status_code == 302  # to the login page
    former = django_user_model.objects.create_user("former", password="pw", is_staff=False)
    client.force_login(former)
    assert client.get(url).status_code == 302
    plain_staff = django_user_model.objects.create_user("plain", password="pw", is_staff=True)
    client.force_login(plain_staff)
    assert client.get(url).status_code == 403


def test_public_key_is_published(client, keyed, archived):
    response = client.get("/.well-known/factcheck-capture-key.pem")
    assert response.status_code == 200
    public = capturekeys.load_public_key(response.content)
    path = package_path(snapshot=archived)
    signed = json.loads(zipfile.ZipFile(path).read("datapackage-digest.json"))["signedData"]
    assert capturekeys.public_key_b64(public) == signed["publicKey"]


def test_unreadable_key_is_a_clear_503_not_a_500(client, reviewer, archived, keyed):
    keyed.CAPTURE_KEY_PATH.parent.mkdir(parents=True, exist_ok=True)
    keyed.CAPTURE_KEY_PATH.write_text("not a key")
    response = client.get("/.well-known/factcheck-capture-key.pem")
    assert response.status_code == 503 and b"cannot be read" in response.content
    client.force_login(reviewer)
    response = client.get(wacz_url(archived))
    assert response.status_code == 503 and b"cannot be read" in response.content


@pytest.mark.parametrize("name", ["shot.png", "a/b/c.png", "archive/extra.warc.gz", "dir/noext"])
def test_extra_file_names_are_checked(archived, tmp_path, name):
    extra = tmp_path / "extra.bin"
    extra.write_bytes(b"x")
    with pytest.raises(BadInput, match=r"dir/file\.ext"):
        package_path(snapshot=archived, extra_files={name: extra})


def test_extra_file_is_packaged_and_hashed(archived, tmp_path):
    extra = tmp_path / "dom.html"
    extra.write_bytes(b"<html>final DOM</html>")
    path = package_path(snapshot=archived, extra_files={"render/dom.html": extra})
    assert zipfile.ZipFile(path).read("render/dom.html") == extra.read_bytes()
    assert _validate(path) == 0 and _verify(path)[0] == 0
