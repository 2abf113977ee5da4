"""Request parsing with the size limit Django applies to forms, also for JSON bodies (DRF reads
the raw stream and would otherwise accept any size)."""

from io import BytesIO

from django.conf import settings
from rest_framework.parsers import JSONParser

from apps.api.exceptions import RequestTooLarge


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and stream is not None:
            body = stream.read(limit + 1)  # never more than the limit, whatever Content-Length says
            if len(body) > limit:
                raise RequestTooLarge.over_limit()
            stream = BytesIO(body)
        return super().parse(stream, media_type, parser_context)
