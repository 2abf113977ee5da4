"""The one place reports are made. Every door (the API, the admin's export page, the
`export_report` command, the benchmark) calls `report_render` and only shapes its bytes.

A report covers one or more articles: their metadata, a summary of verdicts by rating, and one
row per checked claim (see apps.reports.selectors for which verdicts appear). Published verdicts
only, unless `include_drafts`; deciding who may ask for drafts is the door's job.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone

from apps.articles.models import Article
from apps.reports.claimreview_export import claimreview_bytes
from apps.reports.csv_export import csv_chunks
from apps.reports.documents import ArticleReport, Report, rating_summary
from apps.reports.html import html_string
from apps.reports.json_export import json_bytes
from apps.reports.pdf import pdf_bytes
from apps.reports.selectors import report_article_ids, report_rows, report_verdicts
from apps.verdicts.models import Rating, Verdict
from factcheck.errors import BadInput, NotFound


class ReportError(BadInput):
    """The report cannot be made as asked (an unknown format, no article given); for the user."""


class ReportArticleMissing(NotFound, ReportError):
    """An article the report was asked for does not exist."""


@dataclass(frozen=True)
class ReportFormat:
    name: str
    extension: str
    content_type: str
    binary: bool = False


FORMATS = {
    f.name: f
    for f in (
        ReportFormat("csv", "csv", "text/csv; charset=utf-8"),
        ReportFormat("json", "json", "application/json"),
        ReportFormat("claimreview", "jsonld", "application/ld+json"),
        ReportFormat("html", "html", "text/html; charset=utf-8"),
        ReportFormat("pdf", "pdf", "application/pdf", binary=True),
    )
}


def report_format(name: str) -> ReportFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise ReportError(
            f"Unknown report format {name!r}; choose one of {', '.join(FORMATS)}."
        ) from None


def _require_known(ids: list[int], found) -> None:
    unknown = [str(pk) for pk in ids if pk not in found]
    if unknown:
        raise ReportArticleMissing(f"No article with id {', '.join(unknown)}.")


def _articles(article_ids: Iterable[int]) -> dict[int, Article]:
    ids = list(dict.fromkeys(article_ids))
    articles = Article.objects.in_bulk(ids)
    _require_known(ids, articles)
    return {pk: articles[pk] for pk in ids}


def _article_ids_known(article_ids: Iterable[int]) -> list[int]:
    ids = list(dict.fromkeys(article_ids))
    _require_known(ids, set(Article.objects.filter(pk__in=ids).values_list("pk", flat=True)))
    return ids


def report_build(
    *,
    article_ids: Iterable[int],
    include_drafts: bool = False,
    on_article_done: Callable[[int], None] | None = None,
) -> Report:
    """The whole report in memory, for the formats that are laid out as one document."""
    articles = _articles(article_ids)
    scale = {r.pk: r for r in Rating.objects.order_by("order")}
    parts = {pk: ArticleReport(article=article) for pk, article in articles.items()}
    for row in report_rows(
        article_ids=articles,
        include_drafts=include_drafts,
        on_article_done=on_article_done,
        scale=scale,
    ):
        parts[row.article_id].rows.append(row)
    for part in parts.values():
        counts: Counter = Counter()
        for row in part.rows:
            if row.state == Verdict.State.RETRACTED:
                part.retracted += 1
            else:
                counts[row.rating_id] += 1
            part.drafts += row.draft
        part.summary = rating_summary(counts, scale)
    # Articles are listed in the order given, rows within each in the order of the text.
    return Report(
        articles=list(parts.values()),
        scale=scale,
        include_drafts=include_drafts,
        generated_at=timezone.now(),
    )


def report_render(
    *,
    fmt: str,
    article_ids: Iterable[int] | None,
    include_drafts: bool = False,
    bom: bool = False,
    on_article_done: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """The report in format `fmt`, as chunks of bytes. CSV is streamed row by row (pass
    `article_ids=None` for every article); the other formats are built whole and come as one
    chunk. Raises ReportError before the first chunk for an unknown format or article."""
    report_format(fmt)
    if fmt in ("csv", "claimreview") and article_ids is not None:
        article_ids = _article_ids_known(article_ids)
    if fmt == "csv":
        rows = report_rows(
            article_ids=article_ids, include_drafts=include_drafts, on_article_done=on_article_done
        )
        return csv_chunks(rows, bom=bom)
    if fmt == "claimreview":
        verdicts = report_verdicts(article_ids=article_ids).select_related(
            "claim__article", "rating"
        )
        return iter([claimreview_bytes(verdicts)])

    if article_ids is None:
        article_ids = report_article_ids(include_drafts=include_drafts)
    report = report_build(
        article_ids=article_ids, include_drafts=include_drafts, on_article_done=on_article_done
    )
    if fmt == "json":
        return iter([json_bytes(report)])
    html = html_string(report)
    if fmt == "html":
        return iter([html.encode("utf-8")])
    return iter([pdf_bytes(html)])
