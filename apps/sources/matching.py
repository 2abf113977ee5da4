"""Why a passage may settle a claim: the words, numbers, dates and names they share, and numbers
that disagree. Plain rules a reviewer can check by eye, used for the second-stage re-rank of
evidence suggestions and for the highlights that explain it.

Every finding carries character spans into the passage, so the explanation is shown where it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "says",
        "say",
        "according",
        "per",
        "cent",
        "percent",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "new",
        "year",
        "years",
    ]
)
# Words that tell an English sentence from a foreign one (no single letters: "a" is French too).
_ENGLISH = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "is",
        "was",
        "that",
        "for",
        "on",
        "with",
        "by",
        "as",
        "at",
        "from",
        "has",
        "have",
        "are",
        "were",
        "it",
        "its",
        "this",
        "than",
        "be",
        "been",
        "will",
        "would",
        "said",
        "not",
        "but",
        "which",
        "who",
    ]
)
_FOREIGN = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "est",
        "une",
        "und",
        "der",
        "die",
        "das",
        "ist",
        "nicht",
        "el",
        "los",
        "las",
        "es",
        "una",
        "que",
        "del",
        "di",
        "il",
        "che",
        "non",
        "per",
        "het",
        "een",
        "van",
        "ist",
        "sind",
        "dans",
        "pour",
        "sur",
        "avec",
        "ein",
        "eine",
        "mit",
        "auf",
        "zu",
        "por",
        "para",
        "con",
    ]
)
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
_MONTH_ABBR = {m[:3]: i for m, i in MONTHS.items()}
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])"
    r"(?:\s*(%|per ?cent\b|percent\b|million\b|billion\b|trillion\b|thousand\b|bn\b|m\b))?"
    r"(?:\s+(?:of\s+|more\s+|new\s+|fewer\s+)?([a-z][a-z-]{2,}))?",
    re.IGNORECASE,
)
_MONTH = re.compile(
    r"\b(" + "|".join(sorted(set(MONTHS) | set(_MONTH_ABBR), key=len, reverse=True)) + r")\.?\b",
    re.IGNORECASE,
)
_NAME = re.compile(
    r"\b(?:[A-Z][\w\u2019'-]*[a-z]\w*|[A-Z]{2,}\w*)(?:\s+(?:of\s+|de\s+)?[A-Z][\w\u2019'-]+)*"
)
_SCALE = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12, "thousand": 1e3}
_LATIN = re.compile(r"[A-Za-z]")
_LETTER = re.compile(r"[^\W\d_]")


_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


def stem(word: str) -> str:
    """A light English stem (fell/falls are not folded; rates/rate, rising/rise are)."""
    word = word.lower().replace("\u2019", "'").removesuffix("'s")
    for suffix, keep in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + keep
            break
    return word.rstrip("e") if len(word) > 4 else word


@dataclass(frozen=True, slots=True)
class Number:
    value: float
    unit: str  # "%", a scale-free noun ("households") or ""
    start: int
    end: int
    text: str


@dataclass
class Features:
    terms: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # stem -> spans
    words: dict[str, str] = field(default_factory=dict)  # stem -> a surface form
    numbers: list[Number] = field(default_factory=list)
    years: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    months: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    names: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # name -> spans


def features(text: str) -> Features:
    """The content words, numbers (with unit), years, months and capitalised names of text."""
    found = Features()
    for match in _WORD.finditer(text):
        word = match.group().lower()
        if word in STOPWORDS or len(word) < 2:
            continue
        key = stem(word)
        found.terms.setdefault(key, []).append(match.span())
        found.words.setdefault(key, match.group())
    for match in _NUMBER.finditer(text):
        whole, fraction, scale, noun = match.groups()
        value = float(whole.replace(",", "") + ("." + fraction if fraction else ""))
        scale_word = (scale or "").lower().replace(" ", "")
        end = match.end(3) if scale else match.end(1) if not fraction else match.end(2)
        if scale_word in ("%", "percent", "percent"):
            unit = "%"
        elif scale_word in _SCALE:
            value *= _SCALE[scale_word]
            unit = stem(noun) if noun else ""
        else:
            unit = stem(noun) if noun and noun.lower() not in STOPWORDS else ""
        if not fraction and not scale and 1900 <= value <= 2100 and "," not in whole:
            found.years.setdefault(int(value), []).append(match.span(1))
            continue
        found.numbers.append(Number(value, unit, match.start(1), end, text[match.start(1) : end]))
    for match in _MONTH.finditer(text):
        word = match.group(1).lower()
        if word == "may" and not text[match.start()].isupper():
            continue
        month = MONTHS.get(word) or _MONTH_ABBR.get(word[:3])
        if month:
            found.months.setdefault(month, []).append(match.span(1))
    for match in _NAME.finditer(text):
        name = match.group()
        first = name.split()[0].lower()
        alone = len(name.split()) == 1
        if first in STOPWORDS or first in MONTHS or (alone and _at_start(text, match.start())):
            continue
        found.names.setdefault(name, []).append(match.span())
    return found


def _at_start(text: str, pos: int) -> bool:
    """Whether pos starts a sentence (a capital there says nothing about a name)."""
    before = text[:pos].rstrip()
    return not before or before[-1] in '.!?"“:;\n'


def language_problem(text: str) -> str:
    """Why text cannot be searched for English evidence, or "" when it can."""
    text = (text or "").strip()
    if not text:
        return "The claim has no text to search for."
    letters = _LETTER.findall(text)
    if not letters:
        return "The claim has no words to search for, only numbers or symbols."
    if sum(1 for ch in letters if _LATIN.match(ch)) < 0.6 * len(letters):
        return "The claim is not in English; evidence search covers English sources only."
    words = [w.lower() for w in _WORD.findall(text)]
    english = sum(1 for w in words if w in _ENGLISH)
    foreign = sum(1 for w in words if w in _FOREIGN)
    if len(words) >= 5 and foreign >= 2 and foreign > english:
        return "The claim is not in English; evidence search covers English sources only."
    if not any(w not in STOPWORDS and len(w) > 1 for w in words):
        return "The claim has no content words to search for."
    return ""


def _name_pattern(name: str) -> str:
    words = [re.escape(word) for word in name.split()]
    return r"\b" + r"\s+".join(words) + r"\b"


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= max(abs(a), abs(b)) * 0.005


@dataclass
class Comparison:
    """What a passage shares with a claim, with the passage spans that show it."""

    terms: list[tuple[str, list[tuple[int, int]]]]
    numbers: list[tuple[str, list[tuple[int, int]]]]
    dates: list[tuple[str, list[tuple[int, int]]]]
    names: list[tuple[str, list[tuple[int, int]]]]
    contradictions: list[tuple[str, list[tuple[int, int]]]]
    term_share: float
    number_share: float
    date_share: float
    name_share: float
    names_differ: bool


def compare(claim: Features, passage: Features, passage_text: str) -> Comparison:
    terms = [(claim.words[k], passage.terms[k]) for k in claim.terms if k in passage.terms]
    numbers, contradictions = [], []
    claim_numbers = [n for n in claim.numbers if n.value != 0]
    for number in claim_numbers:
        same = [p for p in passage.numbers if same_value(p.value, number.value)]
        if same:
            numbers.append((number.text, [(p.start, p.end) for p in same]))
            continue
        rivals = [
            p for p in passage.numbers if number.unit and p.unit == number.unit and p.value != 0
        ]
        if rivals:
            said = ", ".join(dict.fromkeys(p.text for p in rivals))
            spans = [(p.start, p.end) for p in rivals]
            contradictions.append((f"claim says {number.text}, passage says {said}", spans))
    dates = [(str(y), passage.years[y]) for y in claim.years if y in passage.years]
    month_names = {v: k.title() for k, v in MONTHS.items()}
    dates += [(month_names[m], passage.months[m]) for m in claim.months if m in passage.months]
    names = []
    for name in claim.names:
        # Looked up in the text, not among the passage's names: a name that opens a sentence
        # is not detected as one there.
        spans = [m.span() for m in re.finditer(_name_pattern(name), passage_text)]
        if spans:
            names.append((passage_text[spans[0][0] : spans[0][1]], spans))
    claim_dates = len(claim.years) + len(claim.months)
    return Comparison(
        terms=terms,
        numbers=numbers,
        dates=dates,
        names=names,
        contradictions=contradictions,
        term_share=len(terms) / len(claim.terms) if claim.terms else 0.0,
        number_share=len(numbers) / len(claim_numbers) if claim_numbers else 0.0,
        date_share=len(dates) / claim_dates if claim_dates else 0.0,
        name_share=len(names) / len(claim.names) if claim.names else 0.0,
        names_differ=bool(claim.names) and not names and bool(passage.names),
    )
