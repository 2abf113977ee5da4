"""What a report shows, read in flat rows so that every format (and 100k claims) can stream them.

One row per claim: the claim, the one verdict the report shows for it, and its cited sources.
Which verdict that is follows apps.verdicts.selectors (the definition of public):

* published reports show the claim's live public verdict (published or corrected), or, when the
  claim has none, its newest retracted one (shown as retracted);
* with drafts, a live verdict in any state (draft, submitted, approved ...) takes the place of a
  retracted one, and the row is marked as a draft.

Rows come out in article order, then in the order of the claims in the article, through a
server-side cursor; the claims' citations come in the same order through a second one and are
merged in, and each chunk of `chunk_size` rows costs one query for the articles it touches
(titles, and bodies for paragraph numbers) and, when it meets new people, one for their
names. So memory stays flat, and the query count does not grow with the number of claims.
"""

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from django.db import connection, transaction
from django.db.models import (
    Case,
    Exists,
    F,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import NullIf

from apps.articles.models import Article
from apps.sources.models import Citation, Snapshot
from apps.sources.selectors import snapshot_thumbnail_data_uri
from apps.verdicts.claimsets import public_state
from apps.verdicts.models import Rating, Verdict
from apps.verdicts.selectors import public_names, verdicts_public

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
    snapshot_id: int | None = None
    snapshot_thumbnail: str | None = None  # set by thumbnails_attach (HTML and PDF only)

    @property
    def thumbnail_uri(self) -> str | None:
        """The screenshot's thumbnail as a data: URI (reports are self-contained)."""
        return snapshot_thumbnail_data_uri(self.snapshot_thumbnail)


# The order of the leading fields of ReportRow is the order of _ROW_VALUES below. Names (of the
# article, rating and people) are looked up per chunk rather than joined into 100k rows.
_ROW_VALUES = (
    "claim__article_id",
    "claim_id",
    "claim__text",
    "claim__start",
    "claim__end",
    "claim__kind",
    "pk",
    "state",
    "rating_id",
    "summary",
    "correction_note",
    "author_id",
    "approver_id",
    "created_at",
    *Verdict.STEP_TIMES,
    "evidence_published",
)
# The stored evidence, or NULL when the verdict has none ([]): decoding 100k empty JSON arrays
# cost a tenth of a CSV export.
_EVIDENCE_PUBLISHED = NullIf("published_evidence", Value([], output_field=JSONField()))


@dataclass(slots=True)
class ReportRow:
    article_id: int
    claim_id: int
    text: str
    start: int
    end: int
    kind: str
    verdict_id: int
    state: str
    rating_id: int | None
    summary: str
    correction_note: str
    author_id: int
    approver_id: int | None
    created_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    published_at: datetime | None
    corrected_at: datetime | None
    retracted_at: datetime | None
    published_evidence: list[dict] | None
    article_title: str = ""
    article_url: str = ""
    rating_label: str = ""
    author: str = ""
    approver: str = ""
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


def _people(user_ids: Iterable[int]) -> dict[int, str]:
    """The public names of these users (never a username: see verdicts.selectors)."""
    return public_names(user_ids=user_ids)


def report_verdicts(
    *, article_ids: Iterable[int] | None = None, include_drafts: bool = False
) -> QuerySet[Verdict]:
    """The verdicts a report shows, at most one per claim (see the module docstring)."""
    visible = Verdict.objects.all() if include_drafts else verdicts_public()
    live_states = Verdict.LIVE_STATES
    live = visible.filter(state__in=live_states, claim_id=OuterRef("claim_id"))
    newer_retraction = Verdict.objects.filter(
        claim_id=OuterRef("claim_id"), state=Verdict.State.RETRACTED, pk__gt=OuterRef("pk")
    )
    verdicts = visible.filter(
        Q(state__in=live_states) | (~Exists(live) & ~Exists(newer_retraction))
    )
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


def _citations(verdicts: QuerySet[Verdict]) -> QuerySet:
    """The cited sources of the claims of these verdicts, with the archived snapshot (the one the
    citation was checked against, or else the source's latest archived copy), in the order of
    the report's rows (article, start, claim; then oldest citation first), so that report_rows
    can merge the two streams without holding either."""
    archived = Snapshot.State.ARCHIVED
    latest = Snapshot.objects.filter(source_id=OuterRef("source_id"), state=archived).order_by(
        "-fetched_at", "-pk"
    )
    return (
        Citation.objects.filter(claim_id__in=verdicts.order_by().values("claim_id"))
        .annotate(
            archived_sha256=Case(
                When(snapshot__state=archived, then=F("snapshot__sha256")),
                default=Subquery(latest.values("sha256")[:1]),
            ),
            archived_at=Case(
                When(snapshot__state=archived, then=F("snapshot__fetched_at")),
                default=Subquery(latest.values("fetched_at")[:1]),
            ),
            archived_snapshot=Case(
                When(snapshot__state=archived, then=F("snapshot_id")),
                default=Subquery(latest.values("pk")[:1]),
            ),
        )
        .order_by("claim__article_id", "claim__start", "claim_id", "created_at", "pk")
        .values_list(
            "claim__article_id",
            "claim__start",
            "claim_id",
            "source__url",
            "source__title",
            "source__publisher",
            "stance",
            "excerpt",
            "archived_sha256",
            "archived_at",
            "archived_snapshot",
        )
    )


_SNAPSHOT_ID = re.compile(r"/snapshots/(\d+)/")


def _published_snapshot_id(citation: dict) -> int | None:
    """The snapshot a published citation was frozen with (its public WARC link names it)."""
    match = _SNAPSHOT_ID.search((citation.get("snapshot") or {}).get("warc") or "")
    return int(match.group(1)) if match else None


def thumbnails_attach(rows: Iterable[ReportRow]) -> None:
    """Give each source of these rows its rendered capture's thumbnail (one query), for the
    formats that show the screenshots (HTML, PDF)."""
    sources = [source for row in rows for source in row.sources if source.snapshot_id]
    ids = {source.snapshot_id for source in sources}
    if not ids:
        return
    found = Snapshot.objects.filter(pk__in=ids).exclude(thumbnail="")
    thumbnails = dict(found.values_list("pk", "thumbnail"))
    for source in sources:
        source.snapshot_thumbnail = thumbnails.get(source.snapshot_id)


def _published_source(citation: dict) -> SourceRow:
    snapshot = citation.get("snapshot") or {}
    archived_at = snapshot.get("archived_at")
    return SourceRow(
        url=citation["url"],
        title=citation["title"],
        publisher=citation.get("publisher", ""),
        stance=citation["stance"],
        excerpt=citation["excerpt"],
        snapshot_sha256=snapshot.get("sha256"),
        snapshot_at=datetime.fromisoformat(archived_at) if archived_at else None,
        snapshot_id=_published_snapshot_id(citation),
    )


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
    scale: dict[int, Rating] | None = None,
) -> Iterator[ReportRow]:
    """Stream the report's rows (see the module docstring). `on_article_done(article_id)` is
    called as each article's last row has been yielded, for progress bars. Pass the rating
    `scale` (by id) if you have it already.

    The rows are read in one transaction. On PostgreSQL that lets the server-side cursors stream
    (outside a transaction Django declares them WITH HOLD, and the server computes the whole
    result before the first row), and turns JIT compilation off for these queries alone: their
    subplans inflate the cost estimate past jit_above_cost, and compiling them took longer
    (0.2-0.5 s) than running them. SET LOCAL ends with the transaction, so it is safe behind a
    transaction-pooling PgBouncer."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield from _report_rows(
            article_ids=article_ids,
            include_drafts=include_drafts,
            chunk_size=chunk_size,
            on_article_done=on_article_done,
            scale=scale,
        )


def _report_rows(
    *,
    article_ids: Iterable[int] | None,
    include_drafts: bool,
    chunk_size: int,
    on_article_done: Callable[[int], None] | None,
    scale: dict[int, Rating] | None,
) -> Iterator[ReportRow]:
    verdicts = report_verdicts(article_ids=article_ids, include_drafts=include_drafts)
    cursor = (
        verdicts.annotate(evidence_published=_EVIDENCE_PUBLISHED)
        .values_list(*_ROW_VALUES)
        .iterator(chunk_size=chunk_size)
    )
    citations = _citations(verdicts).iterator(chunk_size=chunk_size)
    citation = next(citations, None)
    ratings: dict[int | None, str] | None = (
        {pk: r.label for pk, r in scale.items()} if scale is not None else None
    )
    people: dict[int | None, str] = {None: ""}
    articles: dict[int, tuple[str, str, list[int]]] = {}
    current_article = None
    while chunk := [ReportRow(*values) for values in islice(cursor, chunk_size)]:
        if ratings is None:
            ratings = dict(Rating.objects.values_list("pk", "label"))
        ratings[None] = ""
        here = {row.article_id for row in chunk}
        articles = {pk: articles[pk] for pk in here if pk in articles}
        if missing := here - articles.keys():
            for pk, title, url, body in Article.objects.filter(pk__in=missing).values_list(
                "pk", "title", "canonical_url", "body"
            ):
                articles[pk] = (title, url, paragraph_breaks(body))
        if (
            missing := {i for row in chunk for i in (row.author_id, row.approver_id)}
            - people.keys()
        ):
            people.update(_people(missing))
        for row in chunk:
            if on_article_done and current_article not in (None, row.article_id):
                on_article_done(current_article)
            current_article = row.article_id
            row.article_title, row.article_url, breaks = articles[row.article_id]
            row.paragraph = paragraph_number(breaks, row.start)
            row.rating_label = ratings[row.rating_id]
            row.author = people[row.author_id]
            row.approver = people[row.approver_id]
            # Both streams are sorted by (article, start, claim): take this claim's citations,
            # skip any of a claim that is not in the report (changed between the two queries).
            key = (row.article_id, row.start, row.claim_id)
            while citation is not None and (citation_key := citation[:3]) <= key:
                if citation_key == key:
                    row.sources.append(SourceRow(*citation[3:]))
                citation = next(citations, None)
            # A correction under way is not public until it is published.
            row.state = public_state(row.state, row.corrected_at)
            if not row.draft and row.published_evidence:
                # The public sees the evidence the verdict was published with, not today's rows.
                row.sources = [_published_source(c) for c in row.published_evidence]
            yield row
    if on_article_done and current_article is not None:
        on_article_done(current_article)
