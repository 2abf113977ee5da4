"""The WARC file of an archived copy that a public claim set cites, so anyone can check the
evidence; and, for staff, any snapshot's signed evidence package (WACZ). Served as attachments
with nosniff: archived pages are never rendered from our origin."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from apps.api.permissions import role_required
from apps.api.views.base import ApiMixin
from apps.sources.downloads import package_download, warc_download
from apps.sources.models import Snapshot
from apps.verdicts.selectors import snapshots_published


class _FileView(ApiMixin, APIView):
    filter_backends = []
    pagination_class = None

    def perform_content_negotiation(self, request, force=False):
        """Whatever the client accepts, errors are JSON; the file is not rendered at all."""
        return super().perform_content_negotiation(request, force=True)


class SnapshotWarcView(_FileView):
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
        return warc_download(snapshot)


class SnapshotWaczView(_FileView):
    """Staff only: a draft's evidence is not public. 409 when the capture has nothing to package."""

    permission_classes = [role_required(read="sources.view_snapshot")]

    @extend_schema(
        operation_id="snapshots_wacz",
        responses={
            (200, "application/wacz"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The signed evidence package (WACZ)."
            )
        },
    )
    def get(self, request, pk: int):
        snapshot = get_object_or_404(Snapshot.objects.select_related("source"), pk=pk)
        return package_download(snapshot)
