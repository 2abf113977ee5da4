"""Reports as PDF: the HTML report run through WeasyPrint, so both always say the same thing.

WeasyPrint needs Debian's pango (see SYSTEM_PACKAGES in the Makefile); it is imported here, on
first use, so the rest of the workbench runs on a machine without it. The HTML is
self-contained, and WeasyPrint is given a URL fetcher that refuses everything, so an odd value in
a report can never make the server fetch a URL or read a local file.
"""

import logging

from factcheck.errors import Unavailable

# WeasyPrint logs each layout step at INFO; a report is not news. Its warnings still show.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class PdfUnavailableError(Unavailable):
    """WeasyPrint or its system libraries are missing; the message says what to install."""


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"reports do not load external resources ({url})")


def _inline(url: str) -> bool:
    """data: URIs (the sources' screenshots) carry their bytes in the report: nothing is fetched."""
    return url[:5].lower() == "data:"


def _refusing_fetcher(weasyprint):
    """Newer WeasyPrint takes a URLFetcher object, older versions a plain function. Both read
    data: URIs (decoded in memory by urllib's data handler) and refuse everything else."""
    base = getattr(weasyprint, "URLFetcher", None)
    if base is None:

        def fetch_function(url: str, *args, **kwargs):
            if _inline(url):
                return weasyprint.default_url_fetcher(url, *args, **kwargs)
            return _refuse_fetch(url)

        return fetch_function

    class RefusingFetcher(base):
        def fetch(self, url, headers=None):
            if _inline(url):
                return super().fetch(url, headers)
            return _refuse_fetch(url)

    return RefusingFetcher(allowed_protocols=("data",))


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise PdfUnavailableError(
            "PDF reports need WeasyPrint and the pango libraries "
            "(run `make system-deps`, or apt-get install libpango-1.0-0 libpangoft2-1.0-0): "
            f"{exc}"
        ) from exc
    return weasyprint


def pdf_bytes(html: str) -> bytes:
    weasyprint = _weasyprint()
    return weasyprint.HTML(string=html, url_fetcher=_refusing_fetcher(weasyprint)).write_pdf()
