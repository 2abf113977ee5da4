"""`python manage.py verify_capture FILE [--key PEM]`: check an evidence package's file hashes,
its datapackage digest and its signature against our public key (or the PEM given). Exit 0 when
it verifies, 1 when it does not (the message names the first problem), 2 on a bad key file."""

from pathlib import Path

from django.core.management.base import BaseCommand

from apps.sources import capturekeys
from apps.sources.evidence_package import PackageInvalid
from apps.sources.package_check import package_verify


class Command(BaseCommand):
    help = "Verify a WACZ evidence package: file hashes, digest and signature."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .wacz file.")
        parser.add_argument(
            "--key", help="Public key (PEM) to trust; by default this server's published key."
        )

    def handle(self, *args, file: str, key: str | None, **options):
        try:
            pem = Path(key).read_bytes() if key else capturekeys.public_key_pem()
            public_key = capturekeys.load_public_key(pem)
        except (OSError, capturekeys.CaptureKeyError) as exc:
            self.stderr.write(f"key: {getattr(exc, 'message', exc)}")
            raise SystemExit(2) from None
        try:
            signed = package_verify(Path(file), public_key=public_key)
        except PackageInvalid as exc:
            self.stderr.write(f"NOT VERIFIED: {exc.message}")
            raise SystemExit(1) from None
        self.stdout.write(f"verified: {file} (signed {signed['created']}, {signed['hash']})")
