"""Checking an evidence package (apps.sources.evidence_package) without trusting anything in it:
every member's hash against datapackage.json (and no member left out of it), datapackage.json
against its digest, and the digest's signature against the public key the caller trusts (the one
published at /.well-known/factcheck-capture-key.pem), not the key the package carries."""

import hashlib
import json
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from apps.sources import capturekeys
from apps.sources.evidence_package import DATAPACKAGE, DIGEST, PackageInvalid


def _json(package: zipfile.ZipFile, name: str) -> tuple[bytes, dict]:
    try:
        data = package.read(name)
        parsed = json.loads(data)
    except KeyError:
        raise PackageInvalid(f"{name} is missing.") from None
    except (ValueError, zipfile.BadZipFile, OSError) as exc:
        raise PackageInvalid(f"{name} cannot be read: {exc}") from None
    if not isinstance(parsed, dict):
        raise PackageInvalid(f"{name} is not a JSON object.")
    return data, parsed


def _member_hash(package: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    try:
        with package.open(name) as stream:
            for block in iter(lambda: stream.read(1 << 16), b""):
                digest.update(block)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:  # a CRC error names the member
        raise PackageInvalid(f"{name} is damaged: {exc}") from None
    return f"sha256:{digest.hexdigest()}"


def package_verify(path: Path, *, public_key: ec.EllipticCurvePublicKey) -> dict:
    """Raise PackageInvalid naming the first problem; return the signed data when all is well."""
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageInvalid(f"{path} is not a readable WACZ (zip) file: {exc}") from None
    with package:
        data, datapackage = _json(package, DATAPACKAGE)
        _, digest = _json(package, DIGEST)
        resources = datapackage.get("resources")
        if not isinstance(resources, list):
            raise PackageInvalid(f"{DATAPACKAGE} lists no resources.")
        listed = {}
        for item in resources:
            if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                raise PackageInvalid(f"{DATAPACKAGE} has a malformed resource entry.")
            listed[item["path"]] = item.get("hash")
        members = set(package.namelist()) - {DATAPACKAGE, DIGEST}
        for name in sorted(members - listed.keys()):
            raise PackageInvalid(f"{name} is in the package but not in {DATAPACKAGE}.")
        for name, expected in listed.items():
            if name not in members:
                raise PackageInvalid(f"{name} is listed in {DATAPACKAGE} but missing.")
            if _member_hash(package, name) != expected:
                raise PackageInvalid(f"{name} does not match its hash in {DATAPACKAGE}.")
    actual = f"sha256:{hashlib.sha256(data).hexdigest()}"
    if digest.get("hash") != actual:
        raise PackageInvalid(f"{DATAPACKAGE} does not match the hash in {DIGEST}.")
    signed = digest.get("signedData")
    if not isinstance(signed, dict):
        raise PackageInvalid("The package is not signed.")
    if signed.get("hash") != actual or signed.get("created") != datapackage.get("created"):
        raise PackageInvalid("The signed data does not describe this datapackage.json.")
    if not capturekeys.signature_valid(
        message=actual, signature=str(signed.get("signature", "")), public_key=public_key
    ):
        raise PackageInvalid("The signature does not verify against the trusted public key.")
    return signed
