"""The rendered capture as staff see it, on the snapshot page and the claim page: a thumbnail
that opens the full screenshot, the PDF, the evidence package once there is one, and the
capture-quality summary. The files are served only by the staff views in apps.sources.views
(behind the admin login and the view_snapshot permission), never from MEDIA_URL."""

from django.urls import reverse
from django.utils.html import format_html, format_html_join

from apps.sources.models import Snapshot
from apps.sources.selectors import snapshot_quality, wacz_url


def render_file_url(snapshot: Snapshot, kind: str) -> str:
    return reverse("admin:sources_snapshot_render_file", args=[snapshot.pk, kind])


def quality_summary_html(snapshot: Snapshot) -> str:
    q = snapshot_quality(snapshot)
    parts = [
        ("Capture", q["state"]),
        ("Render", q["render"] + (f": {q['render_reason']}" if q["render_reason"] else "")),
        ("Text", f"{q['text_length']} characters"),
        (
            "Subresources",
            f"{q['subresources_ok']} ok, {q['subresources_failed']} failed, "
            f"{q['subresources_refused']} refused",
        ),
        ("Screenshot", _screenshot_text(q)),
    ]
    rows = format_html_join("", "<li><strong>{}:</strong> {}</li>", parts)
    return format_html('<ul class="capture-quality">{}</ul>', rows)


def _screenshot_text(quality: dict) -> str:
    if not quality["screenshot"]:
        return "no"
    return "yes (height capped)" if quality["capped"] else "yes"


def rendered_capture_html(snapshot: Snapshot | None) -> str:
    """Thumbnail (click: full size), PDF and WACZ links and the quality summary; '-' when the
    snapshot was never archived."""
    if snapshot is None or snapshot.state != Snapshot.State.ARCHIVED:
        return "-"
    picture = links = ""
    if snapshot.thumbnail:
        picture = format_html(
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="Screenshot of the '
            'archived page" width="240" style="border:1px solid #ccc;display:block"></a>',
            render_file_url(snapshot, "screenshot"),
            render_file_url(snapshot, "thumbnail"),
        )
    found = []
    if snapshot.pdf:
        found.append(("PDF", render_file_url(snapshot, "pdf")))
    if package := wacz_url(snapshot):
        found.append(("WACZ", package))
    if found:
        links = format_html_join(" · ", '<a href="{1}">{0}</a>', found)
    return format_html("{}{}{}", picture, links, quality_summary_html(snapshot))
