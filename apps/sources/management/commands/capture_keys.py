"""`python manage.py capture_keys [--replace]`: make the key pair that signs evidence packages
(at deploy), and print the public key. Packages signed with a replaced key no longer verify
against the published key; keep the old public key if you replace it."""

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.sources import capturekeys


class Command(BaseCommand):
    help = "Create the evidence-package signing key (if missing) and print its public key."

    def add_arguments(self, parser):
        parser.add_argument("--replace", action="store_true", help="Make a new key pair.")

    def handle(self, *args, replace: bool, **options):
        path = capturekeys.capture_key_create(path=settings.CAPTURE_KEY_PATH, replace=replace)
        self.stderr.write(f"private key: {path} (mode 0600)")
        self.stdout.write(capturekeys.public_key_pem().decode())
