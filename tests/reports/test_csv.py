import csv
import io

import pytest

from apps.reports.csv_export import BOM, HEADER, neutralise
from apps.reports.services import report_render

pytestmark = pytest.mark.django_db


def render_csv(article, **kwargs) -> bytes:
    return b"".join(report_render(fmt="csv", article_ids=[article.pk], **kwargs))


def parse(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_parses_with_one_row_per_published_claim(newsroom):
    data = render_csv(newsroom.article)
    assert data.splitlines()[0].decode() == ",".join(HEADER)
    rows = parse(data)
    assert [int(r["claim_id"]) for r in rows] == [c.pk for c in newsroom.published]
    first = rows[0]
    assert first["claim_text"] == "the city had 30,000 residents in 2016"
    assert (first["start"], first["end"], first["paragraph"]) == ("14", "51", "1")
    assert first["rating"] == "True" and first["status"] == "published"
    # Public names, never usernames: the editor set one, the reviewer kept the desk's.
    assert first["author"] == "Fact-check desk" and first["approver"] == "Eddie Editor"
    assert first["source_stances"] == "supports" and len(first["snapshot_sha256"]) == 64
    assert first["published_at"] and first["snapshot_archived_at"]


def test_drafts_only_with_the_flag_and_marked(newsroom):
    assert newsroom.draft_text.encode() not in render_csv(newsroom.article)
    assert b"SECRET DRAFT SUMMARY" not in render_csv(newsroom.article)
    rows = parse(render_csv(newsroom.article, include_drafts=True))
    [draft] = [r for r in rows if r["claim_text"] == newsroom.draft_text]
    assert draft["status"] == "DRAFT" and draft["verdict_state"] == "draft"


def test_formula_injection_is_neutralised(newsroom):
    rows = parse(render_csv(newsroom.article))
    for row in rows:
        for value in row.values():
            assert not value or value[0] not in "=+-@\t\r", value
    by_claim = {r["claim_id"]: r for r in rows}
    formula = by_claim[str(newsroom.published[2].pk)]
    assert formula["claim_text"] == "'" + newsroom.published[2].text
    assert formula["summary"] == "'=1+1 the wall said something else."
    assert formula["source_excerpts"] == "'-2+3 painted"
    unemployment = by_claim[str(newsroom.published[1].pk)]
    assert unemployment["summary"].startswith("'+10%")
    assert unemployment["source_excerpts"].startswith("'@SUM")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=1", "a=1"),
        ("", ""),
        ("30,000", "30,000"),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_bom_only_when_asked(newsroom):
    assert not render_csv(newsroom.article).startswith(BOM.encode())
    data = render_csv(newsroom.article, bom=True)
    assert data.startswith(b"\xef\xbb\xbfarticle_id,")
    assert len(parse(data)) == 3


def test_csv_for_every_article_streams_in_chunks(newsroom):
    chunks = report_render(fmt="csv", article_ids=None)
    assert not isinstance(chunks, list | bytes)
    assert len(parse(b"".join(chunks))) == 3
