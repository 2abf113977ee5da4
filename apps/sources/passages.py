"""The passage index: a snapshot's text cut into passages (windows of three consecutive
sentences, each sharing a sentence with the next; exact offsets into the text) and searched with
the database's own full-text engine.

PostgreSQL keeps a stored generated tsvector (English configuration) with a GIN index and ranks
by cover density (ts_rank_cd). The embedded SQLite default has no tsvector, so an FTS5 table
(porter stemming, rowid = passage id) holds a copy of each passage's text and ranks by bm25();
this module is the only writer of both tables and keeps them in step.

A source has the passages of one capture at a time, its latest with text: indexing a capture
replaces the source's passages in one transaction, so a search never sees half of a re-archived
page or two copies of it.

A fetch worker that stores a capture's text marks the snapshot `passages_due` in the same
statement and nudges the indexer (at most once per PASSAGES_INDEX_DELAY per process);
`passages_index_due` then indexes every due capture in batches. No message per page, and a broker
that was down only delays the indexing: the sweep nudges the indexer while captures are due. On
SQLite, which has no SKIP LOCKED, indexers at once may take the same captures: the result is the
same, the work is done twice, so run one index worker there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import Case, DateTimeField, F, Value, When
from django.db.models.functions import Length

from apps.sources.models import Passage, Snapshot, Source
from factcheck.sentences import BlockKind, blocks

FTS_TABLE = "sources_passage_fts"
# A passage is a window of this many consecutive sentences: enough context to judge it, short
# enough to quote. Windows share one sentence with the next, so each character of the text is
# indexed about 1.5 times (a window around every sentence indexed it three times over).
SENTENCES_PER_PASSAGE = 3
# A passage is cut at this many characters (a run-on "sentence" in a table dump must not make one
# giant row).
MAX_PASSAGE_CHARS = 1_500
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
# Where one sentence may end and the next begin: end punctuation (and any closing quote or
# bracket), blanks, then what a sentence starts with. Passages need plausible cuts, not the
# article segmenter's exact ones (a cut after "Mr." costs a passage some context, nothing more),
# and this one regex is ten times faster on a large page.
_SENTENCE_END = re.compile(
    r"([.!?\u2026]['\"\u201d\u2019)\]]*)[ \t]+(?=['\"\u201c\u2018(\[]?([^\W_]))"
)
_LAST_WORD = re.compile(r"([^\W\d_][\w.]*)\.$")


@dataclass(frozen=True, slots=True)
class PassageSpan:
    position: int
    start: int
    end: int


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    from pysbd.lang.english import English

    return frozenset(a.lower() for a in English.Abbreviation.ABBREVIATIONS)


def _sentence_ends(text: str, start: int, end: int, abbreviations: frozenset[str]) -> list[int]:
    """Where the sentences of text[start:end] end, but the last: after end punctuation followed
    by what starts a sentence (not a lower-case letter), unless it is an abbreviation's or an
    initial's ("Mr.", "U.S.", "J."). Each end is paired with where the next sentence starts."""
    cuts = []
    at = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.group(2).islower():
            continue
        stop = match.start() + 1
        word = _LAST_WORD.search(text, max(at, stop - 20), stop)
        if word and (len(word.group(1)) == 1 or word.group(1).lower() in abbreviations):
            continue
        at = match.end()
        cuts.append((match.end(1), at))
    return cuts


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """text[start:end] in slices of at most MAX_PASSAGE_CHARS, cut at a blank where there is one
    (rare: a "sentence" this long is a table or a list run together)."""
    pieces = []
    while end - start > MAX_PASSAGE_CHARS:
        cut = start + MAX_PASSAGE_CHARS
        while cut > start and not text[cut].isspace():
            cut -= 1
        if cut == start:
            cut = start + MAX_PASSAGE_CHARS
        stop = cut
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if start < stop:
            pieces.append((start, stop))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces


