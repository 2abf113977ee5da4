"""Match many word-list patterns against a sentence quickly.

A regex such as ``\\b(?:said|told|reported|...)\\b`` makes Python's engine try every alternative
at every position of the sentence: with a dozen such lists that was most of the extraction time.
Here the sentence is split into words once, and a list's regex is only tried (with ``match``) at
the words whose first letters can begin one of its alternatives. The results are those of
``finditer``: the same matches, left to right, never overlapping.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

_TOKEN = re.compile(r"[A-Za-z]+|\d+|[$€£¥]")
_DIGIT = re.compile(r"\d")
DIGIT_WINDOW = 20


def split_alternatives(source: str) -> list[str]:
    """The top-level alternatives of a regex source."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
        i += 1
    parts.append(source[start:])
    return parts


def literal_prefixes(source: str) -> set[str]:
    """How each alternative's matches begin: ``=word`` when it starts with a whole literal word
    (followed by a space, an apostrophe or the end), else its first letters (up to three)."""
    prefixes = set()
    for alternative in split_alternatives(source):
        if alternative.startswith("(?:"):
            depth, close = 0, 0
            for close, char in enumerate(alternative):  # noqa: B007 (used after the loop)
                depth += char == "("
                depth -= char == ")"
                if depth == 0:
                    break
            prefixes |= literal_prefixes(alternative[3:close])
            continue
        run, whole = "", True
        for i, char in enumerate(alternative):
            if not char.isalpha():
                whole = alternative[i:].startswith(("\\s", "'", "\\u2019", "-"))
                break
            if alternative[i + 1 : i + 2] in ("?", "*"):
                whole = False
                break
            run += char
        if not run:
            raise ValueError(f"alternative {alternative!r} does not start with a letter")
        prefixes.add("=" + run.lower() if whole else run.lower()[:3])
    return prefixes


class WordLists:
    """Several named word-list regexes of the form ``\\b(?:a|b|...)\\b``, matched in one pass."""

    def __init__(self, patterns: Iterable[tuple[str, re.Pattern]]):
        self.patterns = list(patterns)
        self.by_prefix: dict[str, list[int]] = defaultdict(list)
        for index, (_name, pattern) in enumerate(self.patterns):
            source = pattern.pattern
            if not (source.startswith(r"\b(?:") and source.endswith(r")\b")):
                raise ValueError(f"{source[:40]!r}: expected \\b(?:...)\\b")
            for prefix in literal_prefixes(source[5:-3]):
                self.by_prefix[prefix].append(index)

    def find(self, text: str) -> dict[str, list[re.Match]]:
        found: dict[str, list[re.Match]] = defaultdict(list)
        ends = [0] * len(self.patterns)
        by_prefix = self.by_prefix
        for token in _TOKEN.finditer(text):
            word = token.group().lower()
            candidates = (
                by_prefix.get("=" + word, ()), by_prefix.get(word[:3], ()),
                by_prefix.get(word[:2], ()), by_prefix.get(word[:1], ()),
            )  # fmt: skip
            start = token.start()
            for group in candidates:
                for index in group:
                    if start < ends[index]:
                        continue
                    name, pattern = self.patterns[index]
                    match = pattern.match(text, start)
                    if match:
                        found[name].append(match)
                        ends[index] = match.end()
        return found


class TriggeredPattern:
    """A complex regex tried only where a sentence has a digit, a currency sign or a trigger
    word; equivalent to ``finditer`` when every match starts at such a token."""

    def __init__(
        self, pattern: re.Pattern, triggers: Iterable[str], before_digits: Iterable[str] = ()
    ):
        self.pattern = pattern
        self.triggers = frozenset(word.lower() for word in triggers)
        # Common words ("in", "the") that only start a match when a digit follows soon after.
        self.before_digits = frozenset(word.lower() for word in before_digits)

    def finditer(self, text: str) -> list[re.Match]:
        matches = []
        end = 0
        for token in _TOKEN.finditer(text):
            start = token.start()
            if start < end:
                continue
            word = token.group()
            if not (word[0].isdigit() or word in "$€£¥"):
                lower = word.lower()
                if lower in self.before_digits:
                    if not _DIGIT.search(text, token.end(), token.end() + DIGIT_WINDOW):
                        continue
                elif lower not in self.triggers:
                    continue
            match = self.pattern.match(text, start)
            if match and match.end() > start:
                matches.append(match)
                end = match.end()
        return matches
