"""Staff views of a capture: its extracted text (escaped), its WARC file and its signed evidence
package (as downloads); and the public key that signs the packages, for anyone.

Archived HTML is never served from our origin: it could run scripts with the admin's session.
The text view renders plain text through the template engine's escaping under a CSP that allows
nothing; the WARC goes out as an attachment with nosniff. Both are wired in SnapshotAdmin.get_urls,
so they sit behind the admin login, and they also require the view_snapshot permission.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from apps.sources import capturekeys
from apps.sources.downloads import (
    PLAIN_PAGE,
    locked_down,
    package_download,
    render_file_download,
    warc_download,
)
from apps.sources.evidence_package import PackageUnavailable
from apps.sources.models import Snapshot


def _snapshot(request, pk: int) -> Snapshot:
    if not request.user.has_perm("sources.view_snapshot"):
        raise PermissionDenied
    return get_object_or_404(Snapshot.objects.select_related("source"), pk=pk)


def _excerpt_span(request, text: str) -> tuple[int, int] | None:
    """The ?start=&end= offsets of an excerpt to mark, if they are a valid span of text."""
    try:
        start, end = int(request.GET["start"]), int(request.GET["end"])
    except (KeyError, ValueError):
        return None
    return (start, end) if 0 <= start < end <= len(text) else None


def snapshot_text(request, pk: int):
    """The text; with ?start=&end= (deep links to an excerpt) that span is marked and the page
    opens at it (#excerpt), with no script: the page's CSP allows none."""
    snapshot = _snapshot(request, pk)
    span = _excerpt_span(request, snapshot.text)
    parts = None
    if span:
        start, end = span
        text = snapshot.text
        parts = (text[:start], text[start:end], text[end:])
    context = {
        "parts": parts,
        **admin.site.each_context(request),
        "title": f"Archived text: {snapshot.source}",
        "snapshot": snapshot,
        "opts": Snapshot._meta,
    }
    response = TemplateResponse(request, "sources/snapshot_text.html", context)
    return locked_down(response, PLAIN_PAGE)


def snapshot_warc(request, pk: int):
    return warc_download(_snapshot(request, pk))


def snapshot_render_file(request, pk: int, kind: str):
    """The rendered capture's screenshot, thumbnail or PDF (staff only, never from MEDIA_URL)."""
    return render_file_download(_snapshot(request, pk), kind)


def snapshot_wacz(request, pk: int):
    """The signed evidence package; 409 with the reason when the capture has none."""
    snapshot = _snapshot(request, pk)
    try:
        return package_download(snapshot)
    except PackageUnavailable as exc:
        return _plain(exc.message, status=409)
    except capturekeys.CaptureKeyError as exc:
        return _plain(exc.message, status=503)


def capture_public_key(request):
    """The public key that signs evidence packages (public on purpose: anyone may verify)."""
    try:
        pem = capturekeys.public_key_pem()
    except capturekeys.CaptureKeyError as exc:
        return _plain(exc.message, status=503)
    return locked_down(HttpResponse(pem, content_type="application/x-pem-file"))


def _plain(message: str, *, status: int) -> HttpResponse:
    return locked_down(HttpResponse(message, status=status, content_type="text/plain"))
