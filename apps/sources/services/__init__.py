"""The sources' writes, one module per job; callers import them from here.

- sources: the errors and the URL -> Source lookup every job starts from;
- citations: citing a source for a claim;
- capture: archiving (queue, claim, fetch, outcome, the capture's lease);
- render: the rendered capture's states (the browser work is apps.sources.render);
- sweep: re-queueing what a dead worker or the broker lost;
- health: link health of archived sources;
- pages: fetching a page's text for importing an article (no rows written).
"""

from apps.sources.services.capture import (
    SnapshotRetry,
    citations_check,
    inline_extract_limit,
    retry_delay,
    snapshot_archive,
    snapshot_archive_now,
    snapshot_extract,
    snapshot_passages_mark_due,
    snapshot_request,
)
from apps.sources.services.citations import citation_add, citation_delete, citation_update
from apps.sources.services.health import source_check_health, sources_check_health
from apps.sources.services.render import (
    snapshot_render,
    snapshot_render_now,
    snapshot_render_request,
)
from apps.sources.services.sources import (
    CitationError,
    CitationExists,
    SourceError,
    source_get_or_create,
)
from apps.sources.services.sweep import snapshots_requeue_stuck

__all__ = [
    "CitationError",
    "CitationExists",
    "SnapshotRetry",
    "SourceError",
    "citation_add",
    "citation_delete",
    "citation_update",
    "citations_check",
    "inline_extract_limit",
    "retry_delay",
    "snapshot_archive",
    "snapshot_archive_now",
    "snapshot_extract",
    "snapshot_passages_mark_due",
    "snapshot_render",
    "snapshot_render_now",
    "snapshot_render_request",
    "snapshot_request",
    "snapshots_requeue_stuck",
    "source_check_health",
    "source_get_or_create",
    "sources_check_health",
]
