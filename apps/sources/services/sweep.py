"""The sweep (beat, every ARCHIVE_REQUEUE_EVERY): take back what a dead worker or the broker lost,
and nothing that is merely slow or waiting."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.sources.enqueue import fetch_on_commit, passages_nudge_on_commit, render_on_commit
from apps.sources.models import RenderState, Snapshot

State = Snapshot.State


def snapshots_requeue_stuck() -> int:
    """Put back in the queue what a dead worker or the broker lost; returns how many captures
    and renders were sent again.

    - Fetching rows whose lease expired (their worker stopped renewing it: it died) go back to
      queued, or to failed once their attempts are used up. A running capture renews its lease,
      however long it waits for a host slot or a slow server, so it is never taken back.
    - Queued rows never sent (the broker was down when they were saved) are sent now.
    - Queued rows due for longer than ARCHIVE_STUCK_AFTER whose message was sent that long ago
      are sent again, but only if their message must have been lost: the workers have since
      claimed a row sent after it (the queue is first in, first out), or no worker has claimed
      anything in that time. Rows merely waiting behind a backlog are left alone, and a row is
      sent again at most once per ARCHIVE_STUCK_AFTER.
    - Renders left pending or running are sent again (`renders_requeue_stuck`), and the passage
      indexer is nudged while captures wait for it.
    """
    now = timezone.now()
    stuck_after = settings.ARCHIVE_STUCK_AFTER
    cutoff = now - timedelta(seconds=stuck_after)
    to_send: list[int] = []
    expired = Snapshot.objects.filter(state=State.FETCHING).filter(
        Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True, started_at__lt=cutoff)
    )
    for pk, started_at, attempts in expired.values_list("pk", "started_at", "attempts"):
        row = Snapshot.objects.filter(pk=pk, state=State.FETCHING, started_at=started_at)
        if attempts >= settings.ARCHIVE_MAX_ATTEMPTS:
            row.update(
                state=State.FAILED,
                reason=f"worker lost: its lease expired (gave up after {attempts} attempts)",
                fetched_at=now,
                lease_expires_at=None,
            )
        elif row.update(
            state=State.QUEUED,
            retry_at=now,
            sent_at=now,
            lease_expires_at=None,
            reason="re-queued: worker lost (its lease expired)",
        ):
            to_send.append(pk)
    queued = Snapshot.objects.filter(state=State.QUEUED)
    for pk in queued.filter(sent_at__isnull=True).values_list("pk", flat=True):
        if Snapshot.objects.filter(pk=pk, state=State.QUEUED, sent_at__isnull=True).update(
            sent_at=now
        ):
            to_send.append(pk)
    # The newest message a worker has taken since the cutoff: every message sent before it
    # has been delivered, so a row sent before it and still queued lost its message.
    taken = Snapshot.objects.exclude(state=State.QUEUED).filter(
        started_at__gte=cutoff, sent_at__isnull=False
    )
    frontier = taken.aggregate(last=Max("sent_at"))["last"]
    overdue = queued.annotate(due=Coalesce("retry_at", "queued_at")).filter(
        due__lt=cutoff, sent_at__lt=frontier or cutoff
    )
    for pk, sent_at in overdue.values_list("pk", "sent_at"):
        if Snapshot.objects.filter(pk=pk, state=State.QUEUED, sent_at=sent_at).update(sent_at=now):
            to_send.append(pk)
    for pk in to_send:
        fetch_on_commit(pk)
    passages_nudge_if_due()
    return len(to_send) + renders_requeue_stuck()


def passages_nudge_if_due() -> None:
    """Nudge the indexer while captures wait for it (a nudge lost with a broker that was down,
    or a worker that died in the middle of a batch)."""
    if Snapshot.objects.filter(passages_due=True).exists():
        passages_nudge_on_commit()


RESENT = "re-sent: its message was lost or no render worker is running"


def renders_requeue_stuck() -> int:
    """Renders are never left pending or running; returns how many were sent again.

    - Running renders whose lease expired (the render worker died) go back to pending, or to
      failed once RENDER_MAX_ATTEMPTS claims were made.
    - Pending renders waiting longer than ARCHIVE_STUCK_AFTER are sent once more; still pending
      that long after that (no render worker is running), they fail with that reason.
    """
    now = timezone.now()
    stuck_after = settings.ARCHIVE_STUCK_AFTER
    cutoff = now - timedelta(seconds=stuck_after)
    to_send: list[int] = []
    expired = Snapshot.objects.filter(
        render_state=RenderState.RUNNING, render_lease_expires_at__lt=now
    )
    for pk, started_at, attempts in expired.values_list(
        "pk", "render_started_at", "render_attempts"
    ):
        row = Snapshot.objects.filter(
            pk=pk, render_state=RenderState.RUNNING, render_started_at=started_at
        )
        if attempts >= settings.RENDER_MAX_ATTEMPTS:
            row.update(
                render_state=RenderState.FAILED,
                render_reason=f"renderer lost: its lease expired (gave up after {attempts} "
                "attempts)",
                render_lease_expires_at=None,
            )
        elif row.update(
            render_state=RenderState.PENDING,
            render_queued_at=now,
            render_lease_expires_at=None,
            render_reason="re-queued: renderer lost (its lease expired)",
        ):
            to_send.append(pk)
    waiting = Snapshot.objects.filter(render_state=RenderState.PENDING, render_queued_at__lt=cutoff)
    waiting.exclude(render_reason="").update(
        render_state=RenderState.FAILED,
        render_reason=f"not rendered: no render worker took it within {stuck_after} s, twice "
        "(is a worker on the render queue running?)",
    )
    for pk, queued_at in waiting.filter(render_reason="").values_list("pk", "render_queued_at"):
        if Snapshot.objects.filter(
            pk=pk, render_state=RenderState.PENDING, render_queued_at=queued_at
        ).update(render_queued_at=now, render_reason=RESENT):
            to_send.append(pk)
    for pk in to_send:
        render_on_commit(pk)
    return len(to_send)
