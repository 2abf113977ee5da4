"""The WARC file of an archived copy that a public claim set cites, so anyone can check the
evidence. Served as an attachment with nosniff: archived pages are never rendered from our
origin."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from apps.api.views.base import ApiMixin
from apps.sources.warc import warc_path
from apps.verdicts.selectors import snapshots_published

LOCKED_DOWN = {
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class SnapshotWarcView(ApiMixin, APIView):
    filter_backends = []
    pagination_class = None

    def perform_content_negotiation(self, request, force=False):
        """Whatever the client accepts, errors are JSON; the file is not rendered at all."""
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="snapshots_warc",
        responses={
            (200, "application/warc"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The WARC file (gzip records)."
            )
        },
    )
    def get(self, request, pk: int):
        snapshot = get_object_or_404(snapshots_published().only("pk", "warc"), pk=pk)
        path = warc_path(snapshot.warc.name)
        if not path.exists():
            raise Http404("The WARC file of this snapshot is missing.")
        response = FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=f"snapshot-{snapshot.pk}.warc.gz",
            content_type="application/warc",
        )
        response["Content-Encoding"] = "identity"
        for header, value in LOCKED_DOWN.items():
            response[header] = value
        return response
