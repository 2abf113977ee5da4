"""Turn bytes from a file, stdin or a form into article text, or refuse with one clear sentence.

Shared by ``extract_claims`` (no database) and the article import, so both refuse the same input
with the same words.
"""

from __future__ import annotations

import re

from factcheck.errors import BadInput

# A news article is tens of kilobytes. Past a few megabytes the input is a dump or a book, not an
# article, and extraction (about a second per megabyte) would keep a reviewer waiting for nothing.
MAX_TEXT_BYTES = 5 * 1024 * 1024
# Share of control characters above which text is taken for binary data.
MAX_CONTROL_SHARE = 0.01

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class TextInputError(BadInput):
    """The input is not usable article text; the message says why, for the user."""


def size_limit() -> str:
    return f"{MAX_TEXT_BYTES / 1024 / 1024:g} MB"


def text_decode(data: bytes, *, name: str = "the input") -> str:
    """Decode UTF-8 (a leading byte-order mark is kept, so offsets match the bytes decoded as
    UTF-8), refusing binary data and invalid UTF-8 with a message naming the first bad byte."""
    if len(data) > MAX_TEXT_BYTES:
        raise TextInputError(f"{name} is larger than the limit of {size_limit()} of text")
    if b"\x00" in data:
        raise TextInputError(f"{name} looks like a binary file (it contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TextInputError(
            f"{name} is not valid UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    text_check(text, name=name)
    return text


def text_check(text: str, *, name: str = "the text") -> None:
    """Refuse empty, whitespace-only, binary-looking or oversized text.

    The whole text is checked, not a sample: a NUL anywhere would be refused by PostgreSQL only
    when the article row is written, as a database error instead of a message."""
    if not isinstance(text, str):
        raise TextInputError(f"{name} must be text, not {type(text).__name__}")
    if not text.strip():
        raise TextInputError(f"{name} is empty" if not text else f"{name} is only whitespace")
    if len(text) > MAX_TEXT_BYTES:
        raise TextInputError(f"{name} is {len(text):,} characters; the limit is {MAX_TEXT_BYTES:,}")
    if "\x00" in text:
        at = text.index("\x00")
        raise TextInputError(
            f"{name} looks like binary data (a NUL character at offset {at:,}), not text"
        )
    if len(_CONTROL.findall(text)) > MAX_CONTROL_SHARE * len(text):
        raise TextInputError(f"{name} looks like binary data (control characters), not text")
