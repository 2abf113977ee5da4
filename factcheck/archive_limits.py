"""Start-up check that the archive's timeouts fit together, naming the setting to change.

A capture may wait for a per-host slot (up to ARCHIVE_TOTAL_TIMEOUT), then fetch (up to
ARCHIVE_TOTAL_TIMEOUT), then extract and record its outcome (ARCHIVE_EXTRACT_SECONDS). Its worker
renews its lease for that long at most; a prefork worker's CELERY_TASK_TIME_LIMIT must not cut it
shorter, and the broker must not redeliver a message (CELERY_VISIBILITY_TIMEOUT) that a running
capture or a scheduled retry still holds.
"""

import math

from django.core.exceptions import ImproperlyConfigured


def archive_timeouts_check(
    *,
    total_timeout: float,
    extract_seconds: float,
    lease_seconds: float,
    stuck_after: float,
    retry_max_delay: float,
    task_time_limit: float,
    visibility_timeout: float,
) -> None:
    """Raise ImproperlyConfigured with the fix when the timeouts contradict each other."""
    capture = 2 * total_timeout + extract_seconds
    if capture >= task_time_limit:
        most = math.floor((task_time_limit - extract_seconds) / 2) - 1
        raise ImproperlyConfigured(
            f"ARCHIVE_TOTAL_TIMEOUT={total_timeout:g} lets one capture run for up to "
            f"{capture:g} s (up to ARCHIVE_TOTAL_TIMEOUT waiting for a per-host slot, up to "
            f"ARCHIVE_TOTAL_TIMEOUT fetching, ARCHIVE_EXTRACT_SECONDS={extract_seconds:g} to "
            f"extract and record it), but CELERY_TASK_TIME_LIMIT={task_time_limit:g} stops a task "
            f"sooner: lower ARCHIVE_TOTAL_TIMEOUT to at most {max(most, 1)} or raise "
            f"CELERY_TASK_TIME_LIMIT above {capture:g}."
        )
    if task_time_limit >= visibility_timeout:
        raise ImproperlyConfigured(
            f"CELERY_TASK_TIME_LIMIT={task_time_limit:g} must be below "
            f"CELERY_VISIBILITY_TIMEOUT={visibility_timeout:g}, or the broker redelivers tasks "
            "that are still running: raise CELERY_VISIBILITY_TIMEOUT."
        )
    if retry_max_delay >= visibility_timeout:
        raise ImproperlyConfigured(
            f"ARCHIVE_RETRY_MAX_DELAY={retry_max_delay:g} must be below "
            f"CELERY_VISIBILITY_TIMEOUT={visibility_timeout:g}, or the broker redelivers a "
            "scheduled retry before it is due: lower ARCHIVE_RETRY_MAX_DELAY."
        )
    if lease_seconds * 2 > stuck_after:
        raise ImproperlyConfigured(
            f"ARCHIVE_LEASE_SECONDS={lease_seconds:g} must be at most half of "
            f"ARCHIVE_STUCK_AFTER={stuck_after:g}: lower ARCHIVE_LEASE_SECONDS."
        )
