"""`python manage.py archive_url URL [--json]`: capture one URL now, through the same service the
worker uses, and report the outcome. Exit status 0 when archived, 1 otherwise."""

import json

from django.core.management.base import BaseCommand, CommandError

from apps.sources.services import SourceError, snapshot_archive_now
from apps.sources.warc import warc_path


class Command(BaseCommand):
    help = "Fetch and archive a URL synchronously; prints the outcome (exit 1 unless archived)."

    def add_arguments(self, parser):
        parser.add_argument("url", help="The URL to archive (http or https).")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, url: str, **options):
        try:
            snapshot = snapshot_archive_now(url=url)
        except SourceError as exc:
            raise CommandError(exc.message) from None
        outcome = {
            "url": snapshot.source.url,
            "final_url": snapshot.final_url or None,
            "state": snapshot.state,
            "reason": snapshot.reason,
            "http_status": snapshot.http_status,
            "sha256": snapshot.sha256 or None,
            "bytes": snapshot.size,
            "warc": str(warc_path(snapshot.warc.name)) if snapshot.warc else None,
        }
        if options["json"]:
            self.stdout.write(json.dumps(outcome))
        else:
            for key, value in outcome.items():
                self.stdout.write(f"{key:12} {'' if value is None else value}")
        if snapshot.state != snapshot.State.ARCHIVED:
            raise SystemExit(1)
