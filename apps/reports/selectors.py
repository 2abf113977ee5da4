"""What a report shows, read in flat rows so that every format (and 100k claims) can stream them.

One row per claim: the claim, the one verdict the report shows for it, and its cited sources.
Which verdict that is follows apps.verdicts.selectors (the definition of public):

* published reports show the claim's live public verdict (published or corrected), or, when the
  claim has none, its newest retracted one (shown as retracted);
* with drafts, a live verdict in any state (draft, submitted, approved ...) takes the place of a
  retracted one, and the row is marked as a draft.

Rows come out in article order, then in the order of the claims in the article, in chunks of
`chunk_size` through a server-side cursor; each chunk costs one query for its citations and one
for the bodies of the articles it touches (for paragraph numbers), so memory stays flat.
"""

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, When

from apps.articles.models import Article
from apps.sources.models import Citation, Snapshot
from apps.verdicts.models import Verdict
from apps.verdicts.selectors import verdicts_public

CHUNK_SIZE = 2000

# Paragraphs are blocks of text separated by line breaks (blank lines or not).
_PARAGRAPH_BREAK = re.compile(r"(?<=\S)[^\S\n]*\n\s*(?=\S)")


@dataclass(slots=True)
class SourceRow:
    url: str
    title: str
    publisher: str
    stance: str
    excerpt: str
    snapshot_sha256: str | None
    snapshot_at: datetime | None


# The order of the leading fields of ReportRow is the order of _ROW_VALUES below.
_ROW_VALUES = (
    "claim__article_id",
    "claim__article__title",
    "claim__article__canonical_url",
    "claim_id",
    "claim__text",
    "claim__start",
    "claim__end",
    "claim__kind",
    "pk",
    "state",
    "rating_id",
    "rating__label",
    "summary",
    "correction_note",
    "author__username",
    "author__first_name",
    "author__last_name",
    "approver__username",
    "approver__first_name",
    "approver__last_name",
    "created_at",
    "submitted_at",
    "approved_at",
    "published_at",
    "corrected_at",
    "retracted_at",
)


@dataclass(slots=True)
class ReportRow:
    article_id: int
    article_title: str
    article_url: str
    claim_id: int
    text: str
    start: int
    end: int
    kind: str
    verdict_id: int
    state: str
    rating_id: int | None
    rating_label: str | None
    summary: str
    correction_note: str
    author_username: str
    author_first_name: str
    author_last_name: str
    approver_username: str | None
    approver_first_name: str | None
    approver_last_name: str | None
    created_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    published_at: datetime | None
    corrected_at: datetime | None
    retracted_at: datetime | None
    paragraph: int = 0
    sources: list[SourceRow] = field(default_factory=list)

    @property
    def draft(self) -> bool:
        """Not (yet) public: only in reports made with include_drafts."""
        return self.state not in Verdict.PUBLIC_STATES

    @property
    def status(self) -> str:
        """How the report labels the row: DRAFT for anything not public, else the state."""
        return "DRAFT" if self.draft else self.state

    @property
    def author(self) -> str:
        return _person(self.author_username, self.author_first_name, self.author_last_name)

    @property
    def approver(self) -> str:
        return _person(self.approver_username, self.approver_first_name, self.approver_last_name)


def _person(username: str | None, first: str | None, last: str | None) -> str:
    full = f"{first or ''} {last or ''}".strip()
    return full or username or ""


def report_verdicts(
    *, article_ids: Iterable[int] | None = None, include_drafts: bool = False
) -> QuerySet[Verdict]:
    """The verdicts a report shows, at most one per claim (see the module docstring)."""
    visible = Verdict.objects.all() if include_drafts else verdicts_public()
    retracted = Verdict.State.RETRACTED
    live = visible.exclude(state=retracted).filter(claim_id=OuterRef("claim_id"))
    newer_retraction = Verdict.objects.filter(
        claim_id=OuterRef("claim_id"), state=retracted, pk__gt=OuterRef("pk")
    )
    verdicts = visible.filter(~Q(state=retracted) | (~Exists(live) & ~Exists(newer_retraction)))
    if article_ids is not None:
        verdicts = verdicts.filter(claim__article_id__in=list(article_ids))
    return verdicts.order_by("claim__article_id", "claim__start", "claim_id")


