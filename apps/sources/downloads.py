"""Responses that hand archived material to a browser without letting it render on our origin:
archived HTML could run scripts with a staff member's session."""

from django.http import FileResponse, Http404, HttpResponse

from apps.sources.evidence_package import package_path
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


def package_download(snapshot: Snapshot) -> FileResponse:
    """The snapshot's signed WACZ as an attachment. Raises PackageUnavailable (a Conflict) when
    there is nothing to package (a failed capture, a missing WARC): the API maps it to 409."""
    path = package_path(snapshot=snapshot)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"snapshot-{snapshot.pk}.wacz",
        content_type="application/wacz",
    )
    return locked_down(response)
