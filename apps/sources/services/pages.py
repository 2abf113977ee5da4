"""Fetching a page's title and text for importing it as an article (read-only: no rows)."""

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


@dataclass(frozen=True)
class FetchedPage:
    url: str
    final_url: str
    title: str
    text: str
    content_type: str


def url_fetch_text(*, url: str, resolver: Resolver | None = None) -> FetchedPage:
    """Fetch a web page through the safe fetcher and return its title and main text (for
    importing an article). Raises FetchError (or a subclass) with a human-readable reason."""
    try:
        normal = url_normalise(url)
    except BadURL as exc:
        raise FetchError(str(exc)) from None
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
        if mime_type and mime_type not in ("text/html", "application/xhtml+xml", "text/plain"):
            raise UnsupportedContentError(f"not a web page or plain text ({mime_type})")
        raise UnsupportedContentError("no readable text found on the page")
    return FetchedPage(
        url=normal,
        final_url=result.final_url,
        title=extracted.title,
        text=extracted.text,
        content_type=result.content_type,
    )
