"""Writes to articles: importing a text or a web page (with its claims) in one transaction.

Every door that imports (the admin's import page, the `import_article` command, the API) calls
`article_import` for text it already has or `article_import_url` for a page to fetch, so they
store the same canonical URL and refuse with the same words.
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.articles.exceptions import ArticleImportError
from apps.articles.models import Article
from apps.articles.textinput import TextInputError, text_check
from apps.claims.extraction import extract
from apps.claims.services import claims_create
from apps.sources.normalize import BadURL, url_normalise
from apps.sources.pages import FetchError, Resolver, page_read

TITLE_MAX = Article._meta.get_field("title").max_length
URL_MAX = Article._meta.get_field("canonical_url").max_length


def content_sha256(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def title_from_body(body: str) -> str:
    """The first non-empty line, without a Markdown heading marker, cut to fit the title field."""
    for line in body.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line if len(line) <= TITLE_MAX else line[: TITLE_MAX - 1].rstrip() + "…"
    return "Untitled article"


def article_import(
    *,
    body: str,
    title: str = "",
    origin: str = Article.Origin.TEXT,
    canonical_url: str = "",
    by=None,
) -> tuple[Article, bool]:
    """Import an article and its extracted claims; (article, created).

    The body is stored exactly as given, because claim offsets index into it. Content already
    imported (same sha256 of the UTF-8 body) is not imported again: the existing article is
    returned with created=False.
    """
    try:
        text_check(body, name="the article text")
    except TextInputError as exc:
        raise ArticleImportError(_sentence(str(exc))) from None
    if origin not in Article.Origin.values:
        raise ArticleImportError(f"Unknown origin {origin!r}.")
    canonical_url = canonical_url_check(canonical_url)

    digest = content_sha256(body)
    existing = Article.objects.filter(content_sha256=digest).first()
    if existing is not None:
        return existing, False

    title = " ".join((title or "").split())
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "…"
    extraction = extract(body)  # CPU work, done before any row is written
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=title or title_from_body(body),
                body=body,
                canonical_url=canonical_url,
                origin=origin,
                content_sha256=digest,
                imported_by=by,
                extracted_at=timezone.now(),
            )
            claims_create(article=article, extraction=extraction, by=by)
    except IntegrityError:
        # Imported concurrently by someone else: theirs wins.
        existing = Article.objects.filter(content_sha256=digest).first()
        if existing is None:
            raise
        return existing, False
    return article, True


def canonical_url_check(url: str) -> str:
    """The one rule for an article's canonical URL: empty, or an http(s) URL in the normalised
    form sources are cited by (tracking parameters and fragment dropped), so the same page
    imported through any door carries the same address."""
    url = (url or "").strip()
    if not url:
        return ""
    try:
        normal = url_normalise(url)
    except BadURL as exc:
        raise ArticleImportError(
            f"The canonical URL {url[:200]!r} is not usable: {exc.message}"
        ) from None
    if len(normal) > URL_MAX:
        raise ArticleImportError(f"The URL is longer than {URL_MAX} characters.")
    return normal


def article_import_url(
    *, url: str, title: str = "", canonical_url: str = "", by=None, resolver: Resolver | None = None
) -> tuple[Article, bool]:
    """Fetch a web page through the guarded fetcher and import its main text; (article, created).

    The title defaults to the page's; the canonical URL to where the page's redirects ended. A
    page that cannot be fetched or read is an ArticleImportError naming the URL and the reason.
    """
    try:
        page = page_read(url=url, resolver=resolver)
    except FetchError as exc:
        raise ArticleImportError(f"Could not fetch {url[:200]}: {exc.message}") from None
    return article_import(
        body=page.text,
        title=title or page.title,
        origin=Article.Origin.URL,
        canonical_url=canonical_url or page.final_url,
        by=by,
    )


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
