"""Every API error is JSON with one shape: {"status", "code", "detail"} plus, for invalid input,
"errors" keyed by field. Any factcheck.errors.DomainError a service raises keeps its message and
gets its kind's status and code, so nothing a user can cause is a 500."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from factcheck.errors import DomainError


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"

    @classmethod
    def over_limit(cls) -> "RequestTooLarge":
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return cls(f"The request body is larger than the {limit} bytes this API accepts.")


class Refused(exceptions.APIException):
    """A service refused the request (an illegal transition, a refused URL): 400 with its
    message."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request was refused."
    default_code = "refused"


class DomainRefusal(exceptions.APIException):
    """A DomainError in DRF's terms: its kind's status and code, its message as the detail."""

    def __init__(self, error: DomainError):
        super().__init__(error.message, code=error.code)
        self.status_code = error.http_status


def _translate(exc: Exception) -> Exception:
    """Domain and Django exceptions as the DRF exception with the right status."""
    if isinstance(exc, DomainError):
        return DomainRefusal(exc)
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge.over_limit()
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) if exc.args else None)
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def _first_message(errors) -> str:
    """The first human message in a nested DRF error structure, prefixed by its field."""
    if isinstance(errors, dict):
        for field, value in errors.items():
            message = _first_message(value)
            if field in ("non_field_errors", "detail"):
                return message
            return f"{field}: {message}"
    if isinstance(errors, list) and errors:
        return _first_message(errors[0])
    return str(errors)


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    exc = _translate(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django log it and answer 500
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "status": response.status_code,
            "code": "invalid",
            "detail": _first_message(exc.detail),
            "errors": exc.detail if isinstance(exc.detail, dict) else {"detail": exc.detail},
        }
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        body = {
            "status": response.status_code,
            "code": getattr(detail, "code", None) or getattr(exc, "default_code", "error"),
            "detail": str(detail),
        }
    response.data = body
    return response
