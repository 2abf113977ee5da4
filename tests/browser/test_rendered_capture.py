"""A cited source's rendered capture on the claim page, in a real browser: the thumbnail shows,
a click opens the full-size screenshot, and a staff user without the view_snapshot permission
gets 403 for the same file (it is never served from MEDIA_URL)."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from apps.sources.models import RenderState
from tests.browser.conftest import admin_login
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory, SnapshotFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def picture(name: str, size: tuple[int, int], fmt: str) -> str:
    """Write a real image under MEDIA_ROOT, as the renderer does; returns its storage name."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 59, 87)).save(buffer, format=fmt)
    path = Path(settings.MEDIA_ROOT) / "renders" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return f"renders/{name}"


def test_claim_page_shows_the_thumbnail_and_opens_the_screenshot(
    page, live_server, reviewer, django_user_model, shoot
):
    snapshot = SnapshotFactory(
        render_state=RenderState.COMPLETE,
        rendered_at=timezone.now(),
        screenshot=picture("browser-shot.png", (1280, 1800), "PNG"),
        thumbnail=picture("browser-shot-thumb.jpg", (480, 338), "JPEG"),
        subresources_ok=2,
    )
    claim = ClaimFactory(article=ArticleFactory())
    CitationFactory(claim=claim, source=snapshot.source, snapshot=snapshot)

    admin_login(page, live_server, reviewer.username)
    page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
    thumbnail = page.get_by_alt_text("Screenshot of the archived page")
    thumbnail.scroll_into_view_if_needed()
    # The browser loaded and decoded it: a broken image has no natural width.
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth") == 480
    assert "2 ok, 0 failed, 0 refused" in page.locator(".capture-quality").inner_text()
    shoot(page, "claim-rendered-capture")

    screenshot_url = reverse("admin:sources_snapshot_render_file", args=[snapshot.pk, "screenshot"])
    is_screenshot = lambda response: response.url.endswith(screenshot_url)  # noqa: E731
    with (
        page.context.expect_page() as opened,
        page.context.expect_event("response", is_screenshot) as answered,
    ):
        thumbnail.click()
    response = answered.value
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(response.body())).size == (1280, 1800)
    full = opened.value
    full.wait_for_load_state()
    assert full.evaluate("document.images[0].naturalWidth") == 1280  # shown, full size

    # Staff who may read claims but not captures: the claim page opens, the file does not.
    outsider = django_user_model.objects.create_user(
        username="olga", password="pw-olga", is_staff=True
    )
    outsider.user_permissions.add(Permission.objects.get(codename="view_claim"))
    admin_login(page, live_server, outsider.username)
    assert page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/").status == 200
    refused = page.context.request.get(live_server.url + screenshot_url)
    assert refused.status == 403
    assert not refused.body().startswith(b"\x89PNG")
