"""Corrections take two people, like the verdict did: one drafts the new rating, summary and
public note, another editor approves, then it is published. Until then the public keeps the
published text and the evidence stored with it."""

from django.db import transaction
from django.utils import timezone

from apps.verdicts.claimsets import evidence_payload
from apps.verdicts.models import Rating, Verdict
from apps.verdicts.readiness import publishable_or_refuse
from apps.verdicts.steps import step_run


@transaction.atomic
def verdict_correct(
    *,
    verdict: Verdict,
    by,
    note: str,
    rating: Rating | None = None,
    summary: str | None = None,
    version: int | None = None,
) -> Verdict:
    """Draft a correction of a published verdict: the public keeps the published text until
    another editor approves the correction and it is published."""

    def drafted(current: Verdict) -> dict:
        return {
            "pending_rating": rating or current.rating,
            "pending_summary": summary if summary and summary.strip() else current.summary,
            "pending_note": note,
            "last_editor": by,
            "correction_approver": None,
        }

    return step_run("correct", verdict=verdict, by=by, note=note, version=version, changes=drafted)


@transaction.atomic
def verdict_approve_correction(
    *, verdict: Verdict, by, comment: str = "", version: int | None = None
) -> Verdict:
    return step_run(
        "approve_correction",
        verdict=verdict,
        by=by,
        note=comment,
        version=version,
        changes=lambda current: {"correction_approver": by},
    )


@transaction.atomic
def verdict_publish_correction(
    *, verdict: Verdict, by, comment: str = "", version: int | None = None
) -> Verdict:
    """The approved correction becomes the public text; its approver becomes the verdict's."""

    def published(current: Verdict) -> dict:
        now = timezone.now()
        return {
            "rating": current.pending_rating,
            "summary": current.pending_summary,
            "correction_note": current.pending_note,
            "corrected_at": now,
            "approver": current.correction_approver,
            "approved_at": now,
            "pending_rating": None,
            "pending_summary": "",
            "pending_note": "",
            "correction_approver": None,
            "published_evidence": evidence_payload(claim_id=current.claim_id),
        }

    return step_run(
        "publish_correction",
        verdict=verdict,
        by=by,
        note=comment,
        version=version,
        check=publishable_or_refuse,
        changes=published,
    )
