"""extract_claims FILE|- [--json] [--threshold X]: print the claims of a text. No database."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from apps.articles.inputfile import input_read
from apps.articles.textinput import TextInputError, text_decode
from apps.claims.extraction import extract

TEXT_WIDTH = 88


class Command(BaseCommand):
    help = "Extract check-worthy claims from a UTF-8 text file (or - for stdin)."
    requires_system_checks = []
    stealth_options = ("stdin",)  # a stream to read "-" from, for call_command

    def add_arguments(self, parser):
        parser.add_argument("file", help="A UTF-8 text file, or - to read standard input.")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
        parser.add_argument(
            "--threshold", help="Minimum score for a claim, 0 to 1 (default: CLAIM_THRESHOLD)."
        )

    def handle(self, *args, file, json: bool, threshold, **options):
        limit = _threshold(threshold)
        try:
            data = input_read(file, stdin=options.get("stdin") or sys.stdin)
            text = text_decode(data, name=_name(file))
        except TextInputError as exc:
            raise CommandError(str(exc)) from None
        extraction = extract(text, threshold=limit)
        if json:
            self.stdout.write(_dumps(extraction.as_dict()))
        else:
            self._table(extraction)

    def _table(self, extraction):
        write = self.stdout.write
        write(f"{'score':>5}  {'kind':<11}  {'span':<13}  claim")
        for claim in extraction.claims:
            span = f"{claim.start}-{claim.end}"
            write(f"{claim.score:5.2f}  {claim.kind:<11}  {span:<13}  {_short(claim.text)}")
            if claim.reasons:
                write(f"{'':5}  {'':<11}  {'':<13}  ↳ {_short('; '.join(claim.reasons))}")
            if claim.contributions:
                learned = "; ".join(
                    f"{c['weight']:+.2f} {c['feature']}" for c in claim.contributions
                )
                write(f"{'':5}  {'':<11}  {'':<13}  ↳ {_short(learned)}")
        write("")
        write(f"{'':5}  {'skipped':<11}  {'span':<13}  text")
        for span in extraction.skipped:
            where = f"{span.start}-{span.end}"
            write(f"{'':5}  {'':<11}  {where:<13}  {_short(span.text)}")
            write(f"{'':5}  {'':<11}  {'':<13}  ↳ {_short(span.reason)}")
        write("")
        write(
            f"{len(extraction.claims)} claims, {len(extraction.skipped)} skipped "
            f"(threshold {extraction.threshold:.2f})"
        )


def _dumps(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _threshold(value) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CommandError(f"--threshold must be a number from 0 to 1, not {value!r}") from None
    if not 0 <= number <= 1:
        raise CommandError(f"--threshold must be from 0 to 1, not {value}")
    return number


def _name(path: str) -> str:
    return "standard input" if path == "-" else path


def _short(text: str, width: int = TEXT_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
