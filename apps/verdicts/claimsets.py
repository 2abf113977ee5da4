"""The public shape of an article's verified claim set, and its frozen numbered versions."""

from django.db import transaction
from django.db.models import Max

from apps.articles.models import Article
from apps.sources.models import Citation
from apps.verdicts.models import ClaimSetVersion, Verdict
from apps.verdicts.selectors import verdicts_public


def _iso(value) -> str | None:
    return value.isoformat() if value else None


VERDICT_COLUMNS = (
    "claim_id",
    "state",
    "summary",
    "published_at",
    "corrected_at",
    "retracted_at",
    "correction_note",
    "rating__label",
    "rating__rating_value",
    "rating__best_rating",
    "rating__worst_rating",
    "rating__alternate_name",
    "rating__colour",
    "published_evidence",
)
CITATION_COLUMNS = (
    "claim_id",
    "stance",
    "excerpt",
    "source__url",
    "source__title",
    "source__publisher",
    "snapshot_id",
    "snapshot__state",
    "snapshot__sha256",
    "snapshot__fetched_at",
)


def public_state(state: str, corrected_at) -> str:
    """The state the public sees: a correction under way is not public until it is published."""
    if state in Verdict.CORRECTION_STATES:
        return Verdict.State.CORRECTED if corrected_at else Verdict.State.PUBLISHED
    return state


def verdict_payload(row: dict) -> dict:
    return {
        "state": public_state(row["state"], row["corrected_at"]),
        "rating": {
            "label": row["rating__label"],
            "rating_value": row["rating__rating_value"],
            "best_rating": row["rating__best_rating"],
            "worst_rating": row["rating__worst_rating"],
            "alternate_name": row["rating__alternate_name"],
            "colour": row["rating__colour"],
        },
        "summary": row["summary"],
        "published_at": _iso(row["published_at"]),
        "corrected_at": _iso(row["corrected_at"]),
        "retracted_at": _iso(row["retracted_at"]),
        "correction_note": row["correction_note"],
    }


def citation_payload(row: dict) -> dict:
    archived = row["snapshot__state"] == "archived"
    return {
        "url": row["source__url"],
        "title": row["source__title"],
        "publisher": row["source__publisher"],
        "stance": row["stance"],
        "excerpt": row["excerpt"],
        "snapshot": {
            "sha256": row["snapshot__sha256"],
            "archived_at": _iso(row["snapshot__fetched_at"]),
            "warc": f"/api/v1/snapshots/{row['snapshot_id']}/warc/",
        }
        if archived
        else None,
    }


def evidence_payload(*, claim_id: int) -> list[dict]:
    """The claim's citations in their public shape: stored with a verdict when it (or its
    correction) is published, so the public keeps seeing the evidence that was approved."""
    rows = Citation.objects.filter(claim_id=claim_id).order_by("created_at", "id")
    return [citation_payload(row) for row in rows.values(*CITATION_COLUMNS)]


CLAIM_COLUMNS = ("claim__article_id", "claim__text", "claim__start", "claim__end", "claim__kind")


def claims_payload(
    *, article_id: int | None = None, claim_ids: list[int] | None = None, with_article: bool = False
) -> list[dict]:
    """Each claim with a public verdict, as the public sees it: the claim, its current public
    verdict (the newest published) and its citations, in article order. Two queries of plain rows
    whatever the number of claims: the verdicts joined with their claims, then the citations of
    those claims by id.

    The verdicts drive the read (no EXISTS over claims, no claims query repeated as a subquery):
    with statistics not yet gathered on freshly loaded rows, PostgreSQL ran that shape as a nested
    loop over every verdict for each claim, a third of the API's throughput."""
    verdicts = verdicts_public()
    if article_id is not None:
        verdicts = verdicts.filter(claim__article_id=article_id)
    if claim_ids is not None:
        verdicts = verdicts.filter(claim_id__in=claim_ids)
    newest: dict[int, dict] = {}
    for row in verdicts.order_by("claim__article_id", "claim__start", "-published_at").values(
        *VERDICT_COLUMNS, *CLAIM_COLUMNS
    ):
        newest.setdefault(row["claim_id"], row)
    if not newest:
        return []
    citations: dict[int, list[dict]] = {}
    for row in (
        Citation.objects.filter(claim_id__in=list(newest))
        .order_by("created_at", "id")
        .values(*CITATION_COLUMNS)
    ):
        citations.setdefault(row["claim_id"], []).append(citation_payload(row))
    payload = []
    for claim_id, verdict in newest.items():
        item = {
            "id": claim_id,
            "text": verdict["claim__text"],
            "start": verdict["claim__start"],
            "end": verdict["claim__end"],
            "kind": verdict["claim__kind"],
            "verdict": verdict_payload(verdict),
            # Verdicts published before evidence was stored with them fall back to the live rows.
            "citations": verdict["published_evidence"] or citations.get(claim_id, []),
        }
        if with_article:
            item["article"] = verdict["claim__article_id"]
        payload.append(item)
    return payload


def claim_set_payload(article: Article) -> dict:
    return {
        "article": {
            "id": article.pk,
            "title": article.title,
            "canonical_url": article.canonical_url,
            "language": article.language,
            "content_sha256": article.content_sha256,
        },
        "claims": claims_payload(article_id=article.pk),
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
