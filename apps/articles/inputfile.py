"""Read the bytes of a text named on the command line (a path, or - for standard input), with
errors a user can act on instead of tracebacks."""

from __future__ import annotations

import os

from apps.articles.textinput import MAX_TEXT_BYTES, TextInputError, size_limit


def input_read(path: str, *, stdin) -> bytes:
    """At most MAX_TEXT_BYTES + 1 bytes, so an oversized input is refused without reading it all."""
    if path == "-":
        stream = getattr(stdin, "buffer", stdin)
        data = stream.read(MAX_TEXT_BYTES + 1)
        return data.encode("utf-8") if isinstance(data, str) else data
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_TEXT_BYTES:
                raise TextInputError(
                    f"{path} is {size / 1024 / 1024:.1f} MB; the limit is {size_limit()} of text"
                )
            return handle.read(MAX_TEXT_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise TextInputError(f"cannot read {path}: {reason}") from None
    except ValueError as exc:  # e.g. an embedded NUL in the path
        raise TextInputError(f"cannot read {os.fsdecode(path)!r}: {exc}") from None
