"""The fast word-list matcher must give exactly what plain ``finditer`` gives."""

from pathlib import Path

import pytest

from apps.claims.extraction import wordlists
from apps.claims.extraction.wordmatch import literal_prefixes
from factcheck.sentences import segment

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    ROOT / "seeds" / "russia-direct-mosul-2016.txt",
    *(Path(__file__).parent / "data").glob("*.txt"),
]
EXTRA = [
    "He'll say it'll rain; we\u2019ll see. The firm expects sales of $4.2bn by late 2025.",
    "In the summer of 2014, a third of the 1,200 staff left; twice as many joined on 3 May.",
]


def sentences():
    for path in TEXTS:
        yield from (s.text for s in segment(path.read_text(encoding="utf-8")))
    yield from EXTRA


@pytest.mark.parametrize("text", list(sentences()))
def test_same_matches_as_finditer(text):
    found = wordlists.WORD_LISTS.find(text)
    for name, pattern in wordlists.WORD_LISTS.patterns:
        assert [m.span() for m in found.get(name, [])] == [m.span() for m in pattern.finditer(text)]
    fast = wordlists.FACT_FINDER.finditer(text)
    slow = wordlists.FACTS.finditer(text)
    assert [(m.lastgroup, m.span()) for m in fast] == [(m.lastgroup, m.span()) for m in slow]


def test_literal_prefixes():
    assert literal_prefixes(r"said|seems?|according\s+to|fu?ell?ed|(?:driven|hit)\s+by") == {
        "=said", "see", "=according", "f", "=driven", "=hit",
    }  # fmt: skip
    with pytest.raises(ValueError):
        literal_prefixes(r"\w+ing")
