"""The passage index: filled by the capture pipeline itself, exact offsets, replaced (never
doubled) when a source is re-archived or its text re-extracted, and searchable."""

from datetime import UTC

import pytest
from django.db import DataError, connection

from apps.sources import services
from apps.sources.models import Passage, Snapshot, Source
from apps.sources.passages import (
    MAX_PASSAGE_CHARS,
    passage_spans,
    passages_index,
    passages_index_due,
    passages_search,
)
from tests.factories import SnapshotFactory, SourceFactory

pytestmark = pytest.mark.django_db

PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head><body><main><article>
<h1>{title}</h1>
<p>The statistics office said on Tuesday that unemployment fell to {rate} percent in March.
It was 4.5 percent a year earlier. Economists had expected no change.</p>
<p>The finance minister, Ana Costa, welcomed the figures. She said the programme had reached
12,000 households by the end of 2023.</p>
</article></main></body></html>"""


def page(title="Jobs report", rate="4.2"):
    return PAGE.format(title=title, rate=rate).encode()


def test_spans_are_windows_of_three_sentences_sharing_one_with_the_next():
    # Any two neighbouring sentences share a passage; windows cross paragraph breaks (news
    # paragraphs are often one sentence), never a heading.
    text = "# Jobs\n\nOne fell. Two rose. Three held.\n\nFour ended.\n\nFive began. Six.\n\n# End"
    spans = passage_spans(text)
    texts = [text[s.start : s.end] for s in spans]
    assert texts == [
        "Jobs",
        "One fell. Two rose. Three held.",
        "Three held.\n\nFour ended.\n\nFive began.",
        "Five began. Six.",
        "End",
    ]
    assert [s.position for s in spans] == [0, 1, 2, 3, 4]


def test_spans_do_not_cut_after_abbreviations_initials_or_before_lower_case():
    text = (
        "Mr. Smith met J. Doe at the U.S. Army base on Jan. 5. \u201cWe won,\u201d he said. "
        "\u00c9mile left! Did he? 27.6 percent rose, e.g. in Lyon. Then (A) spoke."
    )
    texts = [text[s.start : s.end] for s in passage_spans(text)]
    assert texts == [
        "Mr. Smith met J. Doe at the U.S. Army base on Jan. 5. \u201cWe won,\u201d he said. "
        "\u00c9mile left!",
        "\u00c9mile left! Did he? 27.6 percent rose, e.g. in Lyon.",
        "27.6 percent rose, e.g. in Lyon. Then (A) spoke.",
    ]


def test_a_run_on_sentence_is_cut_into_passages_of_at_most_max_chars():
    text = "word " * 1000 + "end."
    spans = passage_spans(text)
    assert all(s.end - s.start <= MAX_PASSAGE_CHARS for s in spans)
    # Cut at a blank, never inside a word: the pieces and the blanks between them are the text.
    assert " ".join(text[s.start : s.end] for s in spans) == text


def test_capture_indexes_its_text_and_search_finds_it(localweb_allowed):
    url = localweb_allowed.page("/passages/jobs", page())
    snapshot = services.snapshot_archive_now(url=url)
    passages = list(Passage.objects.filter(snapshot=snapshot))
    assert len(passages) >= 2
    for passage in passages:
        assert snapshot.text[passage.start : passage.end] == passage.text
        assert passage.source_id == snapshot.source_id
    hits = passages_search(terms=["unemployment", "4.2", "percent"])
    best = Passage.objects.get(pk=hits[0][0])
    assert "unemployment fell to 4.2 percent" in best.text
    assert hits[0][1] > 0
    # A word the page does not have finds nothing; a stemmed form finds the page.
    assert passages_search(terms=["zeppelin"]) == []
    assert passages_search(terms=["households"]) and passages_search(terms=["household"])


def test_rearchiving_replaces_the_sources_passages(localweb_allowed):
    url = localweb_allowed.page("/passages/changing", page(rate="4.2"))
    first = services.snapshot_archive_now(url=url)
    old_ids = set(Passage.objects.values_list("pk", flat=True))
    localweb_allowed.page("/passages/changing", page(rate="3.9"))
    second = services.snapshot_archive_now(url=url)
    assert second.pk != first.pk
    passages = Passage.objects.filter(source_id=second.source_id)
    assert set(passages.values_list("snapshot_id", flat=True)) == {second.pk}
    assert not old_ids & set(passages.values_list("pk", flat=True))
    assert any("3.9 percent" in p.text for p in passages)
    assert not any("4.2 percent" in p.text for p in passages)


def test_reextraction_replaces_passages_atomically_and_late_old_text_is_ignored(
    localweb_allowed,
):
    url = localweb_allowed.page("/passages/reextract", page())
    snapshot = services.snapshot_archive_now(url=url)
    before = Passage.objects.filter(snapshot=snapshot).count()
    services.snapshot_extract(snapshot_id=snapshot.pk)
    assert Passage.objects.filter(snapshot=snapshot).count() == before

    older = SnapshotFactory(
        source=Source.objects.get(pk=snapshot.source_id),
        fetched_at=snapshot.fetched_at.replace(year=2020),
        text="An old capture about something else entirely.",
    )
    assert passages_index(snapshot_id=older.pk, source_id=older.source_id, text=older.text) == 0
    assert set(Passage.objects.values_list("snapshot_id", flat=True)) == {snapshot.pk}


def test_failed_insert_leaves_the_old_passages(localweb_allowed):
    """Delete and insert are one transaction: a failure half-way keeps what was indexed."""
    url = localweb_allowed.page("/passages/atomic", page())
    snapshot = services.snapshot_archive_now(url=url)
    ids = set(Passage.objects.values_list("pk", flat=True))
    # PostgreSQL refuses a NUL character: the insert fails after the delete has run.
    with pytest.raises((ValueError, DataError)):
        passages_index(
            snapshot_id=snapshot.pk, source_id=snapshot.source_id, text="New fact.\x00 Another."
        )
    assert set(Passage.objects.values_list("pk", flat=True)) == ids


def test_empty_text_clears_and_search_restricts_to_sources():
    a = SnapshotFactory(text="Inflation rose to 10 percent in October, the office said.")
    b = SnapshotFactory(text="Inflation in the euro area fell to 2 percent in June.")
    for s in (a, b):
        passages_index(snapshot_id=s.pk, source_id=s.source_id, text=s.text)
    both = {pk for pk, _ in passages_search(terms=["inflation"])}
    assert len(both) == 2
    only_b = passages_search(terms=["inflation"], source_ids=[b.source_id])
    assert [Passage.objects.get(pk=pk).source_id for pk, _ in only_b] == [b.source_id]
    assert passages_search(terms=["inflation"], source_ids=[]) == []
    passages_index(snapshot_id=a.pk, source_id=a.source_id, text="")
    assert not Passage.objects.filter(source_id=a.source_id).exists()


def test_query_syntax_in_terms_is_only_words():
    s = SnapshotFactory(text="The council's budget is 4.5 million euros (final).")
    passages_index(snapshot_id=s.pk, source_id=s.source_id, text=s.text)
    for hostile in ["budget) | !(", "'budget' & :*", '"budget" OR NEAR(', "budget:*"]:
        assert len(passages_search(terms=[hostile])) == 1
    assert passages_search(terms=["!&|()"]) == []


def test_index_statements_do_not_grow_with_the_text(django_assert_num_queries):
    source = SourceFactory()
    small = SnapshotFactory(source=source, text="One fact. " * 10)
    big = SnapshotFactory(source=source, text="One fact. " * 4500)
    # savepoint, lock the source (reading when its indexed capture was fetched), delete, insert
    # (one statement for any number of rows), record the capture's time, release
    with django_assert_num_queries(6):
        passages_index(
            snapshot_id=small.pk, source_id=source.pk, text=small.text, fetched_at=small.fetched_at
        )
    with django_assert_num_queries(6):
        passages_index(
            snapshot_id=big.pk, source_id=source.pk, text=big.text, fetched_at=big.fetched_at
        )
    assert Passage.objects.filter(snapshot=big).count() == 2250
    assert connection.vendor == "postgresql"
    assert Snapshot.objects.count() == 2


def test_names_and_numbers_select_candidates_before_the_archive_has_word_statistics():
    # A fresh archive: the planner knows nothing of which words are common, so every passage
    # sharing "unemployment" would be ranked. The claim's name and number pick the candidates.
    texts = {
        "portugal": "Portugal's unemployment rate fell to 6.1 percent in March.",
        "spain": "Unemployment in Spain fell to 11.7 percent. Unemployment fell again.",
        "lisbon": "Unemployment in Lisbon was 6.1 percent, the city said.",
    }
    for key, text in texts.items():
        s = SnapshotFactory(source=SourceFactory(url=f"https://{key}.example.org/"), text=text)
        passages_index(snapshot_id=s.pk, source_id=s.source_id, text=text)
    terms = ["unemployment", "portugal", "fell", "6.1"]
    found = passages_search(terms=terms, key_terms=["Portugal", "6.1"])
    texts_found = [Passage.objects.get(pk=pk).text for pk, _ in found]
    assert texts_found[0] == texts["portugal"]
    assert texts["spain"] not in texts_found and texts["lisbon"] in texts_found
    # Without key terms every passage with a word of the claim is a candidate.
    assert len(passages_search(terms=terms)) == 3


def test_stored_passages_are_the_exact_slices_of_text_beyond_ascii():
    # Offsets count characters: accents, a euro sign and characters outside the BMP (an emoji)
    # before a passage must not shift the text the database stores for it.
    text = (
        "Café prices 🙂 rose by 3 € in Zürich. Officials said so.\n\n"
        "Ünemployment 😀😀 fell to 4.2 percent. That was expected.\n\n"
        "Ω headline"
    )
    snapshot = SnapshotFactory(text=text)
    count = passages_index(snapshot_id=snapshot.pk, source_id=snapshot.source_id, text=text)
    stored = list(Passage.objects.filter(snapshot=snapshot).values_list("start", "end", "text"))
    assert count == len(stored) == len(passage_spans(text)) == 3
    for start, end, passage_text in stored:
        assert passage_text == text[start:end]
    assert stored[-1][2] == "Ω headline"


def test_reindex_command_recuts_each_sources_latest_capture():
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    source = SourceFactory()
    old = SnapshotFactory(source=source, text="Old page. It said one thing.")
    new = SnapshotFactory(
        source=source,
        text="New page. Prices rose. Wages fell. Rents held.",
        fetched_at=timezone.now(),
    )
    emptied = SourceFactory()
    SnapshotFactory(source=emptied, text="Gone page. It was here.")
    empty = SnapshotFactory(source=emptied, text="", fetched_at=timezone.now())
    stale = Passage.objects.create(
        snapshot=new, source=source, position=0, start=0, end=9, text="New page."
    )
    out = StringIO()
    call_command("reindex_passages", stdout=out)
    assert "2 passages from 2 captures" in out.getvalue()
    passages = list(Passage.objects.filter(source=source).values_list("snapshot_id", "text"))
    assert passages == [
        (new.pk, "New page. Prices rose. Wages fell."),
        (new.pk, "Wages fell. Rents held."),
    ]
    assert not Passage.objects.filter(pk=stale.pk).exists()
    # The latest capture of a page that lost its text leaves it without passages, as live.
    assert not Passage.objects.filter(source__in=[emptied]).exists()
    assert not Passage.objects.filter(snapshot__in=[old, empty]).exists()


def due(source, text, **fields):
    """An archived capture whose text waits for the indexer, as a fetch worker leaves it."""
    return SnapshotFactory(source=source, text=text, passages_due=True, **fields)


@pytest.mark.parametrize("captures", [2, 6])
def test_due_captures_are_indexed_in_a_few_statements_whatever_their_number(
    captures, django_assert_num_queries
):
    sources = [SourceFactory() for _ in range(captures)]
    snapshots = [due(s, f"Rents in city {i} rose. Wages fell. Bus fares held.") for i, s in
                 enumerate(sources)]  # fmt: skip
    # in the batch's transaction (a savepoint here): the claim, the texts, lock the sources
    # (reading when their indexed captures were fetched), delete, insert, record the captures'
    # times, clear the marks
    with django_assert_num_queries(9):
        assert passages_index_due() == captures
    assert not Snapshot.objects.filter(passages_due=True).exists()
    for i, snapshot in enumerate(snapshots):
        texts = list(Passage.objects.filter(snapshot=snapshot).values_list("text", flat=True))
        assert texts == [f"Rents in city {i} rose. Wages fell. Bus fares held."]
    with django_assert_num_queries(3):
        assert passages_index_due() == 0


def test_due_captures_of_one_source_leave_only_the_newest_indexed():
    from datetime import timedelta

    from django.utils import timezone

    source = SourceFactory()
    now = timezone.now()
    indexed = SnapshotFactory(source=source, text="Indexed page. It says this.", fetched_at=now)
    passages_index(snapshot_id=indexed.pk, source_id=source.pk, text=indexed.text)
    older = due(source, "An older page. Late to the index.", fetched_at=now - timedelta(days=1))
    assert passages_index_due() == 1
    assert set(Passage.objects.values_list("snapshot_id", flat=True)) == {indexed.pk}
    newer = due(source, "Newer page. It says that.", fetched_at=now + timedelta(hours=1))
    newest = due(source, "Newest page. It says more.", fetched_at=now + timedelta(hours=2))
    assert passages_index_due() == 2
    assert set(Passage.objects.values_list("snapshot_id", flat=True)) == {newest.pk}
    assert not Snapshot.objects.filter(pk__in=[older.pk, newer.pk], passages_due=True).exists()


def test_a_capture_through_the_fetch_task_is_indexed_from_its_mark(localweb_allowed):
    from apps.sources import tasks

    url = localweb_allowed.page("/passages/marked", page())
    source = SourceFactory(url=url)
    snapshot = services.snapshot_request(source=source, enqueue=False)
    tasks.snapshot_fetch.run(snapshot.pk)
    snapshot.refresh_from_db()
    assert (snapshot.state, snapshot.passages_due) == ("archived", True)
    assert not Passage.objects.filter(snapshot=snapshot).exists()
    assert passages_index_due() == 1
    passages = Passage.objects.filter(snapshot=snapshot)
    assert any("unemployment fell to 4.2 percent" in p.text for p in passages)
    assert Snapshot.objects.get(pk=snapshot.pk).passages_due is False


def test_only_an_archived_capture_can_wait_for_the_indexer():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        SnapshotFactory(state="failed", reason="HTTP 404", text="", passages_due=True)


@pytest.fixture
def index_nudges(monkeypatch):
    """The nudges this process publishes to the indexer (their ETA), on the real broker."""
    from celery.signals import before_task_publish

    from apps.sources import enqueue

    sent = []

    def count(sender=None, headers=None, **kwargs):
        if sender == "apps.sources.tasks.passages_index_due":
            sent.append(headers["eta"])

    monkeypatch.setattr(enqueue, "_passages_nudged_at", float("-inf"))
    before_task_publish.connect(count, weak=False)
    yield sent
    before_task_publish.disconnect(count)


def test_the_indexer_is_nudged_once_per_delay_and_waits_that_long(index_nudges, settings):
    import time
    from datetime import datetime

    from apps.sources import enqueue

    settings.PASSAGES_INDEX_DELAY = 30
    for _ in range(5):
        enqueue.passages_nudge()
    # One message, due after twice the delay: the captures it skipped are committed by then.
    assert len(index_nudges) == 1
    wait = datetime.fromisoformat(index_nudges[0]) - datetime.now(UTC)
    assert 55 < wait.total_seconds() <= 60
    enqueue._passages_nudged_at = time.monotonic() - 31  # the delay has passed
    enqueue.passages_nudge()
    assert len(index_nudges) == 2


def test_the_sweep_nudges_the_indexer_while_captures_wait(
    index_nudges, django_capture_on_commit_callbacks
):
    SnapshotFactory(text="Indexed already.")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.snapshots_requeue_stuck() == 0
    assert index_nudges == []
    due(SourceFactory(), "A capture the broker never heard of.")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.snapshots_requeue_stuck() == 0  # no capture or render sent again
    assert len(index_nudges) == 1


@pytest.mark.parametrize("limit, claims", [({"DUE_BATCH": 2}, 3), ({"DUE_BATCH_CHARS": 10}, 5)])
def test_a_backlog_larger_than_a_batch_is_indexed_batch_after_batch(limit, claims, monkeypatch):
    from django.test.utils import CaptureQueriesContext

    from apps.sources import passages

    for name, value in limit.items():
        monkeypatch.setattr(passages, name, value)
    snapshots = [due(SourceFactory(), f"Page {i} has a fact. And another.") for i in range(5)]
    with CaptureQueriesContext(connection) as queries:
        assert passages_index_due() == 5
    # 2 + 2 + 1 captures by count, one at a time by characters: a claim per batch
    assert sum("SKIP LOCKED" in q["sql"] for q in queries.captured_queries) == claims
    assert not Snapshot.objects.filter(passages_due=True).exists()
    assert Passage.objects.filter(snapshot__in=snapshots).count() == 5


def test_an_old_capture_never_replaces_a_newer_one_that_gave_no_passages():
    from datetime import timedelta

    from django.utils import timezone

    source = SourceFactory()
    now = timezone.now()
    emptied = due(source, "", fetched_at=now)
    assert passages_index_due() == 1
    assert Source.objects.get(pk=source.pk).passages_fetched_at == emptied.fetched_at
    older = SnapshotFactory(source=source, text="The old page. It said that.", fetched_at=now
                            - timedelta(days=1))  # fmt: skip
    # a big page's extraction that finishes late
    assert passages_index(snapshot_id=older.pk, source_id=source.pk, text=older.text) == 0
    assert not Passage.objects.filter(source=source).exists()


def test_every_nudge_indexes_when_tasks_run_eagerly(monkeypatch):
    from apps.sources import enqueue, tasks

    conf = tasks.passages_index_due.app.conf
    monkeypatch.setattr(enqueue, "_passages_nudged_at", float("-inf"))
    eager, conf.task_always_eager = conf.task_always_eager, True
    try:
        for text in ("First page. It is new.", "Second page. It is newer."):
            snapshot = due(SourceFactory(), text)
            enqueue.passages_nudge()  # no countdown eagerly, so no debounce either
            assert Passage.objects.filter(snapshot=snapshot).exists()
    finally:
        conf.task_always_eager = eager


def test_a_message_of_the_per_capture_release_marks_its_capture_due(
    django_capture_on_commit_callbacks,
):
    from apps.sources import tasks

    snapshot = SnapshotFactory(text="Queued before the upgrade. Still indexed.")
    with django_capture_on_commit_callbacks() as callbacks:
        tasks.snapshot_index_passages.run(snapshot.pk)
    assert Snapshot.objects.get(pk=snapshot.pk).passages_due is True
    assert [c.__qualname__ for c in callbacks] == ["passages_nudge"]
    tasks.snapshot_index_passages.run(10**9)  # gone since: nothing to do


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_records_when_each_sources_indexed_capture_was_fetched():
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    before = [("sources", "0007_snapshot_passages_due")]
    after = [("sources", "0008_source_passages_fetched_at")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    fetched_at = timezone.now().replace(microsecond=0)
    sources = old.get_model("sources", "Source").objects
    indexed = sources.create(url="https://a.example/", domain="a")
    bare = sources.create(url="https://b.example/", domain="b")
    snapshot = old.get_model("sources", "Snapshot").objects.create(
        source=indexed, state="archived", sha256="a" * 64, warc="archives/a.warc.gz",
        fetched_at=fetched_at, text="One fact. Two facts.",
    )  # fmt: skip
    old.get_model("sources", "Passage").objects.create(
        snapshot=snapshot, source=indexed, position=0, start=0, end=20, text=snapshot.text
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    times = dict(Source.objects.values_list("pk", "passages_fetched_at"))
    assert times == {indexed.pk: fetched_at, bare.pk: None}
