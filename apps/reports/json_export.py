"""Reports as JSON. The shape is a contract with partners' scripts; tests/reports/test_json.py
checks it. Times are ISO 8601 with offset, dates YYYY-MM-DD, absent values null:

    {
      "generated_at": "2026-11-25T15:31:30+00:00",
      "organization": {"name": "...", "url": "https://..."},
      "include_drafts": false,
      "summary": [{"rating": "True", "colour": "#1b7f3b", "count": 3}, ...],   # all articles
      "articles": [
        {
          "id": 1, "title": "...", "canonical_url": "https://..." | "", "author": "...",
          "published_on": "2016-11-04" | null, "language": "en", "content_sha256": "<64 hex>",
          "imported_at": "...", "report_url": "<SITE_URL>/api/v1/articles/1/report.html",
          "claim_count": 2, "retracted_count": 0, "draft_count": 0,
          "summary": [{"rating": "True", "colour": "#1b7f3b", "count": 1}, ...],
              # every step of the scale in order, zeros included; then "Unrated" (colour
              # #bdbdbd) when drafts have no rating yet; retracted verdicts are not counted
          "claims": [
            {
              "id": 7, "url": "<report_url>#claim-7", "text": "...",
              "start": 120, "end": 180, "paragraph": 2, "kind": "statistic",
              "status": "published" | "corrected" | "retracted" | "DRAFT",
              "draft": false,
              "verdict": {
                "id": 3, "state": "published",      # any Verdict.State with include_drafts
                "rating": {"label": "True", "colour": "#1b7f3b", "rating_value": 5,
                           "best_rating": 5, "worst_rating": 1, "alternate_name": "True"}
                          | null,                   # null only for an unrated draft
                "summary": "...", "correction_note": "...",
                "author": "public name (default: Fact-check desk)", "approver": "..." | "",
                "created_at": "...", "submitted_at": ..., "approved_at": ...,
                "published_at": ..., "corrected_at": ..., "retracted_at": ...
              },
              "sources": [
                {"url": "https://...", "title": "...", "publisher": "...",
                 "stance": "supports" | "refutes" | "context", "excerpt": "...",
                 "snapshot": {"sha256": "<64 hex>", "archived_at": "..."} | null}
              ]
            }
          ]
        }
      ]
    }
"""

from __future__ import annotations

import json
from datetime import date, datetime

from django.conf import settings

from apps.reports.documents import ArticleReport, RatingCount, Report
from apps.reports.selectors import ReportRow


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def article_report_url(article_id: int) -> str:
    return f"{settings.SITE_URL}/api/v1/articles/{article_id}/report.html"


def _summary(summary: list[RatingCount]) -> list[dict]:
    return [{"rating": c.label, "colour": c.colour, "count": c.count} for c in summary]


def _rating(report: Report, rating_id: int | None) -> dict | None:
    if rating_id is None:
        return None
    r = report.scale[rating_id]
    return {
        "label": r.label,
        "colour": r.colour,
        "rating_value": r.rating_value,
        "best_rating": r.best_rating,
        "worst_rating": r.worst_rating,
        "alternate_name": r.alternate_name,
    }


def _claim(report: Report, row: ReportRow, report_url: str) -> dict:
    return {
        "id": row.claim_id,
        "url": f"{report_url}#claim-{row.claim_id}",
        "text": row.text,
        "start": row.start,
        "end": row.end,
        "paragraph": row.paragraph,
        "kind": row.kind,
        "status": row.status,
        "draft": row.draft,
        "verdict": {
            "id": row.verdict_id,
            "state": row.state,
            "rating": _rating(report, row.rating_id),
            "summary": row.summary,
            "correction_note": row.correction_note,
            "author": row.author,
            "approver": row.approver,
            "created_at": _iso(row.created_at),
            "submitted_at": _iso(row.submitted_at),
            "approved_at": _iso(row.approved_at),
            "published_at": _iso(row.published_at),
            "corrected_at": _iso(row.corrected_at),
            "retracted_at": _iso(row.retracted_at),
        },
        "sources": [
            {
                "url": s.url,
                "title": s.title,
                "publisher": s.publisher,
                "stance": s.stance,
                "excerpt": s.excerpt,
                "snapshot": {"sha256": s.snapshot_sha256, "archived_at": _iso(s.snapshot_at)}
                if s.snapshot_sha256
                else None,
            }
            for s in row.sources
        ],
    }


def _article(report: Report, part: ArticleReport) -> dict:
    article = part.article
    report_url = article_report_url(article.pk)
    return {
        "id": article.pk,
        "title": article.title,
        "canonical_url": article.canonical_url,
        "author": article.author,
        "published_on": _iso(article.published_on),
        "language": article.language,
        "content_sha256": article.content_sha256,
        "imported_at": _iso(article.imported_at),
        "report_url": report_url,
        "claim_count": len(part.rows),
        "retracted_count": part.retracted,
        "draft_count": part.drafts,
        "summary": _summary(part.summary),
        "claims": [_claim(report, row, report_url) for row in part.rows],
    }


def report_dict(report: Report) -> dict:
    return {
        "generated_at": _iso(report.generated_at),
        "organization": {"name": report.organization_name, "url": report.organization_url},
        "include_drafts": report.include_drafts,
        "summary": _summary(report.summary),
        "articles": [_article(report, part) for part in report.articles],
    }


def json_bytes(report: Report) -> bytes:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2).encode("utf-8")