def _windows(sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Windows of SENTENCES_PER_PASSAGE sentences, each starting at the previous one's last
    sentence (narrower where MAX_PASSAGE_CHARS would be passed)."""
    windows = []
    first, count = 0, len(sentences)
    while True:
        last = min(first + SENTENCES_PER_PASSAGE, count)
        while last - first > 1 and sentences[last - 1][1] - sentences[first][0] > MAX_PASSAGE_CHARS:
            last -= 1
        windows.append((sentences[first][0], sentences[last - 1][1]))
        if last >= count:
            return windows
        first = max(last - 1, first + 1)


def passage_spans(text: str) -> list[PassageSpan]:
    """The text cut into passages, exact offsets (text[start:end] is the passage): windows of
    SENTENCES_PER_PASSAGE consecutive sentences that share one sentence with the next, so any two
    neighbouring sentences are in a passage together while the text is indexed only half again.
    Windows run across paragraph breaks (a news paragraph is often one sentence) but never across
    a heading, which stands alone; none is longer than MAX_PASSAGE_CHARS (a longer sentence is
    sliced on its own)."""
    abbreviations = _abbreviations()
    found: list[tuple[int, int]] = []
    sentences: list[tuple[int, int]] = []
    for block in blocks(text):
        if block.kind == BlockKind.HEADING:
            if sentences:
                found += _windows(sentences)
                sentences = []
            found += _pieces(text, block.start, block.end)
            continue
        start = block.start
        for end, following in [
            *_sentence_ends(text, start, block.end, abbreviations),
            (block.end, 0),
        ]:
            if end - start > MAX_PASSAGE_CHARS:
                if sentences:
                    found += _windows(sentences)
                    sentences = []
                found += _pieces(text, start, end)
            else:
                sentences.append((start, end))
            start = following
    if sentences:
        found += _windows(sentences)
    return [PassageSpan(position, lo, hi) for position, (lo, hi) in enumerate(found)]


@dataclass(frozen=True, slots=True)
class Capture:
    """A capture's stored text, to be indexed as its source's passages."""

    snapshot_id: int
    source_id: int
    fetched_at: datetime | None
    text: str


def passages_index(
    *, snapshot_id: int, source_id: int, text: str, fetched_at: datetime | None = None
) -> int:
    """Replace the source's passages with those of this capture's text; returns how many (0 when
    a newer capture of the source is indexed already: an extraction that finishes late cannot
    put an old page back). For a text stored synchronously (a big page's extraction task,
    `archive_url`, `reindex_passages`); the fetch workers' captures wait for
    `passages_index_due`. `fetched_at` is read from the snapshot when not given."""
    if fetched_at is None:
        row = Snapshot.objects.filter(pk=snapshot_id).values_list("fetched_at", flat=True)
        fetched_at = row.first()
    return _index([Capture(snapshot_id, source_id, fetched_at, text)]).get(snapshot_id, 0)


# How many due captures one transaction indexes, and how much of their text it holds at once.
DUE_BATCH = 200
DUE_BATCH_CHARS = 4_000_000


def passages_index_due() -> int:
    """Index every capture whose text waits (`passages_due`), a batch per transaction, until
    none is left; returns how many captures were indexed. Whatever stores a capture's text marks
    it due in the same statement and nudges this (`enqueue.passages_nudge`): one task for many
    captures, so indexing costs the fetch workers no message per page, and a batch costs the
    same few statements as a single capture. Batches are claimed with SKIP LOCKED, so indexers
    working at once share the backlog; a batch that fails leaves its captures due."""
    indexed = 0
    while True:
        with transaction.atomic():
            claimed = list(
                Snapshot.objects.select_for_update(skip_locked=True, no_key=True)
                .filter(passages_due=True)
                .order_by("pk")
                .values_list("pk", Length("text"))[:DUE_BATCH]
            )
            batch, chars = [], 0
            for pk, length in claimed:
                if batch and chars + length > DUE_BATCH_CHARS:
                    break  # the rest stay due, for the next batch
                batch.append(pk)
                chars += length
            if batch:
                rows = Snapshot.objects.filter(pk__in=batch).values_list(
                    "pk", "source_id", "fetched_at", "text"
                )
                _index([Capture(*row) for row in rows], savepoint=False)
                Snapshot.objects.filter(pk__in=batch).update(passages_due=False)
        indexed += len(batch)
        if len(batch) == len(claimed) < DUE_BATCH:
            # All that was due when this batch was claimed: a capture stored since then sent
            # a nudge of its own, or is waiting for one already sent, due after its commit.
            return indexed


def _index(captures: list[Capture], *, savepoint: bool = True) -> dict[int, int]:
    """Replace the passages of the captures' sources, in one transaction and a fixed number of
    statements whatever the number of captures and passages: lock the sources (in id order, so
    indexers take turns on a source and never deadlock) with when their indexed capture was
    fetched, delete, insert, record the new capture times. Of several captures of one source
    the newest wins, and a capture older than the one indexed is left out, also when that one
    gave no passages: an old page never comes back. Returns the passages per capture indexed.
    The texts are cut before any source is locked. Without `savepoint`, a failure fails the
    caller's whole transaction (a batch of the indexer's, which then stays due) instead of
    costing two round trips more."""
    newest: dict[int, Capture] = {}
    for capture in captures:
        known = newest.get(capture.source_id)
        if known is None or _newer(capture.fetched_at, known.fetched_at):
            newest[capture.source_id] = capture
    spans = {capture.snapshot_id: passage_spans(capture.text) for capture in newest.values()}
    with transaction.atomic(savepoint=savepoint):
        # NO KEY: new snapshots and citations of these sources need not wait for the indexer.
        indexed_at = dict(
            Source.objects.select_for_update(no_key=True)
            .filter(pk__in=sorted(newest))
            .order_by("pk")
            .values_list("pk", "passages_fetched_at")
        )
        fresh = [
            capture
            for source_id, capture in newest.items()
            if source_id in indexed_at and not _newer(indexed_at[source_id], capture.fetched_at)
        ]
        if not fresh:
            return {}
        _passages_delete([capture.source_id for capture in fresh])
        _passages_insert([(capture, spans[capture.snapshot_id]) for capture in fresh])
        Source.objects.filter(pk__in=[capture.source_id for capture in fresh]).update(
            passages_fetched_at=Case(
                *(When(pk=c.source_id, then=Value(c.fetched_at)) for c in fresh),
                output_field=DateTimeField(),
            )
        )
    return {capture.snapshot_id: len(spans[capture.snapshot_id]) for capture in fresh}


def _newer(this: datetime | None, than: datetime | None) -> bool:
    """Whether a capture fetched at `this` is newer than one fetched at `than` (a capture
    without a time is the oldest)."""
    return this is not None and (than is None or this > than)


def _passages_insert(captures: list[tuple[Capture, list[PassageSpan]]]) -> None:
    """Insert the passages in one statement whatever their number, without model instances:
    on PostgreSQL from arrays (the stored tsvector is computed by the database as the rows go
    in), on SQLite as one executemany, then the FTS5 rows copied from the new rows by one
    INSERT ... SELECT (the text never comes back to Python)."""
    rows = [
        (capture.snapshot_id, capture.source_id, span.position, span.start, span.end)
        for capture, spans in captures
        for span in spans
    ]
    if not rows:
        return
    bodies = [capture.text[span.start : span.end] for capture, spans in captures for span in spans]
    table = Passage._meta.db_table
    columns = 'snapshot_id, source_id, position, start, "end", text'
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The passages' texts travel as an array: cutting them in the database instead
            # (substr on the page's text) walks the UTF-8 text from its start for every passage,
            # quadratic in the page's length (22 s for a 1 MB text).
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT p.snapshot_id, p.source_id, p.position, "
                "p.start, p.stop, p.body FROM unnest(%s::integer[], %s::integer[], "
                "%s::integer[], %s::integer[], %s::integer[], %s::text[]) "
                "AS p(snapshot_id, source_id, position, start, stop, body)",
                [*map(list, zip(*rows, strict=True)), bodies],
            )
            return
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)",
            [(*row, body) for row, body in zip(rows, bodies, strict=True)],
        )
        snapshot_ids = [capture.snapshot_id for capture, _ in captures]
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, text) SELECT id, text FROM {table} "
            f"WHERE snapshot_id IN ({_marks(snapshot_ids)})",
            snapshot_ids,
        )


def _marks(values: list) -> str:
    """The placeholders of an IN list of these values (SQLite has no arrays to bind)."""
    return ", ".join(["%s"] * len(values))


def _passages_delete(source_ids: list[int]) -> None:
    """Delete the sources' passages (and, on SQLite, first their FTS rows), one statement each
    whatever their number."""
    if connection.vendor != "sqlite":
        Passage.objects.filter(source_id__in=source_ids)._raw_delete(connection.alias)
        return
    table = Passage._meta.db_table
    marks = _marks(source_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {FTS_TABLE} WHERE rowid IN "
            f"(SELECT id FROM {table} WHERE source_id IN ({marks}))",
            source_ids,
        )
        cursor.execute(f"DELETE FROM {table} WHERE source_id IN ({marks})", source_ids)


def query_words(terms: list[str]) -> list[str]:
    """The search words of terms: runs of letters, or numbers (with their inner points and
    commas), so no query syntax gets through."""
    words = []
    for term in terms:
        for word in _WORD.findall(term.lower()):
            if word not in words:
                words.append(word)
    return words


def passages_search(
    *,
    terms: list[str],
    key_terms: list[str] | None = None,
    source_ids: list[int] | None = None,
    limit: int = 50,
) -> list[tuple[int, float]]:
    """(passage id, first-stage score) of the passages matching any of the terms, best first:
    ts_rank_cd on PostgreSQL, -bm25 on SQLite (both: higher is better). `key_terms` (the
    claim's names, numbers and years) count twice in the rank on PostgreSQL, and select the
    candidates in a large archive whose word statistics are not known yet. `source_ids`
    restricts the search to those sources."""
    words = query_words(terms)
    if not words or (source_ids is not None and not source_ids):
        return []
    if connection.vendor == "postgresql":
        keys = [word for word in query_words(key_terms or []) if word in words]
        return _search_postgresql(words, keys, source_ids, limit)
    return _search_sqlite(words, source_ids, limit)


# A lexeme in more than this share of passages (by the planner's statistics) does not select
# candidates on its own: ranking every passage that says "percent" is what made searches slow.
COMMON_SHARE = 0.01
_RARITY_SQL = """
SELECT t.lexeme, f.freq, EXISTS (
    SELECT 1 FROM pg_stats
    WHERE tablename = %s AND attname = 'search' AND most_common_elems IS NOT NULL
) FROM unnest(to_tsvector('english', %s)) AS t
LEFT JOIN (
    SELECT unnest(most_common_elems::text::text[]) AS lexeme,
           unnest(most_common_elem_freqs) AS freq
    FROM pg_stats WHERE tablename = %s AND attname = 'search'
) AS f USING (lexeme)
"""


UNKNOWN = "unknown"


def _selective(words: list[str]) -> str | None:
    """The claim's lexemes that are not common in the archive, as a tsquery (in the 'simple'
    configuration: they are stemmed already), or its two least common together when all are
    common; None when all are rare (then the full query selects), UNKNOWN when the planner has
    no statistics of the column (a new or freshly loaded archive)."""
    with connection.cursor() as cursor:
        table = Passage._meta.db_table
        cursor.execute(_RARITY_SQL, [table, " ".join(words), table])
        found = cursor.fetchall()
    if found and not found[0][2]:
        return UNKNOWN
    rows = [(lexeme, share) for lexeme, share, _known in found]
    rare = [lexeme for lexeme, share in rows if share is None or share <= COMMON_SHARE]
    if len(rare) == len(rows):
        return None
    quoted = ["'" + lexeme.replace("'", "''") + "'" for lexeme in rare]
    if not quoted:  # every word is common: passages with the two least common
        rarest = sorted(rows, key=lambda row: row[1])[:2]
        return " & ".join("'" + lexeme.replace("'", "''") + "'" for lexeme, _ in rarest)
    return " | ".join(quoted)


def _search_postgresql(words, keys, source_ids, limit):
    query = SearchQuery(" | ".join(words), search_type="raw", config="english")
    key_query = SearchQuery(" | ".join(keys), search_type="raw", config="english")
    selective = _selective(words) if source_ids is None else None
    if selective == UNKNOWN and keys:
        # No word statistics yet: the claim's names, numbers and years pick the candidates.
        found = Passage.objects.filter(search=key_query)
    elif selective and selective != UNKNOWN:
        # Candidates hold at least one uncommon word of the claim; all words count in the rank.
        found = Passage.objects.filter(
            search=SearchQuery(selective, search_type="raw", config="simple")
        )
    else:
        found = Passage.objects.filter(search=query)
    if source_ids is not None:
        found = found.filter(source_id__in=source_ids)
    rank = SearchRank(F("search"), query, cover_density=True)
    if keys:
        rank = rank + SearchRank(F("search"), key_query, cover_density=True)
    found = found.annotate(rank=rank)
    return list(found.order_by("-rank", "pk").values_list("pk", "rank")[:limit])


def _search_sqlite(words, source_ids, limit):
    match = " OR ".join(f'"{word}"' for word in words)
    sql = (
        f"SELECT f.rowid, -bm25({FTS_TABLE}) AS score FROM {FTS_TABLE} f "
        f"JOIN {Passage._meta.db_table} p ON p.id = f.rowid WHERE {FTS_TABLE} MATCH %s"
    )
    params: list = [match]
    if source_ids is not None:
        sql += f" AND p.source_id IN ({','.join(['%s'] * len(source_ids))})"
        params += list(source_ids)
    sql += " ORDER BY score DESC, f.rowid LIMIT %s"
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], float(row[1])) for row in cursor.fetchall()]


def snapshot_passages_index(*, snapshot_id: int) -> int:
    """Index an archived capture's stored text now (`reindex_passages`, `archive_url`), and take
    it off the indexer's list if it was due. Safe to run twice."""
    with transaction.atomic():
        row = (
            Snapshot.objects.select_for_update(no_key=True)
            .filter(pk=snapshot_id, state=Snapshot.State.ARCHIVED)
            .values_list("source_id", "fetched_at", "text", "passages_due")
            .first()
        )
        if row is None:
            return 0
        source_id, fetched_at, text, due = row
        count = passages_index(
            snapshot_id=snapshot_id, source_id=source_id, text=text, fetched_at=fetched_at
        )
        if due:
            Snapshot.objects.filter(pk=snapshot_id).update(passages_due=False)
    return count
