"""Strict typing for write bodies: JSON types are taken as sent, never coerced.

DRF's fields are lenient: `{"claim": 1.5}` became claim 1, `{"body": 123}` became "123", and a
field the client may not set (`state`, `author`, `version` on create) was silently dropped, so a
client believed it had set it. Here an id is a JSON integer within 64 bits, a text is a JSON
string, and a body naming a field the endpoint does not take is refused with the fields named.
"""

from rest_framework import serializers
from rest_framework.settings import api_settings

MAX_ID = 2**63 - 1


def _is_integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if not _is_integer(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    default_error_messages = {"not_text": "Must be a JSON string, not {kind}."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text", kind=type(data).__name__)
        return super().to_internal_value(data)


class StrictURLField(StrictCharField, serializers.URLField):
    pass


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id as a JSON integer from 1 to 2**63 - 1; anything else is `incorrect_type`, and an
    integer past what the database column holds is simply not found."""

    def to_internal_value(self, data):
        if not _is_integer(data):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= data <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class StrictInput(serializers.Serializer):
    """A write body: a JSON object with only the fields this endpoint takes. A field the
    responses show but only the workbench sets (`read_only_names`, filled in by
    apps.api.serializers from the response serializers) is refused as read-only."""

    read_only_names: frozenset[str] = frozenset()

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: ["The body must be a JSON object."]}
            )
        extra = [name for name in data if name not in self.fields]
        if extra:
            errors = {
                name: [
                    "This field is read-only: it is set by the workbench, not by the client."
                    if name in self.read_only_names
                    else "Unknown field."
                ]
                for name in extra
            }
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
