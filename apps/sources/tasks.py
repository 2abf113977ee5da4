"""Thin Celery tasks: take ids, call one service, record outcomes on rows (see services/).

All are acks_late with reject_on_worker_lost, so a worker that dies mid-task leaves the message
to be redelivered; the services' conditional claims make redelivery harmless.
"""

from celery import shared_task
from celery.signals import task_prerun
from django.db import InterfaceError, OperationalError, close_old_connections, connections

from apps.sources import passages, services

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@task_prerun.connect
def _database_connections_by_django_rules(sender=None, **kwargs) -> None:
    """Workers keep their database connections between tasks (CELERY_DB_REUSE_MAX stops Celery
    closing them after every task); drop one that has errored or outlived CONN_MAX_AGE here, as
    Django does between requests. With CONN_MAX_AGE=0 every task still gets a new connection."""
    if sender is not None and not getattr(sender.request, "is_eager", False):
        close_old_connections()
        if getattr(sender, "first_statement_checks_connection", False):
            # CONN_HEALTH_CHECKS would send a `SELECT 1` before the task's first statement: a
            # round trip per capture. The fetch task's first statement is its claim, and a dead
            # connection fails it before anything is claimed: the task retries, and the next
            # task's close_old_connections drops the errored connection.
            for connection in connections.all(initialized_only=True):
                connection.health_check_done = True


@shared_task(bind=True, max_retries=None, first_statement_checks_connection=True, **TASK_OPTIONS)
def snapshot_fetch(self, snapshot_id: int) -> None:
    """Fetch and archive one snapshot (queue "fetch"); small pages have their text extracted
    here too, bigger ones are handed to `snapshot_extract_text`."""
    try:
        services.snapshot_archive(snapshot_id=snapshot_id)
    except services.SnapshotRetry as exc:
        raise self.retry(countdown=exc.delay) from None
    except (OperationalError, InterfaceError) as exc:
        # The database went away (a restart, a failover): worth retrying. A claim that was made
        # keeps its row until its lease expires, then the sweep re-queues it.
        delay = services.retry_delay(attempt=min(self.request.retries + 1, 6))
        raise self.retry(exc=exc, countdown=delay, max_retries=20) from None


@shared_task(**TASK_OPTIONS)
def snapshot_extract_text(snapshot_id: int) -> None:
    """Extract a big archived snapshot's text and check excerpts (CPU work, default queue)."""
    services.snapshot_extract(snapshot_id=snapshot_id)


@shared_task(**TASK_OPTIONS)
def passages_index_due() -> int:
    """Cut the captures whose text waits into passages for evidence search (queue "index"):
    nudged by whatever stores a capture's text, at most once per PASSAGES_INDEX_DELAY per
    process, and by the sweep."""
    return passages.passages_index_due()


@shared_task(**TASK_OPTIONS)
def snapshot_index_passages(snapshot_id: int) -> None:
    """A message of the release that sent one per capture, still in a queue after an upgrade:
    mark that capture due, so it is not left out of the index."""
    services.snapshot_passages_mark_due(snapshot_id=snapshot_id)


@shared_task(**TASK_OPTIONS)
def snapshot_render(snapshot_id: int) -> None:
    """Render an archived capture in Chromium (queue "render"): screenshot, PDF, DOM and
    subresources; the outcome, whatever it is, is recorded on the snapshot."""
    services.snapshot_render(snapshot_id=snapshot_id)


@shared_task(**TASK_OPTIONS)
def snapshots_requeue_stuck() -> int:
    """Beat: re-queue captures the broker or a dead worker lost."""
    return services.snapshots_requeue_stuck()


@shared_task(**TASK_OPTIONS)
def sources_check_health() -> int:
    """Beat: queue a health check for each archived source that is due."""
    return services.sources_check_health()


@shared_task(**TASK_OPTIONS)
def source_check_health(source_id: int) -> None:
    """Re-fetch one source and record live / changed / dead (queue "fetch")."""
    services.source_check_health(source_id=source_id)
