"""Reports as one self-contained HTML page: inline CSS and inline SVG, no script, no external
asset, laid out for the screen and for print (@page), so the PDF is this page run through
WeasyPrint. Each claim carries the anchor `claim-<id>` that ClaimReview URLs point at."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string

from apps.reports.chart import ink_for, rating_chart_svg
from apps.reports.documents import ArticleReport, Report
from apps.reports.selectors import ReportRow, thumbnails_attach
from apps.verdicts.models import Rating

UNRATED_COLOUR = "#bdbdbd"


@dataclass(frozen=True)
class ClaimView:
    number: int
    row: ReportRow
    rating: Rating | None

    @property
    def colour(self) -> str:
        return self.rating.colour if self.rating else UNRATED_COLOUR

    @property
    def ink(self) -> str:
        return ink_for(self.colour)

    @property
    def label(self) -> str:
        return self.rating.label if self.rating else "Unrated"


def _article_context(report: Report, part: ArticleReport) -> dict:
    return {
        "part": part,
        "article": part.article,
        "chart": rating_chart_svg(part.summary),
        "claims": [
            ClaimView(number, row, report.scale.get(row.rating_id))
            for number, row in enumerate(part.rows, 1)
        ],
    }


def html_string(report: Report) -> str:
    thumbnails_attach(row for part in report.articles for row in part.rows)
    articles = [_article_context(report, part) for part in report.articles]
    return render_to_string(
        "reports/report.html",
        {
            "report": report,
            "articles": articles,
            "overview_chart": rating_chart_svg(report.summary) if len(articles) > 1 else None,
        },
    )
