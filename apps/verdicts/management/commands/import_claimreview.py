"""import_claimreview FILE|URL: store other organisations' ClaimReview JSON-LD as external prior
checks (see apps.verdicts.claimreview_import). Exit status 2 when the file is not ClaimReview
JSON-LD or cannot be read; nothing already imported is touched then."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.verdicts.claimreview_import import claim_reviews_import, claim_reviews_load
from factcheck.errors import DomainError

MAX_BYTES = 20 * 1024 * 1024  # a feed larger than this is not one we can check by eye either


class Command(BaseCommand):
    help = "Import ClaimReview JSON-LD (a review, a list, or a DataFeed) from a file or a URL."

    def add_arguments(self, parser):
        parser.add_argument("source", help="A JSON-LD file, or an http(s) URL to fetch it from.")

    def handle(self, *args, source: str, **options):
        raw = (
            self._fetch(source)
            if source.startswith(("http://", "https://"))
            else self._read(source)
        )
        try:
            report = claim_reviews_import(data=claim_reviews_load(raw))
        except DomainError as exc:
            raise CommandError(
                f"{source}: {exc.message} Nothing was imported.", returncode=2
            ) from None
        for position, why in report.skipped:
            self.stderr.write(f"skipped {position}: {why}")
        self.stdout.write(
            f"Imported {report.created} new, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.skipped)} skipped."
        )

    def _read(self, name: str) -> bytes:
        path = Path(name)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{name} is larger than {MAX_BYTES // 2**20} MB", returncode=2)
            return path.read_bytes()
        except IsADirectoryError:
            raise CommandError(f"{name} is a directory, not a file", returncode=2) from None
        except FileNotFoundError:
            raise CommandError(f"{name}: no such file", returncode=2) from None
        except PermissionError:
            raise CommandError(f"cannot read {name}: permission denied", returncode=2) from None

    def _fetch(self, url: str) -> bytes:
        # Through the SSRF-guarded fetcher, like every other URL the workbench reads.
        from apps.sources.fetch import FetchError, fetch_url

        try:
            with fetch_url(url, keep_head=MAX_BYTES, whole_only=True, max_bytes=MAX_BYTES) as page:
                if page.status != 200:
                    raise CommandError(f"cannot fetch {url}: HTTP {page.status}", returncode=2)
                return page.head
        except FetchError as exc:
            raise CommandError(f"cannot fetch {url}: {exc.reason}", returncode=2) from None
