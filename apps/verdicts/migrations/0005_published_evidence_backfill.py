"""Verdicts published before the evidence was stored with them keep the citations they have now
as their published evidence, so a later citation change cannot reach the public unreviewed."""

from django.db import migrations

PUBLIC_STATES = ["published", "corrected", "correction_drafted", "correction_approved", "retracted"]
COLUMNS = (
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


def _payload(row: dict) -> dict:
    # The public citation shape of apps.verdicts.claimsets.citation_payload, frozen here.
    archived = row["snapshot__state"] == "archived"
    fetched = row["snapshot__fetched_at"]
    return {
        "url": row["source__url"],
        "title": row["source__title"],
        "publisher": row["source__publisher"],
        "stance": row["stance"],
        "excerpt": row["excerpt"],
        "snapshot": {
            "sha256": row["snapshot__sha256"],
            "archived_at": fetched.isoformat() if fetched else None,
            "warc": f"/api/v1/snapshots/{row['snapshot_id']}/warc/",
        }
        if archived
        else None,
    }


def backfill(apps, schema_editor):
    Verdict = apps.get_model("verdicts", "Verdict")
    Citation = apps.get_model("sources", "Citation")
    for verdict in Verdict.objects.filter(state__in=PUBLIC_STATES, published_evidence=[]):
        rows = Citation.objects.filter(claim_id=verdict.claim_id).order_by("created_at", "id")
        verdict.published_evidence = [_payload(row) for row in rows.values(*COLUMNS)]
        verdict.save(update_fields=["published_evidence"])


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0002_source_health_reason"),
        ("verdicts", "0004_verdict_authors_corrections_public_names"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
