"""The rendered capture's states: none -> pending -> running -> complete | partial | failed.

Like the HTTP capture, the row is the job's truth: a worker claims a pending render with a
conditional UPDATE (render_started_at marks its claim), renews a lease while the browser works
(apps.sources.leases), and records the outcome only if the row is still its claim. The sweep
(services/sweep.py) re-queues a render whose worker died and fails one that nobody takes, so a
render never stays pending or running. Partial and failed always carry a reason (a database
constraint says so), and partial keeps the list of what is missing in render_report.
"""

import logging
import os
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from apps.sources import leases
from apps.sources.enqueue import render_on_commit
from apps.sources.fetch import FetchError, Resolver
from apps.sources.models import RenderState, Snapshot
from apps.sources.render import RenderJob, RenderOutput, page_render, renderable
from apps.sources.warc import warc_read_payload
from factcheck.errors import Conflict

logger = logging.getLogger(__name__)

RENDER_DIR = "renders"


def render_fields_on_archive() -> dict:
    """Fields an archived capture's outcome sets so that it is rendered next (nothing when
    rendering is off): the capture's own UPDATE queues the render, no extra statement."""
    if not settings.RENDER_ENABLED:
        return {}
    return {"render_state": RenderState.PENDING, "render_queued_at": timezone.now()}


def snapshot_render_request(*, snapshot: Snapshot, enqueue: bool = True) -> Snapshot:
    """Queue a (new) render of an archived snapshot; refused while one is queued or running."""
    if snapshot.state != Snapshot.State.ARCHIVED:
        raise Conflict("Only an archived capture can be rendered.")
    queued = (
        Snapshot.objects.filter(pk=snapshot.pk, state=Snapshot.State.ARCHIVED)
        .exclude(render_state__in=Snapshot.RENDER_ACTIVE_STATES)
        .update(
            render_state=RenderState.PENDING,
            render_reason="",
            render_queued_at=timezone.now(),
            render_attempts=0,
        )
    )
    if not queued:
        raise Conflict("A render of this capture is already queued or running.")
    if enqueue:
        render_on_commit(snapshot.pk)
    snapshot.refresh_from_db()
    return snapshot


def _lease_seconds() -> float:
    """How long a render's lease is renewed: a wait for a free browser in this process (when
    its task threads outnumber its browsers), the render, and recording the files."""
    return 3 * (settings.RENDER_TIMEOUT + 30) + settings.ARCHIVE_EXTRACT_SECONDS


def _leases_renew(snapshot_ids: list[int]) -> None:
    Snapshot.objects.filter(pk__in=snapshot_ids, render_state=RenderState.RUNNING).update(
        render_lease_expires_at=timezone.now() + timedelta(seconds=leases.lease_seconds())
    )


leases.renewer("render", _leases_renew)


def snapshot_render(*, snapshot_id: int, resolver: Resolver | None = None) -> Snapshot | None:
    """Render one pending snapshot. Does nothing unless this call claims it; always leaves it
    complete, partial or failed (with a reason) when it does."""
    now = timezone.now()
    claimed = Snapshot.objects.filter(
        pk=snapshot_id, state=Snapshot.State.ARCHIVED, render_state=RenderState.PENDING
    ).update(
        render_state=RenderState.RUNNING,
        render_started_at=now,
        render_attempts=F("render_attempts") + 1,
        render_lease_expires_at=now + timedelta(seconds=leases.lease_seconds()),
    )
    if not claimed:
        return Snapshot.objects.filter(pk=snapshot_id).first()
    snapshot = Snapshot.objects.select_related("source").get(pk=snapshot_id)
    with leases.held("render", snapshot_id, at_most=_lease_seconds()):
        fields = _render_outcome(snapshot, resolver)
    done = Snapshot.objects.filter(
        pk=snapshot_id, render_state=RenderState.RUNNING, render_started_at=now
    ).update(**fields, render_lease_expires_at=None)
    if not done:
        logger.warning("snapshot %s: render outcome discarded (no longer this claim)", snapshot_id)
        _files_remove(fields)
    snapshot.refresh_from_db()
    return snapshot


def _render_outcome(snapshot: Snapshot, resolver) -> dict:
    failed = {"render_state": RenderState.FAILED, "rendered_at": None}
    if not renderable(snapshot.content_type):
        kind = snapshot.content_type.split(";", 1)[0].strip() or "unknown type"
        reason = f"not a web page ({kind}): the capture keeps the file as it was fetched"
        return {**failed, "render_reason": reason}
    try:
        document = warc_read_payload(snapshot.warc.name, limit=settings.ARCHIVE_MAX_BYTES)
        output = page_render(
            RenderJob(
                snapshot_id=snapshot.pk,
                url=snapshot.final_url or snapshot.source.url,
                document=document,
                content_type=snapshot.content_type,
                resolver=resolver,
            )
        )
    except FetchError as exc:
        return {**failed, "render_reason": exc.reason[:500]}
    except TimeoutError:
        return {**failed, "render_reason": "the browser did not answer in time"}
    except Exception as exc:
        logger.exception("rendering snapshot %s failed", snapshot.pk)
        return {**failed, "render_reason": f"internal error: {type(exc).__name__}"}
    return _done_fields(snapshot, output)


def _done_fields(snapshot: Snapshot, output: RenderOutput) -> dict:
    token = os.urandom(6).hex()
    stem = f"{RENDER_DIR}/{snapshot.pk % 100:02d}/snapshot-{snapshot.pk}-{token}"
    files = {
        "screenshot": (f"{stem}.png", output.screenshot),
        "thumbnail": (f"{stem}-thumb.jpg", output.thumbnail),
        "pdf": (f"{stem}.pdf", output.pdf),
        "dom": (f"{stem}.html", output.dom.encode()),
    }
    for name, data in files.values():
        path = Path(settings.MEDIA_ROOT) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    failed, refused = output.count("failed"), output.count("refused")
    gaps = list(output.gaps)
    if failed or refused:
        gaps.insert(0, f"{failed} subresources failed, {refused} refused")
    return {
        "render_state": RenderState.PARTIAL if gaps else RenderState.COMPLETE,
        "render_reason": "; ".join(gaps)[:500],
        "rendered_at": timezone.now(),
        "render_report": output.report(),
        "render_warc": output.warc,
        "subresources_ok": output.count("ok"),
        "subresources_failed": failed,
        "subresources_refused": refused,
        **{field: name for field, (name, _data) in files.items()},
    }


def _files_remove(fields: dict) -> None:
    for field in ("screenshot", "thumbnail", "pdf", "dom", "render_warc"):
        if fields.get(field):
            (Path(settings.MEDIA_ROOT) / fields[field]).unlink(missing_ok=True)


def snapshot_render_now(*, snapshot: Snapshot, resolver: Resolver | None = None) -> Snapshot:
    """Render synchronously (management command): queue it without a message and claim it at
    once; if a render worker claimed it first, wait for that worker's outcome."""
    if snapshot.render_state not in Snapshot.RENDER_ACTIVE_STATES:
        snapshot = snapshot_render_request(snapshot=snapshot, enqueue=False)
    snapshot = snapshot_render(snapshot_id=snapshot.pk, resolver=resolver) or snapshot
    give_up = time.monotonic() + _lease_seconds() + settings.ARCHIVE_LEASE_SECONDS
    while snapshot.render_state in Snapshot.RENDER_ACTIVE_STATES and time.monotonic() < give_up:
        time.sleep(0.5)
        snapshot.refresh_from_db()
    return snapshot
