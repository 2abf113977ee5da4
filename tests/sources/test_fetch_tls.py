"""The fetcher records the server certificate of an https capture (subject and sha256
fingerprint) for the evidence package's provenance. A local HTTPS server with a certificate made
here; the fetcher trusts it only inside this test (its verifying context is swapped for one that
trusts this certificate alone)."""

import hashlib
import ipaddress
import ssl
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from apps.sources import fetch, services
from apps.sources.evidence_package import provenance
from apps.sources.fetch import FetchError, fetch_url
from apps.sources.models import Snapshot
from tests.factories import SourceFactory

BODY = b"<html><title>Secure</title><body><p>Signed and sealed.</p></body></html>"


class _Page(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass


def _certificate(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Evidence Test"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, cert_file, key_file


@pytest.fixture
def https_server(tmp_path, settings):
    cert, cert_file, key_file = _certificate(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    settings.ARCHIVE_ALLOWED_NETWORKS = [
        ipaddress.ip_network("127.0.0.0/8"),
        ipaddress.ip_network("::1/128"),
    ]
    settings.ARCHIVE_ALLOWED_PORTS = [port]
    yield cert, cert_file, f"https://localhost:{port}/page"
    server.shutdown()
    server.server_close()


def _local(host, port):
    return ["127.0.0.1"]


def test_https_capture_records_certificate(https_server, monkeypatch):
    cert, cert_file, url = https_server
    trusting = ssl.create_default_context(cafile=str(cert_file))
    monkeypatch.setattr(fetch, "_ssl_context", lambda: trusting)
    with fetch_url(url, resolver=_local) as result:
        assert result.payload().read() == BODY
    der = cert.public_bytes(serialization.Encoding.DER)
    assert result.tls_fingerprint == hashlib.sha256(der).hexdigest()
    assert result.tls_subject == "O=Evidence Test,CN=localhost"


def test_untrusted_certificate_is_still_refused(https_server):
    _, _, url = https_server
    with pytest.raises(FetchError, match="TLS error"):
        fetch_url(url, resolver=_local)


@pytest.mark.django_db
def test_archived_snapshot_keeps_certificate_for_provenance(
    https_server, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    cert, cert_file, url = https_server
    trusting = ssl.create_default_context(cafile=str(cert_file))
    monkeypatch.setattr(fetch, "_ssl_context", lambda: trusting)
    source = SourceFactory(url=url, domain="localhost")
    snapshot = services.snapshot_archive(snapshot_id=services.snapshot_request(source=source).pk)
    snapshot.refresh_from_db()
    assert snapshot.state == Snapshot.State.ARCHIVED, snapshot.reason
    fingerprint = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    assert provenance(snapshot)["tls"] == {
        "subject": "O=Evidence Test,CN=localhost",
        "sha256_fingerprint": fingerprint,
    }
