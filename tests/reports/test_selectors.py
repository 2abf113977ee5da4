import pytest

from apps.reports.selectors import (
    paragraph_breaks,
    paragraph_number,
    report_article_ids,
    report_rows,
)
from apps.verdicts import services
from tests.factories import rating
from tests.reports.conftest import cite, claim_on, make_article, publish

pytestmark = pytest.mark.django_db


def rows(article, **kwargs):
    return list(report_rows(article_ids=[article.pk], **kwargs))


def test_published_rows_in_text_order_with_sources(newsroom):
    got = rows(newsroom.article)
    assert [r.claim_id for r in got] == [c.pk for c in newsroom.published]
    assert [r.rating_label for r in got] == ["True", "False", "Half true"]
    assert [r.paragraph for r in got] == [1, 2, 3]
    first = got[0]
    assert first.author == "Fact-check desk" and first.approver == "Eddie Editor"
    assert first.published_at and first.approved_at and first.submitted_at
    [source] = first.sources
    assert source.stance == "supports" and source.excerpt == "30,000 residents"
    assert len(source.snapshot_sha256) == 64 and source.snapshot_at


def test_drafts_never_appear_without_the_flag(newsroom):
    assert newsroom.draft.pk not in {r.claim_id for r in rows(newsroom.article)}
    with_drafts = rows(newsroom.article, include_drafts=True)
    [draft] = [r for r in with_drafts if r.claim_id == newsroom.draft.pk]
    assert draft.draft and draft.status == "DRAFT"
    assert all(not r.draft for r in with_drafts if r.claim_id != newsroom.draft.pk)
    assert report_article_ids() == [newsroom.article.pk]


def test_article_with_only_drafts_is_not_reported(reviewer):
    article = make_article("Only one claim here, 12 people said.")
    claim = claim_on(article, "12 people said")
    services.verdict_create(claim=claim, by=reviewer, rating=rating(), summary="draft")
    assert rows(article) == []
    assert report_article_ids() == []
    assert report_article_ids(include_drafts=True) == [article.pk]


def test_retracted_verdict_is_shown_as_retracted_until_a_new_one_is_published(
    newsroom, reviewer, editor
):
    claim = newsroom.published[0]
    services.verdict_retract(verdict=claim.verdicts.get(), by=editor, note="Wrong census year.")
    [row] = [r for r in rows(newsroom.article) if r.claim_id == claim.pk]
    assert row.state == "retracted" and row.correction_note == "Wrong census year."

    # A new draft replaces the retraction only in reports with drafts.
    new = services.verdict_create(claim=claim, by=reviewer, rating=rating("False"), summary="s")
    [row] = [r for r in rows(newsroom.article) if r.claim_id == claim.pk]
    assert row.state == "retracted"
    [row] = [r for r in rows(newsroom.article, include_drafts=True) if r.claim_id == claim.pk]
    assert row.verdict_id == new.pk and row.draft

    services.verdict_submit(verdict=new, by=reviewer)
    services.verdict_approve(verdict=new, by=editor)
    services.verdict_publish(verdict=new, by=editor)
    [row] = [r for r in rows(newsroom.article) if r.claim_id == claim.pk]
    assert row.verdict_id == new.pk and row.state == "published"


def test_rows_stream_in_chunks_across_articles(reviewer, editor):
    articles = []
    for n in range(3):
        article = make_article(f"Article {n} first.\nSecond paragraph has {n} claims here.")
        claim = claim_on(article, f"{n} claims here")
        cite(claim)
        publish(claim, author=reviewer, approver=editor, label="True", summary="ok")
        articles.append(article)
    done = []
    got = list(report_rows(chunk_size=2, on_article_done=done.append))
    assert [r.article_id for r in got] == [a.pk for a in articles]
    assert [r.paragraph for r in got] == [2, 2, 2]
    assert done == [a.pk for a in articles]


@pytest.mark.parametrize(
    ("body", "offset", "expected"),
    [
        ("One.", 0, 1),
        ("One.\n\nTwo.", 6, 2),
        ("One.\nTwo.\n\n\nThree.", 13, 3),
        ("One.\n\nTwo.", 3, 1),
        ("\n\nLeading breaks.", 2, 1),
    ],
)
def test_paragraph_number(body, offset, expected):
    assert paragraph_number(paragraph_breaks(body), offset) == expected


def test_rows_stream_from_cursors_in_one_transaction_without_jit(reviewer, editor):
    from django.db import connection

    for n in range(3):
        article = make_article(f"Article {n} says {n} claims here.")
        claim = claim_on(article, f"{n} claims here")
        cite(claim)
        publish(claim, author=reviewer, approver=editor, label="True", summary="ok")
    stream = report_rows(chunk_size=1)
    next(stream)
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
        # Streaming cursors: none declared WITH HOLD, which would compute every row up front.
        cursor.execute("SELECT is_holdable FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
        assert cursor.fetchall() == [(False,), (False,)]
    assert len(list(stream)) == 2
