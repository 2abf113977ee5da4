"""Reading a web page's title and main text, for importing it as an article.

Read-only: nothing is archived and no row is written. The page is fetched through the guarded
fetcher (apps.sources.fetch: address policy, size and time limits) under the same per-host slot as
archiving, so an import is as polite and as safe as a capture. Callers get a `Page` or a
FetchError whose message says why, in words for the person who typed the URL.
"""

from dataclasses import dataclass

from django.conf import settings

from apps.sources.extract import split_content_type, text_extract
from apps.sources.fetch import (
    FetchError,
    Resolver,
    TransientFetchError,
    UnsupportedContentError,
    fetch_url,
    host_of,
)
from apps.sources.hostlimit import HostBusy, host_slot
from apps.sources.normalize import BadURL, url_normalise

__all__ = ["FetchError", "Page", "Resolver", "page_read"]

READABLE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


@dataclass(frozen=True)
class Page:
    url: str  # what was asked for, normalised
    final_url: str  # where the redirects ended
    title: str
    text: str
    content_type: str


def page_read(*, url: str, resolver: Resolver | None = None) -> Page:
    """The page at `url` as title and main text; FetchError (or a subclass) if it cannot be read."""
    try:
        normal = url_normalise(url)
    except BadURL as exc:
        raise FetchError(exc.message) from None
    try:
        with (
            host_slot(host_of(normal)),
            fetch_url(
                normal, resolver=resolver, keep_head=settings.ARCHIVE_EXTRACT_MAX_BYTES
            ) as result,
        ):
            mime_type, charset = split_content_type(result.content_type)
            extracted = text_extract(
                payload=result.head, mime_type=mime_type, charset=charset, url=result.final_url
            )
    except HostBusy as exc:
        raise TransientFetchError(exc.reason) from None
    if not extracted.text:
        if mime_type and mime_type not in READABLE_TYPES:
            raise UnsupportedContentError(f"not a web page or plain text ({mime_type})")
        raise UnsupportedContentError("no readable text found on the page")
    return Page(
        url=normal,
        final_url=result.final_url,
        title=extracted.title,
        text=extracted.text,
        content_type=result.content_type,
    )
