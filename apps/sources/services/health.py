"""Link health: whether an archived source is still live, changed or dead, and whether each
citation's excerpt is still on the page."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.sources import enqueue, selectors
from apps.sources.extract import excerpt_match, split_content_type, text_extract
from apps.sources.fetch import FetchError, Resolver, fetch_url, host_of
from apps.sources.hostlimit import HostBusy, host_slot
from apps.sources.models import Citation, Snapshot, Source

State = Snapshot.State


def sources_check_health(*, limit: int = 500) -> int:
    """Queue a health check for archived sources not checked within ARCHIVE_HEALTH_EVERY."""
    cutoff = timezone.now() - timedelta(seconds=settings.ARCHIVE_HEALTH_EVERY * 0.9)
    due = (
        Source.objects.filter(snapshots__state=State.ARCHIVED)
        .filter(Q(health_checked_at__isnull=True) | Q(health_checked_at__lt=cutoff))
        .distinct()
        .order_by(F("health_checked_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(due)
    for pk in ids:
        enqueue.health_on_commit(pk)
    return len(ids)


def source_check_health(*, source_id: int, resolver: Resolver | None = None) -> Source | None:
    """Re-fetch an archived source: live (same payload hash as the latest capture), changed
    (different hash) or dead (any failure, with the reason); and whether each citation's excerpt
    is still on the page."""
    source = Source.objects.filter(pk=source_id).first()
    latest = selectors.snapshot_latest_archived(source=source) if source else None
    if latest is None:
        return source
    text: str | None = None
    try:
        with (
            host_slot(host_of(source.url)),
            fetch_url(
                source.url, resolver=resolver, keep_head=settings.ARCHIVE_EXTRACT_MAX_BYTES
            ) as result,
        ):
            mime_type, charset = split_content_type(result.content_type)
            text = text_extract(
                payload=result.head, mime_type=mime_type, charset=charset, url=result.final_url
            ).text
            changed = result.sha256 != latest.sha256
        health, reason = Source.Health.LIVE, ""
        if changed:
            health = Source.Health.CHANGED
            reason = f"changed since the capture of {latest.fetched_at:%Y-%m-%d %H:%M}"
    except HostBusy:
        return source
    except FetchError as exc:
        health, reason = Source.Health.DEAD, exc.reason
    with transaction.atomic():
        Source.objects.filter(pk=source_id).update(
            health=health, health_reason=reason[:500], health_checked_at=timezone.now()
        )
        for citation in Citation.objects.select_for_update().filter(source_id=source_id):
            if text is None:
                still = False if citation.excerpt else None
            else:
                still = excerpt_match(citation.excerpt, text)
            if citation.excerpt_still_found != still:
                citation.excerpt_still_found = still
                citation.save(update_fields=["excerpt_still_found"])
    source.refresh_from_db()
    return source
