"""How alike two claims are, and why: the score behind "possibly already checked".

Lexical on purpose: a reviewer must be able to see why two claims were matched, so the score is
built from things the explanation can name (shared words, shared numbers, shared names) and
penalties for what makes two similar sentences different claims: a number that disagrees ("rose
20%" against "rose 7%") and a different subject ("London" against "Manchester", "teachers"
against "nurses").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

_STOPWORD_LIST = """a about above after again all also am an and any are as at be been before
    being below
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers him his how i if in into is it its itself just me more most my
    no nor not now of off on once only or other our out over own same she should so some such
    than that the their them then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yet per
    cent percent every year years last new now just one"""
# Units of a number belong to the number ("£1.2bn" is 1,200,000,000), not to the words.
_NUMBER_WORD_LIST = "thousand million billion trillion bn mn tn m k b"
NUMBER_WORDS = frozenset(_NUMBER_WORD_LIST.split())
STOPWORDS = frozenset(_STOPWORD_LIST.split()) | NUMBER_WORDS

# Words a rewording swaps for each other; mapped to one form before comparing.
SYNONYMS = {
    "dropped": "fall",
    "drop": "fall",
    "fell": "fall",
    "falling": "fall",
    "fallen": "fall",
    "decreased": "fall",
    "lower": "fall",
    "fewer": "fall",
    "rose": "rise",
    "risen": "rise",
    "rising": "rise",
    "increased": "rise",
    "went": "rise",
    "hit": "reach",
    "reached": "reach",
    "highest": "high",
    "lowest": "low",
    "childhood": "child",
    "children": "child",
    "immigration": "migration",
    "conventional": "ordinary",
    "delivered": "built",
    "paid": "pay",
    "cost": "pay",
    "costs": "pay",
    "spent": "pay",
    "seen": "visible",
    "see": "visible",
}

_SCALE = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_WORD_NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "half": 0.5,
    "third": 1 / 3,
    "quarter": 0.25,
}
NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*"
    r"(%|per ?cent\b|percent\b|(?:thousand|million|billion|trillion|bn|mn|tn|m|k|b)\b)?",
    re.IGNORECASE,
)
WORD_NUMBER = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten)\b(?:\s+(thousand|million|billion)\b)?",
    re.IGNORECASE,
)
WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*", re.UNICODE)
_TRIGRAM_CLEAN = re.compile(r"[^\w]+", re.UNICODE)


def _stem(word: str) -> str:
    word = word.lower().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.strip("'")
    word = SYNONYMS.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _shown(value: float) -> str:
    if not float(value).is_integer():
        return f"{value:g}"
    return f"{int(value):,}" if value >= 10_000 else str(int(value))  # 2016 is a year


def _numbers(text: str) -> set[str]:
    found = set()
    for match in NUMBER.finditer(text):
        whole, fraction, unit = match.group(1), match.group(2) or "", (match.group(3) or "")
        value = float(whole.replace(",", "") + fraction)
        unit = unit.lower().replace(" ", "")
        if unit in ("%", "percent"):
            found.add(f"{_shown(value)}%")
            continue
        found.add(_shown(value * _SCALE.get(unit, 1)))
    for match in WORD_NUMBER.finditer(text):
        value = _WORD_NUMBERS[match.group(1).lower()]
        found.add(_shown(value * _SCALE.get((match.group(2) or "").lower(), 1)))
    return found


@dataclass(frozen=True, slots=True)
class ClaimTerms:
    """What the score compares: content words (stemmed), numbers (normalised), names, the
    subject (first content word) and the character trigrams pg_trgm would use."""

    words: frozenset[str]
    numbers: frozenset[str]
    names: frozenset[str]
    subject: str
    sequence: tuple[str, ...]
    trigrams: frozenset[str]
    shown: dict[str, str] = field(default_factory=dict, compare=False)


def _swapped(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[list[str], list[str]] | None:
    """The first word run that one claim has in place of another's, in otherwise the same order
    of words; None when the claims only add, drop or reorder words."""
    matcher = SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "replace" and not (set(a[i1:i2]) & set(b)) and not (set(b[j1:j2]) & set(a)):
            return list(a[i1:i2]), list(b[j1:j2])
    return None


def _trigrams(text: str) -> frozenset[str]:
    grams = set()
    for word in _TRIGRAM_CLEAN.split(text.lower()):
        if not word:
            continue
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def claim_terms(text: str) -> ClaimTerms:
    words: list[str] = []
    names: set[str] = set()
    shown: dict[str, str] = {}
    tokens = list(WORD.finditer(text))
    for index, match in enumerate(tokens):
        raw = match.group(0)
        if raw.lower() in STOPWORDS or raw.lower() in _WORD_NUMBERS or len(raw) < 2:
            continue
        stem = _stem(raw)
        words.append(stem)
        shown.setdefault(stem, raw)
        # A capitalised word after the first is a name (London, NHS, Apple); the first word is
        # capitalised anyway, so it counts only if the next word is a name too (New York).
        if raw[0].isupper() and (
            index > 0 or (len(tokens) > 1 and tokens[1].group(0)[0].isupper())
        ):
            names.add(stem)
    return ClaimTerms(
        words=frozenset(words),
        numbers=frozenset(_numbers(text)),
        names=frozenset(names),
        subject=words[0] if words else "",
        sequence=tuple(words),
        trigrams=_trigrams(text),
        shown=shown,
    )


@dataclass(frozen=True, slots=True)
class PriorScore:
    score: float
    reasons: dict

    def explain(self) -> str:
        return prior_reasons_text(self.reasons)


def prior_reasons_text(reasons: dict) -> str:
    """One line a reviewer can read: what the two claims share and what tells them apart."""
    parts = []
    if reasons.get("shared_terms"):
        parts.append("shared words: " + ", ".join(reasons["shared_terms"]))
    if reasons.get("shared_numbers"):
        parts.append("same numbers: " + ", ".join(reasons["shared_numbers"]))
    if reasons.get("shared_names"):
        parts.append("same names: " + ", ".join(reasons["shared_names"]))
    if reasons.get("conflicting_numbers"):
        mine, theirs = reasons["conflicting_numbers"]
        parts.append(f"numbers differ: {', '.join(mine)} here, {', '.join(theirs)} there")
    if reasons.get("different_names"):
        mine, theirs = reasons["different_names"]
        parts.append(f"names differ: {', '.join(mine)} here, {', '.join(theirs)} there")
    if reasons.get("swapped_words"):
        mine, theirs = reasons["swapped_words"]
        parts.append(f"words swapped: {' '.join(mine)} here, {' '.join(theirs)} there")
    if reasons.get("different_subject"):
        mine, theirs = reasons["different_subject"]
        parts.append(f"subject differs: {mine} here, {theirs} there")
    return "; ".join(parts) or "little in common"


def prior_score(claim: str | ClaimTerms, prior: str | ClaimTerms) -> PriorScore:
    """Score in [0, 1] that `prior` is the same claim as `claim`, with its reasons."""
    a = claim if isinstance(claim, ClaimTerms) else claim_terms(claim)
    b = prior if isinstance(prior, ClaimTerms) else claim_terms(prior)
    if not a.words or not b.words:
        return PriorScore(0.0, {})
    shared = a.words & b.words
    dice = 2 * len(shared) / (len(a.words) + len(b.words))
    union = a.trigrams | b.trigrams
    trigram = len(a.trigrams & b.trigrams) / len(union) if union else 0.0
    score = 0.65 * dice + 0.35 * trigram
    reasons: dict = {
        "shared_terms": sorted(a.shown.get(w, w) for w in shared - a.names),
        "words": round(dice, 3),
        "trigrams": round(trigram, 3),
    }

    if a.numbers and b.numbers:
        same = a.numbers & b.numbers
        if same:
            reasons["shared_numbers"] = sorted(same)
        only_a, only_b = a.numbers - b.numbers, b.numbers - a.numbers
        if only_a and only_b:
            # Each side has a number the other lacks: 20% against 7%, even if the year agrees.
            score *= 0.4
            reasons["conflicting_numbers"] = [sorted(only_a), sorted(only_b)]
        elif only_a or only_b:
            score *= 0.85
        else:
            score = score + 0.15 * (1 - score)
    elif a.numbers or b.numbers:
        score *= 0.85

    if a.names and b.names:
        same_names = a.names & b.names
        if same_names:
            reasons["shared_names"] = sorted(a.shown.get(n, n) for n in same_names)
        only_a, only_b = a.names - b.names, b.names - a.names
        if only_a and only_b:
            score *= 0.5 if not same_names else 0.7
            reasons["different_names"] = [
                sorted(a.shown.get(n, n) for n in only_a),
                sorted(b.shown.get(n, n) for n in only_b),
            ]
    swapped = _swapped(a.sequence, b.sequence)
    if swapped:
        # The same sentence with one word put in another's place ("teachers' pay" against
        # "nurses' pay") is the commonest way two different claims look alike.
        score *= 0.55
        reasons["swapped_words"] = [
            [a.shown.get(w, w) for w in swapped[0]],
            [b.shown.get(w, w) for w in swapped[1]],
        ]
    if a.subject not in b.words and b.subject not in a.words:
        score *= 0.7
        reasons["different_subject"] = [a.shown.get(a.subject, a.subject), b.shown[b.subject]]
    return PriorScore(round(min(max(score, 0.0), 1.0), 4), reasons)
