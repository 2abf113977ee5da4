"""Request parsing with the size limit Django applies to forms, also for JSON bodies (DRF reads
the raw stream and would otherwise accept any size), and a nesting limit: Python's JSON decoder
recurses once per level, so `[[[[...` a hundred thousand deep would be a RecursionError (a 500)
and a moderately deep body would still cost every later step that walks it."""

from io import BytesIO

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from apps.api.exceptions import RequestTooLarge

# Our request bodies are flat objects; a few levels leave room for lists of objects.
MAX_JSON_DEPTH = 32


def json_depth_check(data, *, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse a parsed body nested deeper than `limit` (walked without recursion)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            raise ParseError(f"JSON parse error - the body is nested more than {limit} deep.")
        pending.extend((child, depth + 1) for child in children)


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and stream is not None:
            body = stream.read(limit + 1)  # never more than the limit, whatever Content-Length says
            if len(body) > limit:
                raise RequestTooLarge.over_limit()
            stream = BytesIO(body)
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(
                f"JSON parse error - the body is nested more than {MAX_JSON_DEPTH} deep."
            ) from None
        json_depth_check(data)
        return data