def report_article_ids(*, include_drafts: bool = False) -> list[int]:
    """Every article a report would have claims for, in id order (for `--all`)."""
    return sorted(
        set(
            report_verdicts(include_drafts=include_drafts)
            .order_by()
            .values_list("claim__article_id", flat=True)
        )
    )


def report_articles_visible(*, article_ids: Iterable[int]) -> set[int]:
    """Of these articles, those with at least one public verdict (what anonymous users may see)."""
    return set(
        report_verdicts(article_ids=article_ids)
        .order_by()
        .values_list("claim__article_id", flat=True)
    )


def _citations(claim_ids: list[int]) -> dict[int, list[SourceRow]]:
    """Each claim's cited sources, oldest citation first, with the archived snapshot: the one the
    citation was checked against, or else the source's latest archived copy."""
    archived = Snapshot.State.ARCHIVED
    latest = Snapshot.objects.filter(source_id=OuterRef("source_id"), state=archived).order_by(
        "-fetched_at", "-pk"
    )
    citations = (
        Citation.objects.filter(claim_id__in=claim_ids)
        .annotate(
            archived_sha256=Case(
                When(snapshot__state=archived, then=F("snapshot__sha256")),
                default=Subquery(latest.values("sha256")[:1]),
            ),
            archived_at=Case(
                When(snapshot__state=archived, then=F("snapshot__fetched_at")),
                default=Subquery(latest.values("fetched_at")[:1]),
            ),
        )
        .order_by("claim_id", "created_at", "pk")
        .values_list(
            "claim_id",
            "source__url",
            "source__title",
            "source__publisher",
            "stance",
            "excerpt",
            "archived_sha256",
            "archived_at",
        )
    )
    by_claim: dict[int, list[SourceRow]] = {}
    for claim_id, *values in citations:
        by_claim.setdefault(claim_id, []).append(SourceRow(*values))
    return by_claim


def paragraph_breaks(body: str) -> list[int]:
    """Offsets where paragraphs 2, 3, ... of the body begin."""
    return [m.end() for m in _PARAGRAPH_BREAK.finditer(body)]


def paragraph_number(breaks: list[int], offset: int) -> int:
    """The 1-based paragraph of the body that contains `offset`."""
    return bisect.bisect_right(breaks, offset) + 1


def report_rows(
    *,
    article_ids: Iterable[int] | None = None,
    include_drafts: bool = False,
    chunk_size: int = CHUNK_SIZE,
    on_article_done: Callable[[int], None] | None = None,
) -> Iterator[ReportRow]:
    """Stream the report's rows (see the module docstring). `on_article_done(article_id)` is
    called as each article's last row has been yielded, for progress bars."""
    rows = report_verdicts(article_ids=article_ids, include_drafts=include_drafts).values_list(
        *_ROW_VALUES
    )
    cursor = rows.iterator(chunk_size=chunk_size)
    breaks: dict[int, list[int]] = {}
    current_article = None
    while chunk := [ReportRow(*values) for values in islice(cursor, chunk_size)]:
        sources = _citations([row.claim_id for row in chunk])
        article_ids_here = {row.article_id for row in chunk}
        breaks = {pk: breaks[pk] for pk in article_ids_here if pk in breaks}
        missing = article_ids_here - breaks.keys()
        if missing:
            for pk, body in Article.objects.filter(pk__in=missing).values_list("pk", "body"):
                breaks[pk] = paragraph_breaks(body)
        for row in chunk:
            if on_article_done and current_article not in (None, row.article_id):
                on_article_done(current_article)
            current_article = row.article_id
            row.paragraph = paragraph_number(breaks[row.article_id], row.start)
            row.sources = sources.get(row.claim_id, [])
            yield row
    if on_article_done and current_article is not None:
        on_article_done(current_article)
