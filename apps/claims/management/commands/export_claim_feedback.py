"""export_claim_feedback [--output FILE] [--since DATE]: the reviewers' claim decisions as training
examples, one JSON object a line in the training file's format, for `make train-claims
TRAIN_EXTRA=FILE`."""

import datetime
import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.claims.selectors import claims_feedback


class Command(BaseCommand):
    help = (
        "Write the reviewers' decisions (claims they added or kept: check-worthy; sentences they "
        'marked not a claim: not) as JSON lines {"id", "text", "checkworthy"}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument(
            "--since", help="Only decisions made on or after this date (YYYY-MM-DD, server time)."
        )

    def handle(self, *args, output, since, **options):
        if output:
            _check_writable(Path(output))
        rows = list(claims_feedback(since=_since(since)).values_list("pk", "text", "feedback"))
        lines = "".join(
            json.dumps({"id": f"claim-{pk}", "text": text, "checkworthy": yes}, ensure_ascii=False)
            + "\n"
            for pk, text, yes in rows
        )
        if output:
            _write(Path(output), lines)
        else:
            self.stdout.write(lines, ending="")
        kept = sum(yes for _, _, yes in rows)
        self.stderr.write(
            f"{len(rows)} decisions ({kept} check-worthy, {len(rows) - kept} not) "
            f"written to {output or 'standard output'}"
        )


def _since(value: str | None) -> datetime.datetime | None:
    if value is None:
        return None
    try:
        day = datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"--since must be a date like 2026-12-01, not {value!r}", returncode=2
        ) from None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _check_writable(path: Path) -> None:
    """Refuse a bad --output before any work, with the reason in the user's words."""
    if path.is_dir():
        raise CommandError(f"--output {path} is a directory, not a file", returncode=2)
    folder = path.parent
    if not folder.is_dir():
        raise CommandError(f"cannot write {path}: there is no folder {folder}", returncode=2)
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CommandError(f"cannot write {path}: permission denied", returncode=2)


def _write(path: Path, text: str) -> None:
    """All or nothing: a temporary file beside the target, renamed over it once complete."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as exc:
        raise CommandError(
            f"cannot write {path}: {exc.strerror or exc} ({path.parent})", returncode=2
        ) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}", returncode=2) from None
