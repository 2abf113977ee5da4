"""Links that land on a quoted excerpt: in our archived copy (the snapshot text view, scrolled to
and highlighting the excerpt's offsets) and on the live page (a text fragment, `#:~:text=`, which
browsers that support it scroll to and highlight)."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.urls import reverse

from apps.sources.extract import excerpt_match

# Text fragments: long excerpts are given as their first and last words (textStart,textEnd),
# which browsers match more reliably than a whole paragraph with its punctuation.
_FRAGMENT_WORDS = 5
_WORDS = re.compile(r"\S+")
_QUOTE_CLASS = "[\"'\u2018\u2019\u201c\u201d]"


def _fragment_part(text: str) -> str:
    """Percent-encode a text-fragment term: everything but unreserved characters, and the dash
    too (it separates prefix and suffix in the directive's syntax)."""
    return quote(text, safe="").replace("-", "%2D")


def text_fragment_url(url: str, excerpt: str) -> str:
    """url with a text fragment for excerpt (whitespace folded), replacing any fragment it had;
    url unchanged when there is no excerpt."""
    words = _WORDS.findall(excerpt or "")
    if not url or not words:
        return url
    base = url.split("#", 1)[0]
    if len(words) <= 2 * _FRAGMENT_WORDS:
        directive = _fragment_part(" ".join(words))
    else:
        start = " ".join(words[:_FRAGMENT_WORDS])
        end = " ".join(words[-_FRAGMENT_WORDS:])
        directive = f"{_fragment_part(start)},{_fragment_part(end)}"
    return f"{base}#:~:text={directive}"


def excerpt_locate(excerpt: str, text: str) -> tuple[int, int] | None:
    """Offsets of excerpt in text, ignoring case, runs of whitespace and quote styles (the rules
    of apps.sources.extract.excerpt_match); None when it is not there."""
    words = _WORDS.findall((excerpt or "").strip().strip("\"'\u201c\u201d"))
    if not words or not text:
        return None
    pattern = r"\s+".join(
        re.sub(r"\\?[\"'\u2018\u2019\u201c\u201d]", _QUOTE_CLASS, re.escape(word)) for word in words
    )
    match = re.search(pattern, text, re.IGNORECASE)
    return match.span() if match else None


def snapshot_text_url(snapshot_id: int, start: int | None = None, end: int | None = None) -> str:
    """The staff view of the snapshot's text; with offsets, scrolled to and marking them."""
    url = reverse("admin:sources_snapshot_text", args=[snapshot_id])
    if start is None or end is None:
        return url
    return f"{url}?start={start}&end={end}#excerpt"


def citation_links(citation) -> dict[str, str] | None:
    """Both links for a citation whose excerpt was found in its snapshot, else None. Uses the
    offsets pinned on the citation, or finds the excerpt in the snapshot's text."""
    if not citation.excerpt or not citation.snapshot_id:
        return None
    text = citation.snapshot.text
    span = None
    if citation.excerpt_start is not None:
        span = (citation.excerpt_start, citation.excerpt_end)
        if not excerpt_match(citation.excerpt, text[span[0] : span[1]]):
            span = None  # the excerpt was edited after it was pinned
    if span is None and citation.excerpt_found:
        span = excerpt_locate(citation.excerpt, text)
    if span is None:
        return None
    return {
        "archive": snapshot_text_url(citation.snapshot_id, *span),
        "live": text_fragment_url(citation.source.url, citation.excerpt),
    }
