"""Split an article body into blocks (paragraphs, headings, list items) and sentences, keeping exact
character offsets: for every span, ``body[span.start:span.end] == span.text``.

Blank lines and line breaks are hard boundaries (a line that is plainly soft-wrapped, ending
without punctuation before a line that starts in lower case, is joined to it). Inside a block,
sentence boundaries come from pysbd. pysbd is called through its ``Processor`` on one piece of a
block at a time, because ``Segmenter`` maps sentences back to the text with a regex search per
sentence over the whole input: quadratic on long texts, and it silently drops sentences it
cannot find again. We map them ourselves with a moving cursor, and any text the mapping misses
becomes a sentence of its own, so nothing is ever lost.

Speed: pysbd spends most of its time looking for abbreviations. A boundary such as
``... the city. The ...`` (a lower-case word that is not an abbreviation, a full stop, a space and
a capital letter, outside quotes and brackets) is one pysbd always splits at, so we cut there
first and hand pysbd only the pieces that still contain ambiguous punctuation. A test checks that
this gives exactly pysbd's sentences.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from pysbd.lang.english import English
from pysbd.languages import Language
from pysbd.processor import Processor

# A piece longer than this without a safe boundary is cut at plain ". " first: pysbd's cost grows
# with the piece and no prose sentence is anywhere near this long.
MAX_PIECE_CHARS = 5_000


class BlockKind:
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST_ITEM = "list_item"


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph, heading or list item: the text between hard boundaries, markers excluded."""

    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    block: Block


_LIST_MARKER = re.compile(r"(?:[-*•\u2013\u2014+▪●]|\(?\d{1,3}[.)]|\(?[a-z][.)])[ \t]+(?=\S)")
_HEADING_MARKER = re.compile(r"#{1,6}[ \t]+(?=\S)")
_TERMINAL = re.compile(r"[.!?…:;,]['\"\u201d\u2019)\]]*$")
_CONTINUES = re.compile(r"[.!?…:;\"\u201d'\u2019)\]]$")
_WORD = re.compile(r"\S+")
_EDGE_SPACE = " \t\r\n\f\v\ufeff\u00a0\u200b"


def segment(body: str) -> list[Sentence]:
    """Every sentence of the body, in order, with exact offsets."""
    return list(iter_sentences(body))


def iter_sentences(body: str) -> Iterator[Sentence]:
    """The sentences of ``segment``, one block at a time. Extraction consumes them as they come,
    so a long text never holds every Sentence in memory at once: each is judged while its text is
    still in the CPU cache and is freed young (measured: about the same time per sentence at 1, 4
    and 10 MB)."""
    for block in blocks(body):
        if block.kind == BlockKind.HEADING:
            yield Sentence(block.start, block.end, block.text, block)
            continue
        for start, end in sentence_spans(block.text):
            yield Sentence(block.start + start, block.start + end, block.text[start:end], block)


def blocks(body: str) -> list[Block]:
    """The body's blocks in order. Offsets index into ``body``."""
    lines = _lines(body)
    result: list[Block] = []
    group: list[tuple[int, int]] = []
    previous_blank = True
    for start, end in lines:
        line = body[start:end]
        if not line.strip(_EDGE_SPACE):
            previous_blank = True
            _flush(body, group, result)
            group = []
            continue
        stripped_start = start + (len(line) - len(line.lstrip(_EDGE_SPACE)))
        marker = _marker_kind(body, stripped_start, end)
        if (
            group
            and not previous_blank
            and marker is None
            and _is_soft_wrap(body, group[-1], start)
        ):
            group[-1] = (group[-1][0], end)
        else:
            _flush(body, group, result)
            group = [(start, end)]
        previous_blank = False
    _flush(body, group, result)
    return _mark_headings(body, result)


def _lines(body: str) -> list[tuple[int, int]]:
    """(start, end) of each line without its line break."""
    spans = []
    pos = 0
    for line in body.splitlines(keepends=True):
        content = line.rstrip("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")
        spans.append((pos, pos + len(content)))
        pos += len(line)
    return spans


