"""The readable text of a captured page, and whether a quoted excerpt appears in it.

HTML goes through trafilatura (main text, without navigation and boilerplate). The title is the
page's og:title or <title>: trafilatura's own metadata pass also hunts for dates and authors we
do not store, and took two thirds of the extraction time. text/plain is kept as is; PDFs are
stored but not read (no PDF library is worth its weight here), so their text is empty and excerpt
checks say "unknown". Only the first ARCHIVE_EXTRACT_MAX_BYTES of a payload are read, which keeps
memory flat for huge pages.
"""

import functools
import html
import logging
import re
import unicodedata
from dataclasses import dataclass

logger = logging.getLogger(__name__)

HTML_TYPES = {"text/html", "application/xhtml+xml", ""}
TEXT_TYPES = {"text/plain", "text/markdown", "text/csv"}
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_META = re.compile(rb"<meta\s[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""([a-zA-Z:_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_HEAD_BYTES = 200_000
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


@dataclass(frozen=True)
class ExtractedText:
    title: str
    text: str


def split_content_type(content_type: str) -> tuple[str, str | None]:
    """("text/html", "utf-8") from "text/html; charset=UTF-8"."""
    mime_type, *params = (content_type or "").split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return mime_type.strip().lower(), charset


def _decode(payload: bytes, charset: str | None) -> str:
    for encoding in (charset, "utf-8"):
        if encoding:
            try:
                return payload.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    return payload.decode("utf-8", errors="replace")


def _og_title(head: bytes) -> bytes:
    for tag in _META.findall(head):
        attributes = {
            name.lower(): next(value for value in values if value)
            for name, *values in _ATTRIBUTE.findall(tag)
            if any(values)
        }
        if attributes.get(b"property", b"").lower() == b"og:title":
            return attributes.get(b"content", b"")
    return b""


def _html_title(payload: bytes, charset: str | None) -> str:
    """The page's og:title (what the publisher calls the piece, without the site's name), else
    its <title>."""
    head = payload[:_HEAD_BYTES]
    raw = _og_title(head)
    if not raw.strip():
        match = _TITLE.search(head)
        raw = match.group(1) if match else b""
    return _SPACE.sub(" ", html.unescape(_decode(raw, charset))).strip()


@functools.cache
def _trafilatura():
    """trafilatura, imported on first use: it weighs ~12 MB. Cached rather than imported in the
    function, because an import statement takes the module's import lock on every call, which
    busy fetch threads contended for."""
    import trafilatura

    return trafilatura


def text_extract(
    *, payload: bytes, mime_type: str, charset: str | None = None, url: str = ""
) -> ExtractedText:
    """Title and main text of a payload of the given MIME type (empty for kinds we do not read)."""
    mime_type = (mime_type or "").lower()
    if mime_type in TEXT_TYPES:
        return ExtractedText(title="", text=_decode(payload, charset).strip())
    if mime_type not in HTML_TYPES or not payload.strip():
        return ExtractedText(title="", text="")
    try:
        document = _trafilatura().bare_extraction(
            payload, include_comments=False, favor_recall=True, with_metadata=False
        )
    except Exception:  # trafilatura raises many kinds on odd markup; the capture still counts
        logger.warning("text extraction failed for %s", url, exc_info=True)
        document = None
    text = (getattr(document, "text", None) or "").strip()
    return ExtractedText(title=_html_title(payload, charset)[:500], text=text)


def _comparable(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return _SPACE.sub(" ", text).strip().strip("\"'")


def excerpt_match(excerpt: str, text: str) -> bool | None:
    """Whether the quoted excerpt occurs in the text, ignoring case, spacing and quote styles;
    None when there is nothing to compare (no excerpt or no text)."""
    needle = _comparable(excerpt or "")
    if not needle or not (text or "").strip():
        return None
    return needle in _comparable(text)
