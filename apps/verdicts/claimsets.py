"""The public shape of an article's verified claim set, and its frozen numbered versions."""

from django.db import transaction
from django.db.models import Max

from apps.articles.models import Article
from apps.verdicts.models import ClaimSetVersion
from apps.verdicts.selectors import claims_published


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def verdict_payload(verdict) -> dict:
    rating = verdict.rating
    return {
        "state": verdict.state,
        "rating": {
            "label": rating.label,
            "rating_value": rating.rating_value,
            "best_rating": rating.best_rating,
            "worst_rating": rating.worst_rating,
            "alternate_name": rating.alternate_name,
            "colour": rating.colour,
        },
        "summary": verdict.summary,
        "published_at": _iso(verdict.published_at),
        "corrected_at": _iso(verdict.corrected_at),
        "retracted_at": _iso(verdict.retracted_at),
        "correction_note": verdict.correction_note,
    }


def citation_payload(citation) -> dict:
    snapshot = citation.snapshot
    archived = snapshot is not None and snapshot.state == "archived"
    return {
        "url": citation.source.url,
        "title": citation.source.title,
        "stance": citation.stance,
        "excerpt": citation.excerpt,
        "snapshot": {
            "sha256": snapshot.sha256,
            "archived_at": _iso(snapshot.fetched_at),
            "warc": f"/api/v1/snapshots/{snapshot.pk}/warc/",
        }
        if archived
        else None,
    }


def claim_payload(claim) -> dict:
    """One claim as the public sees it; expects claims from selectors.claims_published."""
    return {
        "id": claim.pk,
        "text": claim.text,
        "start": claim.start,
        "end": claim.end,
        "kind": claim.kind,
        "verdict": verdict_payload(claim.public_verdicts[0]),
        "citations": [citation_payload(c) for c in claim.public_citations],
    }


def claim_set_payload(article: Article) -> dict:
    return {
        "article": {
            "id": article.pk,
            "title": article.title,
            "canonical_url": article.canonical_url,
            "language": article.language,
            "content_sha256": article.content_sha256,
        },
        "claims": [claim_payload(c) for c in claims_published(article_id=article.pk)],
    }


def claim_set_freeze(*, article: Article, by=None, reason: str = "") -> ClaimSetVersion:
    """Store the article's current verified set as the next numbered version."""
    with transaction.atomic():
        Article.objects.select_for_update().filter(pk=article.pk).first()
        last = article.claim_set_versions.aggregate(n=Max("number"))["n"] or 0
        return ClaimSetVersion.objects.create(
            article=article,
            number=last + 1,
            created_by=by,
            reason=reason[:200],
            payload=claim_set_payload(article),
        )