def _marker_kind(body: str, start: int, end: int) -> str | None:
    if _HEADING_MARKER.match(body, start, end):
        return BlockKind.HEADING
    if _LIST_MARKER.match(body, start, end):
        return BlockKind.LIST_ITEM
    return None


def _is_soft_wrap(body: str, previous: tuple[int, int], start: int) -> bool:
    """A line continues the one before when that one stops mid-sentence and this one starts in
    lower case (hard-wrapped plain text)."""
    before = body[previous[0] : previous[1]].rstrip(_EDGE_SPACE)
    after = body[start : start + 200].lstrip(_EDGE_SPACE)
    return bool(before) and not _CONTINUES.search(before) and after[:1].islower()


def _flush(body: str, group: list[tuple[int, int]], result: list[Block]) -> None:
    for start, end in group:
        text = body[start:end]
        lead = len(text) - len(text.lstrip(_EDGE_SPACE))
        start += lead
        end = start + len(text.strip(_EDGE_SPACE))
        kind = BlockKind.PARAGRAPH
        for pattern, marker_kind in (
            (_HEADING_MARKER, BlockKind.HEADING),
            (_LIST_MARKER, BlockKind.LIST_ITEM),
        ):
            match = pattern.match(body, start, end)
            if match:
                kind = marker_kind
                start = match.end()
                break
        if start < end:
            result.append(Block(kind, start, end, body[start:end]))


def _mark_headings(body: str, found: list[Block]) -> list[Block]:
    """A short line standing alone, without closing punctuation, reads as a heading."""
    result = []
    for i, block in enumerate(found):
        if block.kind == BlockKind.PARAGRAPH and _looks_like_heading(body, block, found, i):
            block = Block(BlockKind.HEADING, block.start, block.end, block.text)
        result.append(block)
    return result


def _looks_like_heading(body: str, block: Block, found: list[Block], i: int) -> bool:
    text = block.text
    if (
        "\n" in text
        or ". " in text
        or len(text) > 120
        or _TERMINAL.search(text)
        # A line ending in a quotation is prose, unless it is all one quotation (a headline).
        or (text[-1:] in "\"\u201d'\u2019" and text[:1] not in "\"\u201c'\u2018")
    ):
        return False
    words = _WORD.findall(text)
    # A headline may open with a quotation: "'We did what we promised': an interview with ..."
    if not 1 <= len(words) <= 14 or not text.lstrip("'\"\u2018\u201c")[:1].isupper():
        return False
    # It must stand alone: a blank line after it (or the end of the text).
    following = found[i + 1] if i + 1 < len(found) else None
    return following is None or "\n\n" in body[block.end : following.start].replace("\r", "")


# --- Sentences inside a block ----------------------------------------------------------------

_SAFE_BOUNDARY = re.compile(
    r"(?<![\w.,'\u2019-])([a-z]{2,}|\d{2,}|\d+%|[a-z]{2,}\))[.!?](?=[ \t]+[A-Z])"
)
# A full stop between two digits ("12.5%", "$3.2 million") is never a boundary: pysbd masks it
# before it splits (its PeriodBeforeNumberRule), so it does not send a piece to pysbd.
_UNSAFE_IN_PIECE = re.compile(r"[!?…]|(?<!\d)\.|\.(?!\d)")
_QUOTE_OR_BRACKET = re.compile(r"[\"\u201c\u201d«»()\[\]{}]")
_CRUDE_BOUNDARY = re.compile(r"[.!?…]['\"\u201d\u2019)\]]*[ \t]+")


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(a.lower() for a in English.Abbreviation.ABBREVIATIONS)


@lru_cache(maxsize=1)
def _language():
    return Language.get_language_code("en")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in one block's text."""
    spans: list[tuple[int, int]] = []
    for piece_start, piece_end in _pieces(text):
        piece = text[piece_start:piece_end]
        if _needs_pysbd(piece):
            for start, end in pysbd_spans(piece):
                spans.append((piece_start + start, piece_start + end))
        else:
            spans.append(_trimmed(text, piece_start, piece_end))
    return [span for span in spans if span[0] < span[1]]


