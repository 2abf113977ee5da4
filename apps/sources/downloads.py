"""Responses that hand archived material to a browser without letting it render on our origin:
archived HTML could run scripts with a staff member's session."""

from django.http import FileResponse, Http404, HttpResponse

from apps.sources.evidence_package import snapshot_package_path
from apps.sources.models import Snapshot
from apps.sources.warc import WarcPathError, warc_path

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


def warc_download(snapshot: Snapshot) -> FileResponse:
    """The snapshot's WARC file as an attachment, byte for byte as stored."""
    try:
        path = warc_path(snapshot.warc.name) if snapshot.warc else None
    except WarcPathError:
        path = None
    if path is None or not path.is_file():
        raise Http404("This snapshot has no WARC file.")
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"snapshot-{snapshot.pk}.warc.gz",
        content_type="application/warc",
    )
    response["Content-Encoding"] = "identity"
    return locked_down(response)


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
    name = getattr(snapshot, field).name
    try:
        path = warc_path(name) if name else None
    except WarcPathError:
        path = None
    if path is None or not path.is_file():
        raise Http404("This snapshot has no rendered file of that kind.")
    response = FileResponse(
        path.open("rb"),
        as_attachment=attachment,
        filename=f"snapshot-{snapshot.pk}{path.suffix}",
        content_type=content_type,
    )
    return locked_down(response)


def package_download(snapshot: Snapshot) -> FileResponse:
    """The snapshot's signed WACZ as an attachment. Raises PackageUnavailable (a Conflict) when
    there is nothing to package (a failed capture, a missing WARC): the API maps it to 409."""
    path = snapshot_package_path(snapshot)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"snapshot-{snapshot.pk}.wacz",
        content_type="application/wacz",
    )
    return locked_down(response)
