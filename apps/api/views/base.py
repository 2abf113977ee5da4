"""What every API view shares: JSON in and out (with the body size limit), cursor pages, strict
filters, and conditional GET for the claim sets."""

from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, set_response_etag
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.renderers import JSONRenderer

from apps.api.filters import StrictOrderingFilter
from apps.api.pagination import Cursor
from apps.api.parsers import LimitedJSONParser


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class ApiMixin:
    renderer_classes = [JSONRenderer]
    parser_classes = [LimitedJSONParser]
    pagination_class = Cursor
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]

    def initial(self, request, *args, **kwargs):
        """An unsupported method is a 405 for everyone, before authentication is asked for."""
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


class ConditionalGetMixin:
    """An ETag on every successful GET, and 304 Not Modified when the client already has it.
    The ETag is the hash of the rendered body, so it changes exactly when the content does."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.render()
            set_response_etag(response)
            response = get_conditional_response(request, etag=response["ETag"], response=response)
        return response


def not_found(request, path: str = "") -> JsonResponse:
    """JSON 404 for any path under /api/v1/ that names no endpoint, with a hint when only the
    trailing slash is missing."""
    detail = f"There is no API endpoint at {request.path}."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            detail += f" Did you mean {request.path}/ ?"
    return JsonResponse({"status": 404, "code": "not_found", "detail": detail}, status=404)