def _needs_pysbd(piece: str) -> bool:
    """Whether the piece may hold more than one sentence: punctuation anywhere but at its end."""
    body = piece.rstrip(_EDGE_SPACE + "\"\u201d'\u2019)]")
    return bool(_UNSAFE_IN_PIECE.search(body, 0, max(len(body) - 1, 0))) or "\n" in piece


def _pieces(text: str) -> list[tuple[int, int]]:
    """Cut the text at safe boundaries (see the module docstring)."""
    cuts = [0]
    abbreviations = _abbreviations()
    balance = _Balance() if _QUOTE_OR_BRACKET.search(text) else None
    for match in _SAFE_BOUNDARY.finditer(text):
        if match.group(1) in abbreviations:
            continue
        cut = match.end()
        if balance is not None:
            balance.advance(text, cut)
            if not balance.closed():
                continue
        cuts.append(cut)
    cuts.append(len(text))
    pieces = []
    for start, end in itertools.pairwise(cuts):
        if end - start > MAX_PIECE_CHARS:
            pieces.extend(_split_long(text, start, end))
        elif start < end:
            pieces.append((start, end))
    return pieces


class _Balance:
    """Running count of quotes and brackets, so a cut is never made inside a quotation."""

    __slots__ = ("counts", "pos")

    def __init__(self) -> None:
        self.pos = 0
        self.counts = dict.fromkeys('"“”«»()[]', 0)

    def advance(self, text: str, to: int) -> None:
        for match in _QUOTE_OR_BRACKET.finditer(text, self.pos, to):
            char = match.group()
            if char in self.counts:
                self.counts[char] += 1
        self.pos = to

    def closed(self) -> bool:
        c = self.counts
        return (
            c['"'] % 2 == 0 and c["“"] == c["”"] and c["«"] == c["»"]
            and c["("] == c[")"] and c["["] == c["]"]
        )  # fmt: skip


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    cursor = start
    for match in _CRUDE_BOUNDARY.finditer(text, start, end):
        if match.end() - cursor >= 200:
            pieces.append((cursor, match.end()))
            cursor = match.end()
    while end - cursor > MAX_PIECE_CHARS:
        cut = text.rfind(" ", cursor + MAX_PIECE_CHARS // 2, cursor + MAX_PIECE_CHARS)
        cut = cut + 1 if cut > cursor else cursor + MAX_PIECE_CHARS
        pieces.append((cursor, cut))
        cursor = cut
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip(_EDGE_SPACE))
    return start + lead, start + len(chunk.rstrip(_EDGE_SPACE))


def pysbd_spans(piece: str) -> list[tuple[int, int]]:
    """pysbd's sentences of one piece, mapped back to offsets in it."""
    # pysbd turns line breaks into its own markers; a space keeps the offsets aligned.
    flat = piece.replace("\r", " ").replace("\n", " ")
    found = Processor(flat, _language(), char_span=False).process() or []
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in found:
        sentence = sentence.strip(_EDGE_SPACE)
        if not sentence:
            continue
        at = flat.find(sentence, cursor)
        if at < 0:
            continue  # pysbd changed the text; the gap fill below keeps it.
        if at > cursor and flat[cursor:at].strip(_EDGE_SPACE):
            spans.append(_trimmed(flat, cursor, at))
        spans.append((at, at + len(sentence)))
        cursor = at + len(sentence)
    if flat[cursor:].strip(_EDGE_SPACE):
        spans.append(_trimmed(flat, cursor, len(flat)))
    return spans


def pysbd_sentences(text: str) -> list[str]:
    """pysbd alone on one block (the reference the fast path is tested against)."""
    return [piece[s:e] for piece in [text] for s, e in pysbd_spans(piece)]
