import json
from pathlib import Path

import pytest

from factcheck.sentences import (
    BlockKind,
    blocks,
    pysbd_sentences,
    segment,
    sentence_spans,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
DEMO = (ROOT / "seeds" / "russia-direct-mosul-2016.txt").read_text(encoding="utf-8")


def texts(body):
    return [s.text for s in segment(body)]


def assert_exact(body):
    for sentence in segment(body):
        assert body[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()


def test_abbreviations_do_not_end_sentences():
    body = "The U.S. Army met Dr. Smith on Nov. 8 in Washington. He left at noon."
    assert texts(body) == [
        "The U.S. Army met Dr. Smith on Nov. 8 in Washington.",
        "He left at noon.",
    ]


def test_quotes_stay_with_their_sentence():
    body = 'He said "We won. They lost." Then he left. "Is it over?" she asked.'
    assert texts(body) == [
        'He said "We won. They lost."',
        "Then he left.",
        '"Is it over?" she asked.',
    ]


def test_paragraphs_and_line_breaks_are_hard_boundaries():
    body = "First line without a stop\nSecond Line starts here.\n\nNew paragraph. Two sentences."
    assert texts(body) == [
        "First line without a stop",
        "Second Line starts here.",
        "New paragraph.",
        "Two sentences.",
    ]


def test_soft_wrapped_lines_are_joined():
    body = "The council voted on the\nbudget on Monday. It passed."
    assert texts(body) == ["The council voted on the\nbudget on Monday.", "It passed."]
    assert_exact(body)


def test_headings_and_list_items():
    body = (
        "# Budget 2024\n\nKey points:\n\n- Taxes rise by 2%.\n* Spending falls.\n1. Debt is flat.\n"
    )
    found = segment(body)
    assert [(s.block.kind, s.text) for s in found] == [
        (BlockKind.HEADING, "Budget 2024"),
        (BlockKind.PARAGRAPH, "Key points:"),
        (BlockKind.LIST_ITEM, "Taxes rise by 2%."),
        (BlockKind.LIST_ITEM, "Spending falls."),
        (BlockKind.LIST_ITEM, "Debt is flat."),
    ]
    assert_exact(body)


def test_a_headline_in_quotation_marks_is_a_heading():
    body = (
        '"We built more clinics than any government before us"\n\n'
        "By Kwame Mensah\n\n"
        'He said it was "the largest budget"\n\nIt passed.'
    )
    found = segment(body)
    assert (found[0].block.kind, found[0].text) == (
        BlockKind.HEADING,
        '"We built more clinics than any government before us"',
    )
    # A line that only ends in a quotation is prose, as before.
    assert found[2].block.kind == BlockKind.PARAGRAPH
    assert_exact(body)


def test_repeated_sentences_get_their_own_offsets():
    body = "Prices rose. Prices rose. Prices rose.\n\nPrices rose."
    found = segment(body)
    assert [s.start for s in found] == [0, 13, 26, 40]
    assert_exact(body)


def test_windows_line_endings_bom_and_odd_spaces():
    body = "\ufeffFirst para here.\r\n\r\nSecond\u00a0para here. Next one.\u2028Last line."
    assert texts(body) == ["First para here.", "Second\u00a0para here.", "Next one.", "Last line."]
    assert_exact(body)


def test_non_ascii_offsets_are_python_string_indices():
    body = "Zürich\u2019s \u201cmayor\u201d said so. 東京 grew by 5%."
    assert_exact(body)
    assert texts(body)[-1] == "東京 grew by 5%."


def test_a_very_long_run_without_boundaries_is_cut_and_kept_exact():
    body = ("word " * 5000).strip()
    assert_exact(body)
    assert "".join(texts(body)).replace(" ", "") == body.replace(" ", "")


@pytest.mark.parametrize(
    "name", [*sorted(p.name for p in DATA.glob("*.txt")), "demo"], ids=lambda n: n
)
def test_fast_path_gives_exactly_pysbds_sentences(name):
    body = DEMO if name == "demo" else (DATA / name).read_text(encoding="utf-8")
    for block in blocks(body):
        ours = [block.text[s:e] for s, e in sentence_spans(block.text)]
        assert ours == pysbd_sentences(block.text)


def test_demo_article_spans_are_exact():
    assert_exact(DEMO)
    labelled = json.loads((DATA / "labels.json").read_text(encoding="utf-8"))
    for name in labelled:
        assert_exact((DATA / name).read_text(encoding="utf-8"))
