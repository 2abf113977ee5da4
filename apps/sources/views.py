"""Staff views of a capture: its extracted text (escaped) and its WARC file (as a download).

Archived HTML is never served from our origin: it could run scripts with the admin's session.
The text view renders plain text through the template engine's escaping under a CSP that allows
nothing; the WARC goes out as an attachment with nosniff. Both are wired in SnapshotAdmin.get_urls,
so they sit behind the admin login, and they also require the view_snapshot permission.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from apps.sources.models import Snapshot
from apps.sources.warc import warc_path

LOCKED_DOWN = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _snapshot(request, pk: int) -> Snapshot:
    if not request.user.has_perm("sources.view_snapshot"):
        raise PermissionDenied
    return get_object_or_404(Snapshot.objects.select_related("source"), pk=pk)


def snapshot_text(request, pk: int):
    snapshot = _snapshot(request, pk)
    context = {
        **admin.site.each_context(request),
        "title": f"Archived text: {snapshot.source}",
        "snapshot": snapshot,
        "opts": Snapshot._meta,
    }
    response = TemplateResponse(request, "sources/snapshot_text.html", context)
    for header, value in LOCKED_DOWN.items():
        response[header] = value
    return response


def snapshot_warc(request, pk: int):
    snapshot = _snapshot(request, pk)
    if not snapshot.warc or not warc_path(snapshot.warc.name).exists():
        raise Http404("This snapshot has no WARC file.")
    response = FileResponse(
        warc_path(snapshot.warc.name).open("rb"),
        as_attachment=True,
        filename=f"snapshot-{snapshot.pk}.warc.gz",
        content_type="application/warc",
    )
    response["Content-Encoding"] = "identity"
    for header, value in LOCKED_DOWN.items():
        response[header] = value
    return response
