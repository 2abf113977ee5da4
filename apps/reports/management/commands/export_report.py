"""`manage.py export_report (--article ID ... | --all) --format FMT [-o FILE]`: the command-line
door to apps.reports.services.report_render.

Bad input (an unknown article, a format we do not make, a path that cannot be written) ends with
one line on stderr and exit status 1, and never leaves a half-written file: the report goes to a
hidden temporary file beside the target, which is renamed into place only once it is complete.
"""

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from apps.reports.pdf import PdfUnavailableError
from apps.reports.selectors import report_article_ids
from apps.reports.services import FORMATS, ReportError, report_format, report_render

PROGRESS_MIN_ARTICLES = 5


class Command(BaseCommand):
    help = (
        "Export verdict reports of articles as csv, json, claimreview (JSON-LD DataFeed), "
        "html or pdf. Published verdicts only, unless --include-drafts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--article", action="extend", nargs="+", default=[], metavar="ID",
            help="Article id(s) to report on (repeatable).",
        )  # fmt: skip
        parser.add_argument(
            "--all", action="store_true", help="Every article with verdicts to report."
        )
        parser.add_argument("--format", metavar="FORMAT", help=f"One of: {', '.join(FORMATS)}.")
        parser.add_argument("-o", "--output", metavar="FILE", help="Write here, not to stdout.")
        parser.add_argument(
            "--include-drafts", action="store_true",
            help="Add verdicts not yet published, each marked DRAFT (internal use only).",
        )  # fmt: skip
        parser.add_argument(
            "--bom", action="store_true", help="Start CSV with a UTF-8 BOM, for Excel."
        )

    def handle(self, *args, **options):
        fmt = options["format"]
        if not fmt:
            raise CommandError(f"Give --format, one of: {', '.join(FORMATS)}.")
        try:
            report_format(fmt)
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        include_drafts = options["include_drafts"]
        article_ids = self._article_ids(options["article"], options["all"])
        every = article_ids is None
        if every:
            article_ids = report_article_ids(include_drafts=include_drafts)
        output = options["output"]
        if output is None and FORMATS[fmt].binary and sys.stdout.isatty():
            raise CommandError(f"{fmt.upper()} is binary; write it to a file with -o FILE.")

        count = len(article_ids)
        progress = tqdm(
            total=count,
            unit="article",
            file=sys.stderr,
            disable=not (sys.stderr.isatty() and count >= PROGRESS_MIN_ARTICLES),
        )
        target = self._open(output) if output else None
        try:
            chunks = report_render(
                fmt=fmt,
                # Every row of every article: no need for a list of ids in the query.
                article_ids=None if every and fmt == "csv" else article_ids,
                include_drafts=include_drafts,
                bom=options["bom"],
                on_article_done=lambda _pk: progress.update(1),
            )
            self._write(chunks, target)
        except (ReportError, PdfUnavailableError) as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}") from None
        finally:
            progress.close()
            if target is not None and not target.closed:
                target.close()
                os.unlink(target.name)
        if target is not None:
            os.replace(target.name, output)
            self.stderr.write(f"Wrote {output} ({Path(output).stat().st_size:,} bytes).")

    def _article_ids(self, given: list[str], every: bool) -> list[int] | None:
        if every and given:
            raise CommandError("Give either --article ID ... or --all, not both.")
        if every:
            return None
        if not given:
            raise CommandError("Say which articles: --article ID ... or --all.")
        bad = [value for value in given if not value.isdigit()]
        if bad:
            raise CommandError(f"Article ids are numbers; got {', '.join(map(repr, bad))}.")
        return list(dict.fromkeys(int(value) for value in given))

    def _open(self, output: str):
        """A temporary file beside `output`; fails early if the place cannot be written."""
        path = Path(output)
        if path.is_dir():
            raise CommandError(f"Cannot write {output}: it is a directory.")
        try:
            target = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed or removed in handle()
                mode="wb", dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False
            )
            os.chmod(target.name, 0o666 & ~_umask())
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}") from None
        return target

    def _write(self, chunks, target) -> None:
        if target is not None:
            for chunk in chunks:
                target.write(chunk)
            target.flush()
            os.fsync(target.fileno())
            target.close()
            return
        stream = self.stdout._out
        binary = getattr(stream, "buffer", None)
        for chunk in chunks:
            if binary is not None:
                binary.write(chunk)
            else:
                stream.write(chunk.decode("utf-8"))
        stream.flush()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
