"""Cut an article body into plain and highlighted stretches for display, one highlight per
claim. Pure: the template escapes every stretch, so the body never reaches the page as HTML."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Stretch:
    text: str
    claim: Any = None  # the Claim highlighted here, or None for plain text


def body_stretches(body: str, claims: Iterable[Any]) -> list[Stretch]:
    """Claims are taken in order of start; one that overlaps an earlier one (a stale claim from an
    older extraction, say) is left unhighlighted rather than nested."""
    stretches: list[Stretch] = []
    cursor = 0
    for claim in sorted(claims, key=lambda c: (c.start, c.end)):
        if claim.start < cursor or claim.end > len(body) or claim.start >= claim.end:
            continue
        if claim.start > cursor:
            stretches.append(Stretch(body[cursor : claim.start]))
        stretches.append(Stretch(body[claim.start : claim.end], claim))
        cursor = claim.end
    if cursor < len(body):
        stretches.append(Stretch(body[cursor:]))
    return stretches
