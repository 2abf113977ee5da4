"""The demo's own source pages (seeds/pages/*.html, written for the demo), archived through the
real capture pipeline so the demo claims have evidence suggestions on a machine without internet.

The pages are served for the length of the load by a server on 127.0.0.1 (an ephemeral port, in a
thread of this process), and the fetcher's private-address guard is opened for that address and
port only while they are captured. Each page becomes a Source at its local URL; a page whose title
a source already has is not archived again, so loading the demo twice adds nothing.

When Chromium is present (RENDER_ENABLED) each new capture is also rendered, synchronously and in
the same scope (the renderer's every request goes through the same guarded fetcher, so the
page's stylesheet and image come from that server and nothing else is opened): the claim and
snapshot pages then show a screenshot, the PDF and the quality summary. No render is queued for a
worker, which would not have the scope and would find the server gone.
"""

import ipaddress
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.conf import settings
from django.test.utils import override_settings

from apps.sources.extract import text_extract
from apps.sources.models import Snapshot, Source
from apps.sources.services import snapshot_archive_now, snapshot_render_now

logger = logging.getLogger(__name__)
PAGES = Path(settings.BASE_DIR) / "seeds" / "pages"
PUBLISHERS = {"Demo Desk Monitor", "Demo Relief Bulletin"}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        logger.debug("demo pages: " + format, *args)


@contextmanager
def _served(directory: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=directory))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _title(page: Path) -> str:
    return text_extract(payload=page.read_bytes(), mime_type="text/html").title


@dataclass
class DemoPages:
    archived: int = 0
    rendered: int = 0
    render_enabled: bool = False
    problems: list[str] = field(default_factory=list)


def demo_pages_archive() -> DemoPages:
    """Archive (and render, when Chromium is present) the seed pages not archived yet."""
    outcome = DemoPages(render_enabled=settings.RENDER_ENABLED)
    pages = sorted(PAGES.glob("*.html"))
    wanted = {page: _title(page) for page in pages}
    have = set(
        Source.objects.filter(
            title__in=wanted.values(), snapshots__state=Snapshot.State.ARCHIVED
        ).values_list("title", flat=True)
    )
    todo = [page for page in pages if wanted[page] not in have]
    if not todo:
        return outcome
    with _served(PAGES) as port:
        allowed = override_settings(
            ARCHIVE_ALLOWED_NETWORKS=[ipaddress.ip_network("127.0.0.1/32")],
            ARCHIVE_ALLOWED_PORTS=[*settings.ARCHIVE_ALLOWED_PORTS, port],
            RENDER_ENABLED=False,  # rendered below, in this scope, not by a worker
        )
        with allowed:
            for page in todo:
                snapshot = snapshot_archive_now(url=f"http://127.0.0.1:{port}/{page.name}")
                if snapshot.state != Snapshot.State.ARCHIVED:
                    outcome.problems.append(f"{page.name}: {snapshot.reason or snapshot.state}")
                    continue
                publisher = next((p for p in PUBLISHERS if p in page.read_text()), "")
                Source.objects.filter(pk=snapshot.source_id).update(
                    title=wanted[page], publisher=publisher
                )
                outcome.archived += 1
                if outcome.render_enabled:
                    _render(snapshot, page, outcome)
    return outcome


def _render(snapshot: Snapshot, page: Path, outcome: DemoPages) -> None:
    snapshot = snapshot_render_now(snapshot=snapshot)
    if snapshot.render_state in Snapshot.RENDER_DONE_STATES:
        outcome.rendered += 1
    else:
        reason = snapshot.render_reason or snapshot.render_state
        outcome.problems.append(f"{page.name} not rendered: {reason}")
