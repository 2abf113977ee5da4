"""Reports as CSV: one row per claim, streamed, and safe to open in a spreadsheet.

A cell that begins with = + - @ (or a tab or carriage return) would be run as a formula by Excel,
LibreOffice and Google Sheets, so it gets a leading single quote (OWASP's advice for CSV
injection). Spreadsheets skip leading blanks before reading a formula, so the trigger is looked
for after any leading whitespace, line breaks, no-break spaces and invisible format characters
(zero-width spaces, direction marks, a byte order mark), and in its full-width forms too.

A claim's several sources share one cell per field, one source per line, in the same order in
every source_* and snapshot_* column. With `bom`, the file starts with a UTF-8 byte order mark so
that Excel reads it as UTF-8.
"""

import csv
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import datetime
from operator import attrgetter

from apps.reports.selectors import ReportRow
from apps.verdicts.models import Verdict

# The verdict's dates, in workflow order; the same list names the columns and fills them.
TIMES = ("created_at", *Verdict.STEP_TIMES)
_times_of = attrgetter(*TIMES)

BOM = "\ufeff"
FORMULA_TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
# Unicode categories a spreadsheet may skip before the first character it reads: separators
# (spaces, line and paragraph separators), controls (\n, \v ...) and format characters (U+200B,
# U+FEFF, U+200E ...).
_SKIPPED_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
ROWS_PER_CHUNK = 500

HEADER = [
    "article_id",
    "article_title",
    "article_url",
    "claim_id",
    "claim_text",
    "start",
    "end",
    "paragraph",
    "kind",
    "status",
    "verdict_state",
    "rating",
    "summary",
    "correction_note",
    "author",
    "approver",
    *TIMES,
    "source_urls",
    "source_stances",
    "source_excerpts",
    "snapshot_sha256",
    "snapshot_archived_at",
]


def neutralise(value: str) -> str:
    """The text of a cell, made inert if a spreadsheet would read it as a formula."""
    if value[:1].isalnum():  # most cells: a letter or digit is neither a trigger nor skipped
        return value
    for char in value:
        if char in FORMULA_TRIGGERS:
            return "'" + value
        if unicodedata.category(char) not in _SKIPPED_CATEGORIES:
            return value
    return value


def _when(value: datetime | None) -> str:
    """ISO 8601 in UTC, as the database hands it over (converting 100k rows would cost)."""
    return value.isoformat() if value else ""


class _Buffer:
    """A write-only file for csv.writer that hands back what was written."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        return text


def csv_cells(row: ReportRow) -> list:
    """One claim's cells, in the order of HEADER. Every text people typed or a page supplied is
    neutralised; what the workbench writes itself (choices, dates, hashes) cannot hold a formula."""
    sources = row.sources
    texts = (
        row.article_title,
        row.article_url,
        row.text,
        row.rating_label,
        row.summary,
        row.correction_note,
        row.author,
        row.approver,
        "\n".join([s.url for s in sources]),
        "\n".join([s.excerpt.replace("\n", " ") for s in sources]),
    )
    (title, url, text, rating, summary, note, author, approver, urls, excerpts) = map(
        neutralise, texts
    )
    return [
        row.article_id, title, url, row.claim_id, text, row.start, row.end, row.paragraph,
        row.kind, row.status, row.state, rating, summary, note, author, approver,
        *map(_when, _times_of(row)),
        urls,
        "\n".join([s.stance for s in sources]),
        excerpts,
        "\n".join([s.snapshot_sha256 or "" for s in sources]),
        "\n".join([_when(s.snapshot_at) for s in sources]),
    ]  # fmt: skip


def csv_chunks(rows: Iterable[ReportRow], *, bom: bool = False) -> Iterator[bytes]:
    """The CSV file in UTF-8 chunks of about ROWS_PER_CHUNK rows."""
    buffer = _Buffer()
    writer = csv.writer(buffer)
    if bom:
        buffer.write(BOM)
    writer.writerow(HEADER)
    pending = 0
    for row in rows:
        writer.writerow(csv_cells(row))
        pending += 1
        if pending >= ROWS_PER_CHUNK:
            yield buffer.take().encode("utf-8")
            pending = 0
    yield buffer.take().encode("utf-8")
