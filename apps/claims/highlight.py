"""Cut an article body into plain and highlighted stretches for display, one highlight per
claim. Pure: every stretch is escaped on its way to the page, so the body never reaches it as
HTML."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True, slots=True)
class Stretch:
    text: str
    start: int  # offset of the stretch in the body, so the page can turn a selection into offsets
    claim: Any = None  # the Claim highlighted here, or None for plain text

    @property
    def html(self) -> SafeString:
        """The text escaped, with carriage returns as character references: the HTML parser
        turns a raw CR or CRLF into one LF, and offsets read off the page would drift from the
        body's."""
        return mark_safe(escape(self.text).replace("\r", "&#13;"))


def body_stretches(body: str, claims: Iterable[Any]) -> list[Stretch]:
    """Claims are taken in order of start; one that overlaps an earlier one (a stale claim from an
    older extraction, say) is left unhighlighted rather than nested."""
    stretches: list[Stretch] = []
    cursor = 0
    for claim in sorted(claims, key=lambda c: (c.start, c.end)):
        if claim.start < cursor or claim.end > len(body) or claim.start >= claim.end:
            continue
        if claim.start > cursor:
            stretches.append(Stretch(body[cursor : claim.start], cursor))
        stretches.append(Stretch(body[claim.start : claim.end], claim.start, claim))
        cursor = claim.end
    if cursor < len(body):
        stretches.append(Stretch(body[cursor:], cursor))
    return stretches
