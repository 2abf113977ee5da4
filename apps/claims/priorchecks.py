"""The claims side of prior checks: hand newly extracted claims to the matcher.

Matching needs published verdicts, which live above claims (verdicts imports claims, never the
other way), so claims only send the task by name once the claims are committed; the verdicts
app's task does the work.
"""

from django.db import transaction

PRIOR_CHECKS_TASK = "verdicts.prior_checks_match"


def prior_checks_enqueue(*, claim_ids) -> None:
    """After the current transaction commits, ask a worker to look for prior checks of these
    claims (nothing is sent if it rolls back)."""
    ids = sorted({int(pk) for pk in claim_ids})
    if not ids:
        return

    def send() -> None:
        from factcheck.celery import app

        app.send_task(PRIOR_CHECKS_TASK, args=[ids])

    transaction.on_commit(send)
