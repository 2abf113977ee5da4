"""The project's URLs plus /bench/raw/<id>/: the same claim set as /api/v1/articles/<id>/, built
from .values() rows and returned with JsonResponse. The baseline the API is measured against."""

from django.http import JsonResponse
from django.urls import path

from apps.sources.models import Citation
from apps.verdicts.selectors import verdicts_public
from factcheck.urls import urlpatterns as project_urlpatterns


def claim_set_raw(request, article_id: int) -> JsonResponse:
    verdicts = (
        verdicts_public()
        .filter(claim__article_id=article_id)
        .order_by("claim__start", "-published_at")
        .values(
            "claim_id",
            "claim__text",
            "claim__start",
            "claim__end",
            "claim__kind",
            "state",
            "rating__label",
            "rating__rating_value",
            "summary",
            "published_at",
            "corrected_at",
            "retracted_at",
            "correction_note",
        )
    )
    claims: dict[int, dict] = {}
    for v in verdicts:
        if v["claim_id"] in claims:
            continue
        claims[v["claim_id"]] = {
            "id": v["claim_id"],
            "text": v["claim__text"],
            "start": v["claim__start"],
            "end": v["claim__end"],
            "kind": v["claim__kind"],
            "verdict": {
                "state": v["state"],
                "rating": {"label": v["rating__label"], "rating_value": v["rating__rating_value"]},
                "summary": v["summary"],
                "published_at": v["published_at"],
                "corrected_at": v["corrected_at"],
                "retracted_at": v["retracted_at"],
                "correction_note": v["correction_note"],
            },
            "citations": [],
        }
    citations = Citation.objects.filter(claim_id__in=claims).values(
        "claim_id",
        "source__url",
        "source__title",
        "stance",
        "excerpt",
        "snapshot_id",
        "snapshot__sha256",
        "snapshot__fetched_at",
    )
    for c in citations:
        claims[c["claim_id"]]["citations"].append(
            {
                "url": c["source__url"],
                "title": c["source__title"],
                "stance": c["stance"],
                "excerpt": c["excerpt"],
                "snapshot": {
                    "sha256": c["snapshot__sha256"],
                    "archived_at": c["snapshot__fetched_at"],
                    "warc": f"/api/v1/snapshots/{c['snapshot_id']}/warc/",
                },
            }
        )
    return JsonResponse({"article": {"id": article_id}, "claims": list(claims.values())})


urlpatterns = [path("bench/raw/<int:article_id>/", claim_set_raw), *project_urlpatterns]
