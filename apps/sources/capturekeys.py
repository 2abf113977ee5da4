"""The key pair that signs evidence packages (anonymous signing in the WACZ auth spec).

The private key is made on the server at deploy (`manage.py capture_keys`) or on first use, at
CAPTURE_KEY_PATH with mode 0600; it is never committed. Anyone can check a package against the
public half, which is served at /.well-known/factcheck-capture-key.pem.

Format (as WACZ viewers verify with WebCrypto): ECDSA P-256 with SHA-256 over the UTF-8 bytes of
the datapackage digest string ("sha256:<hex>"); `signature` is the raw r||s pair (IEEE P1363,
64 bytes) in base64, `publicKey` the SubjectPublicKeyInfo (DER) in base64.
"""

import base64
import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from django.conf import settings

from factcheck.errors import Unavailable

_ECDSA = ec.ECDSA(hashes.SHA256())
_HALF = 32  # bytes in r and in s for P-256


class CaptureKeyError(Unavailable):
    """A key file that cannot be read as a P-256 key (an operator's fix, not the user's)."""


def _key_path() -> Path:
    return Path(settings.CAPTURE_KEY_PATH)


def capture_key_create(*, path: Path | None = None, replace: bool = False) -> Path:
    """Write a new private key (0600) unless one exists (or replace it). Returns its path."""
    path = path or _key_path()
    if path.exists() and not replace:
        return path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd, tmp = tempfile.mkstemp(prefix=".capture-key-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        if replace:
            os.replace(tmp, path)
        else:
            # Two processes making the first key at once: the first link wins and the other
            # uses it, so no package is ever signed with a key that was then overwritten.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def _private_key() -> ec.EllipticCurvePrivateKey:
    path = capture_key_create()
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise CaptureKeyError(f"The signing key {path} cannot be read: {exc}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise CaptureKeyError(f"{path} is not an ECDSA P-256 private key.")
    return key


def public_key_pem() -> bytes:
    """The public key in PEM, as published at the well-known URL."""
    return (
        _private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def public_key_b64(public_key: ec.EllipticCurvePublicKey) -> str:
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode("ascii")


def public_key_fingerprint() -> str:
    """sha256 of the public key (DER), to tell packages signed by different keys apart."""
    return hashlib.sha256(base64.b64decode(public_key_b64(_private_key().public_key()))).hexdigest()


def load_public_key(data: bytes) -> ec.EllipticCurvePublicKey:
    """A public key from PEM, or from base64 DER as carried in a package's signedData."""
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(data)
        else:
            key = serialization.load_der_public_key(base64.b64decode(data, validate=True))
    except (ValueError, TypeError):
        raise CaptureKeyError("not a public key (PEM or base64 DER expected)") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise CaptureKeyError("not an ECDSA P-256 public key")
    return key


def sign(message: str) -> tuple[str, str]:
    """(signature, publicKey) for message, both base64, in the format described above."""
    key = _private_key()
    r, s = decode_dss_signature(key.sign(message.encode(), _ECDSA))
    raw = r.to_bytes(_HALF, "big") + s.to_bytes(_HALF, "big")
    return base64.b64encode(raw).decode("ascii"), public_key_b64(key.public_key())


def signature_valid(*, message: str, signature: str, public_key: ec.EllipticCurvePublicKey) -> bool:
    try:
        raw = base64.b64decode(signature, validate=True)
    except (ValueError, TypeError):
        return False
    if len(raw) != 2 * _HALF:
        return False
    der = encode_dss_signature(
        int.from_bytes(raw[:_HALF], "big"), int.from_bytes(raw[_HALF:], "big")
    )
    try:
        public_key.verify(der, message.encode(), _ECDSA)
    except InvalidSignature:
        return False
    return True
