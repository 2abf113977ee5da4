"""Reads about sources that several callers share (claim lists, admin, reports, the API)."""

import base64
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from apps.sources.models import Citation, Snapshot, Source
from apps.sources.warc import media_file


def _latest_snapshot(field: str) -> Subquery:
    return Subquery(
        Snapshot.objects.filter(source=OuterRef("source_id"))
        .order_by("-queued_at", "-pk")
        .values(field)[:1]
    )


def citations_with_archive_state() -> QuerySet[Citation]:
    """Citations with their source and the state and reason of the source's latest snapshot
    (`archive_state`, `archive_reason`), in one query."""
    return Citation.objects.select_related("source", "snapshot").annotate(
        archive_state=_latest_snapshot("state"),
        archive_reason=_latest_snapshot("reason"),
    )


def citations_for_claims(claim_ids: Iterable[int]) -> dict[int, list[Citation]]:
    """Each claim's citations (with `archive_state` / `archive_reason`), keyed by claim id; one
    query for any number of claims. Claims without citations map to an empty list."""
    claim_ids = list(claim_ids)
    result: dict[int, list[Citation]] = defaultdict(list)
    for claim_id in claim_ids:
        result[claim_id] = []
    for citation in citations_with_archive_state().filter(claim_id__in=claim_ids):
        result[citation.claim_id].append(citation)
    return dict(result)


def snapshot_latest_archived(*, source: Source) -> Snapshot | None:
    """The source's most recent successful capture."""
    return (
        Snapshot.objects.filter(source=source, state=Snapshot.State.ARCHIVED)
        .order_by("-fetched_at", "-pk")
        .first()
    )


def snapshot_fresh(*, source: Source) -> Snapshot | None:
    """The latest capture if it is recent enough that citing the source needs no new one."""
    cutoff = timezone.now() - timedelta(hours=settings.ARCHIVE_FRESH_HOURS)
    return (
        Snapshot.objects.filter(
            source=source, state=Snapshot.State.ARCHIVED, fetched_at__gte=cutoff
        )
        .order_by("-fetched_at", "-pk")
        .first()
    )


def snapshot_active(*, source: Source) -> Snapshot | None:
    """The source's queued or running capture, if any (at most one, by constraint)."""
    return Snapshot.objects.filter(source=source, state__in=Snapshot.ACTIVE_STATES).first()


def sources_with_latest_state() -> QuerySet[Source]:
    """Sources annotated with `latest_state`, `latest_reason` (of the latest snapshot)."""
    latest = Snapshot.objects.filter(source=OuterRef("pk")).order_by("-queued_at", "-pk")
    return Source.objects.annotate(
        latest_state=Subquery(latest.values("state")[:1]),
        latest_reason=Subquery(latest.values("reason")[:1]),
    )


QUEUE_DOWN = "queued, will be archived when the queue is back"


def snapshot_status(snapshot: Snapshot) -> str:
    """A capture's state in the reviewer's words; a queued row whose message the broker never
    took (it was down) says it will be archived when the queue is back."""
    if snapshot.state == Snapshot.State.QUEUED and snapshot.sent_at is None:
        return QUEUE_DOWN
    return snapshot.get_state_display().lower()


def citation_archive_status(citation: Citation) -> str:
    """Where the archiving of a citation's source stands: its checked capture, else the active
    one, else "not archived"."""
    snapshot = citation.snapshot or snapshot_active(source=citation.source)
    return snapshot_status(snapshot) if snapshot else "not archived"


def snapshot_quality(snapshot: Snapshot) -> dict:
    """The capture-quality summary the admin, the claim page and the reports show: what was
    captured and what is missing, never a partial capture dressed as a complete one."""
    return {
        "state": snapshot.get_state_display(),
        "render_state": snapshot.render_state,
        "render": snapshot.get_render_state_display(),
        "render_reason": snapshot.render_reason,
        "text_length": len(snapshot.text),
        "subresources_ok": snapshot.subresources_ok,
        "subresources_failed": snapshot.subresources_failed,
        "subresources_refused": snapshot.subresources_refused,
        "screenshot": bool(snapshot.screenshot),
        "capped": bool(snapshot.render_report.get("capped")),
    }


def wacz_url(snapshot: Snapshot) -> str | None:
    """Where staff download the snapshot's signed evidence package (WACZ); None for a capture
    that has nothing to package."""
    if snapshot.state != Snapshot.State.ARCHIVED or not snapshot.warc:
        return None
    return reverse("admin:sources_snapshot_wacz", args=[snapshot.pk])


THUMBNAIL_MAX_BYTES = 256 * 1024


def snapshot_thumbnail_data_uri(name: str | None) -> str | None:
    """A rendered capture's thumbnail (storage name) as a data: URI for self-contained reports;
    None when there is none, it is missing, outside MEDIA_ROOT or implausibly large."""
    path = media_file(name)
    try:
        if path is None or path.stat().st_size > THUMBNAIL_MAX_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")


def snapshots_indexable() -> list[int]:
    """Each source's latest archived capture, the one its passages come from (none, if that
    capture has no text: as when the capture pipeline indexes it), by source id."""
    latest = (
        Snapshot.objects.filter(source_id=OuterRef("pk"), state=Snapshot.State.ARCHIVED)
        .order_by("-fetched_at", "-pk")
        .values("pk")[:1]
    )
    found = Source.objects.annotate(latest=Subquery(latest)).exclude(latest=None)
    return list(found.order_by("pk").values_list("latest", flat=True))
