"""`python manage.py archive_url URL [--json] [--render]`: capture one URL now, through the same
service the worker uses, and report the outcome. Exit status 0 when archived (with --render: and
the render complete or partial), 1 otherwise."""

import json

from django.core.management.base import BaseCommand, CommandError

from apps.sources.evidence_package import PackageUnavailable, snapshot_package_path
from apps.sources.services import SourceError, snapshot_archive_now, snapshot_render_now
from apps.sources.warc import warc_path


def _media_path(field) -> str | None:
    return str(warc_path(field.name)) if field else None


def _package(snapshot) -> str | None:
    """The signed evidence package (built now, with the screenshot), or None for a capture
    that has nothing to package."""
    if snapshot.state != snapshot.State.ARCHIVED:
        return None
    try:
        return str(snapshot_package_path(snapshot))
    except PackageUnavailable:
        return None


class Command(BaseCommand):
    help = "Fetch and archive a URL synchronously; prints the outcome (exit 1 unless archived)."

    def add_arguments(self, parser):
        parser.add_argument("url", help="The URL to archive (http or https).")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument(
            "--render",
            action="store_true",
            help="Also render the page in Chromium now (screenshot, PDF, subresources).",
        )

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
            "warc": _media_path(snapshot.warc),
        }
        rendered = True
        if options["render"]:
            if snapshot.state == snapshot.State.ARCHIVED:
                snapshot = snapshot_render_now(snapshot=snapshot)
            outcome.update(
                render_state=snapshot.render_state,
                render_reason=snapshot.render_reason,
                screenshot=_media_path(snapshot.screenshot),
                pdf=_media_path(snapshot.pdf),
                dom=_media_path(snapshot.dom),
                render_warc=_media_path(snapshot.render_warc),
                wacz=_package(snapshot),
                subresources_ok=snapshot.subresources_ok,
                subresources_failed=snapshot.subresources_failed,
                subresources_refused=snapshot.subresources_refused,
            )
            rendered = snapshot.render_state in snapshot.RENDER_DONE_STATES
        if options["json"]:
            self.stdout.write(json.dumps(outcome))
        else:
            for key, value in outcome.items():
                self.stdout.write(f"{key:12} {'' if value is None else value}")
        if snapshot.state != snapshot.State.ARCHIVED or not rendered:
            raise SystemExit(1)
