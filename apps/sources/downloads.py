"""Responses that hand archived material to a browser without letting it render on our origin:
archived HTML could run scripts with a staff member's session."""

from django.http import FileResponse, Http404, HttpResponse

from apps.sources.evidence_package import snapshot_package_path
from apps.sources.models import Snapshot
from apps.sources.warc import media_file

NOTHING_RUNS = {
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
PLAIN_PAGE = {
    **NOTHING_RUNS,
    "Content-Security-Policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self'; sandbox",
}


def locked_down(response: HttpResponse, headers: dict[str, str] = NOTHING_RUNS) -> HttpResponse:
    for header, value in headers.items():
        response[header] = value
    return response


def _file_response(path, *, filename: str, content_type: str, attachment: bool = True):
    response = FileResponse(
        path.open("rb"), as_attachment=attachment, filename=filename, content_type=content_type
    )
    return locked_down(response)


def warc_download(snapshot: Snapshot) -> FileResponse:
    """The snapshot's WARC file as an attachment, byte for byte as stored."""
    path = media_file(snapshot.warc.name if snapshot.warc else None)
    if path is None:
        raise Http404("This snapshot has no WARC file.")
    response = _file_response(
        path, filename=f"snapshot-{snapshot.pk}.warc.gz", content_type="application/warc"
    )
    response["Content-Encoding"] = "identity"
    return response


RENDER_FILES = {
    # kind: (field, content type, as attachment)
    "screenshot": ("screenshot", "image/png", False),
    "thumbnail": ("thumbnail", "image/jpeg", False),
    "pdf": ("pdf", "application/pdf", True),
}


def render_file_download(snapshot: Snapshot, kind: str) -> FileResponse:
    """A rendered capture's picture (shown inline: an image runs nothing) or PDF (as an
    attachment), with the same lock-down headers as the WARC."""
    if kind not in RENDER_FILES:
        raise Http404("No such rendered file.")
    field, content_type, attachment = RENDER_FILES[kind]
    path = media_file(getattr(snapshot, field).name)
    if path is None:
        raise Http404("This snapshot has no rendered file of that kind.")
    return _file_response(
        path,
        filename=f"snapshot-{snapshot.pk}{path.suffix}",
        content_type=content_type,
        attachment=attachment,
    )


def package_download(snapshot: Snapshot) -> FileResponse:
    """The snapshot's signed WACZ as an attachment. Raises PackageUnavailable (a Conflict) when
    there is nothing to package (a failed capture, a missing WARC): the API maps it to 409."""
    path = snapshot_package_path(snapshot)
    return _file_response(
        path, filename=f"snapshot-{snapshot.pk}.wacz", content_type="application/wacz"
    )
