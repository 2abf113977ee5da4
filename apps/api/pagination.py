"""Cursor pagination: stable pages while verdicts are being published, no COUNT(*) per page.

The cursor is client input: base64 of an offset, a direction and the position of the last row
seen. A position that does not fit the ordering field (`p=abc` for an id, `p=not-a-date` for a
timestamp, a number beyond 64 bits) is a 400 naming the cursor, as a malformed cursor is."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

INVALID = {"cursor": ["Invalid cursor."]}
# A position the API itself writes is an id or an ISO timestamp: short and printable.
_POSITION = re.compile(r"^[0-9A-Za-z:.+\- _T]{1,64}$")


class Cursor(CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-id"

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:  # DRF answers a bad cursor with 404; it is bad input
            raise ValidationError(INVALID) from exc
        position = cursor.position if cursor is not None else None
        if position is not None and not _POSITION.match(position):
            raise ValidationError(INVALID)
        return cursor

    def paginate_queryset(self, queryset, request, view=None):
        """The position is converted to the ordering field's type when the filter is built,
        before any SQL runs; a value that does not convert is the client's mistake."""
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, OverflowError, DjangoValidationError) as exc:
            raise ValidationError(INVALID) from exc
