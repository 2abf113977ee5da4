"""Thin Celery tasks for verdicts: take ids, call one service; the outcome is the stored rows."""

from celery import shared_task

from apps.claims.priorchecks import PRIOR_CHECKS_TASK

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(name=PRIOR_CHECKS_TASK, **TASK_OPTIONS)
def prior_checks_match(claim_ids: list[int]) -> int:
    """Look for prior checks of newly extracted claims. Idempotent: a second run re-scores the
    suggestions and leaves reviewers' decisions alone."""
    from apps.verdicts.priorchecks import prior_checks_match as match

    return match(claim_ids=claim_ids)
