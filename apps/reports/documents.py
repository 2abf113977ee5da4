"""The report as a document: what every renderer (HTML, PDF, JSON) lays out.

Plain data, built by apps.reports.services.report_build; the renderers import these types from
here and nothing from the services, so imports run one way: services → renderers → documents.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings

from apps.articles.models import Article
from apps.reports.selectors import ReportRow
from apps.verdicts.models import Rating


@dataclass(frozen=True)
class RatingCount:
    rating: Rating | None  # None: drafts not rated yet
    count: int

    @property
    def label(self) -> str:
        return self.rating.label if self.rating else "Unrated"

    @property
    def colour(self) -> str:
        return self.rating.colour if self.rating else "#bdbdbd"


@dataclass
class ArticleReport:
    article: Article
    rows: list[ReportRow] = field(default_factory=list)
    summary: list[RatingCount] = field(default_factory=list)
    retracted: int = 0
    drafts: int = 0


@dataclass
class Report:
    articles: list[ArticleReport]
    scale: dict[int, Rating]
    include_drafts: bool
    generated_at: datetime
    organization_name: str = field(default_factory=lambda: settings.ORGANIZATION_NAME)
    organization_url: str = field(default_factory=lambda: settings.ORGANIZATION_URL)

    @property
    def summary(self) -> list[RatingCount]:
        """Counts by rating over every article in the report."""
        totals: Counter = Counter()
        for part in self.articles:
            totals.update({c.rating.pk if c.rating else None: c.count for c in part.summary})
        return rating_summary(totals, self.scale)

    @property
    def claim_count(self) -> int:
        return sum(len(part.rows) for part in self.articles)


def rating_summary(counts: Counter, scale: dict[int, Rating]) -> list[RatingCount]:
    """Every step of the scale in order (zeros too, so reports compare), then unrated drafts."""
    summary = [RatingCount(rating, counts.get(pk, 0)) for pk, rating in scale.items()]
    if counts.get(None):
        summary.append(RatingCount(None, counts[None]))
    return summary
