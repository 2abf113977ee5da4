"""Rendered captures: Chromium renders an archived page, every request it makes goes through the
guarded fetcher, and every render ends complete, partial or failed with a reason.

One browser per module (the renderer's own threads keep it between tests); the pages come from
the session's local web server on 127.0.0.1, which these tests allow as the one 'public' host,
the way the SSRF tests do. Private targets are real servers too (another loopback port, and
127.0.0.2 on the allowed port), so their own request counters prove nothing reached them.
"""

import base64
import ipaddress
import json
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image
from warcio.archiveiterator import ArchiveIterator

from apps.sources import render, services
from apps.sources.models import RenderState, Snapshot
from apps.sources.services.sweep import renders_requeue_stuck
from apps.sources.warc import warc_path
from tests.localweb import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module", autouse=True)
def _browsers():
    yield
    render.browsers_close()


@pytest.fixture
def renderer(localweb, settings):
    """Only 127.0.0.1 (not all of 127/8) and the local server's port are allowed; renders are
    queued by captures and kept short."""
    settings.ARCHIVE_ALLOWED_NETWORKS = [ipaddress.ip_network("127.0.0.1/32")]
    settings.ARCHIVE_ALLOWED_PORTS = [80, 443, localweb.port]
    settings.RENDER_ENABLED = True
    settings.RENDER_TIMEOUT = 8.0
    settings.ARCHIVE_TOTAL_TIMEOUT = 2.0
    settings.ARCHIVE_READ_TIMEOUT = 1.5
    return localweb


class Target:
    """A server that must never be reached: counts every request it gets."""

    def __init__(self, host: str, port: int):
        self.requests: list[str] = []
        target = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                target.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "6")
                self.end_headers()
                self.wfile.write(b"secret")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.url = f"http://{host}:{port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def capture(web, path: str, body: str, **page) -> Snapshot:
    url = web.page(path, body, **page)
    snapshot = services.snapshot_archive_now(url=url)
    assert snapshot.state == Snapshot.State.ARCHIVED, snapshot.reason
    return snapshot


def rendered(web, path: str, body: str, *, resolver=None, **page) -> Snapshot:
    snapshot = capture(web, path, body, **page)
    assert snapshot.render_state == RenderState.PENDING  # the capture queued it
    return services.snapshot_render_now(snapshot=snapshot, resolver=resolver)


def by_url(snapshot: Snapshot) -> dict[str, dict]:
    return {item["url"]: item for item in snapshot.render_report["subresources"]}


def test_subresources_are_fetched_side_by_side_within_the_per_host_limit(renderer, settings):
    """The browser waits for no fetch: slow images are fetched at the same time (the server
    counts requests in progress at once), never more at once than one host is allowed."""
    settings.ARCHIVE_PER_HOST_CONCURRENCY = 3
    snapshot = capture(
        renderer,
        "/r/slow-images",
        "<html><body><h1>Slow images</h1>"
        + "".join(f'<img src="/hold/0.5/side-{n}">' for n in range(8))
        + "</body></html>",
    )
    renderer.max_active_reset()
    snapshot = services.snapshot_render_now(snapshot=snapshot)
    assert snapshot.render_state == RenderState.COMPLETE, snapshot.render_reason
    assert snapshot.subresources_ok == 8
    assert renderer.max_active == 3


def test_fetches_side_by_side_share_one_byte_budget(renderer, settings):
    """Each of the slow images (932 bytes) starts while the budget (1024) still has room for
    it; only the first to arrive is kept, the others are refused by the budget after the fact."""
    settings.RENDER_MAX_BYTES = 1024
    snapshot = capture(
        renderer,
        "/r/budget-side",
        "<html><body><h1>Budget</h1>"
        + "".join(f'<img src="/hold/0.5/budget-{n}">' for n in range(3))
        + "</body></html>",
    )
    snapshot = services.snapshot_render_now(snapshot=snapshot)
    assert snapshot.render_state == RenderState.PARTIAL
    assert (snapshot.subresources_ok, snapshot.subresources_failed) == (1, 2)
    reasons = [item["reason"] for item in snapshot.render_report["subresources"]]
    assert "byte budget of the render used up" in reasons


def test_capture_queues_a_render_only_when_rendering_is_on(
    renderer, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        snapshot = services.snapshot_archive(
            snapshot_id=services.snapshot_request(
                source=services.source_get_or_create(url=renderer.url("/html/queued")),
                enqueue=False,
            ).pk
        )
    assert snapshot.render_state == RenderState.PENDING
    assert Snapshot.objects.get(pk=snapshot.pk).render_state == RenderState.PENDING
    assert len(callbacks) == 2  # passages and the render

    settings.RENDER_ENABLED = False
    off = services.snapshot_archive_now(url=renderer.url("/html/not-queued"))
    assert off.render_state == RenderState.NONE


def test_a_page_renders_completely_with_its_subresources_in_a_warc(renderer):
    renderer.page("/r/style.css", "h1 { color: #a00 } body { background: url(/r/bg.gif) }",
                  content_type="text/css")  # fmt: skip
    renderer.page("/r/bg.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif")
    renderer.page("/r/logo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif")
    snapshot = rendered(
        renderer,
        "/r/page",
        '<html><head><title>Rendered</title><link rel="stylesheet" href="/r/style.css"></head>'
        '<body><h1>Unemployment fell</h1><img src="/r/logo.gif"></body></html>',
    )
    assert snapshot.render_state == RenderState.COMPLETE, snapshot.render_reason
    assert (snapshot.subresources_ok, snapshot.subresources_failed) == (3, 0)
    assert snapshot.subresources_refused == 0
    assert warc_path(snapshot.screenshot.name).read_bytes().startswith(b"\x89PNG")
    assert warc_path(snapshot.thumbnail.name).read_bytes().startswith(b"\xff\xd8")
    assert warc_path(snapshot.pdf.name).read_bytes().startswith(b"%PDF")
    assert "Unemployment fell" in warc_path(snapshot.dom.name).read_text()

    with warc_path(snapshot.render_warc.name).open("rb") as stream:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers)
            for r in ArchiveIterator(stream)
        ]
    responses = {h.get_header("WARC-Record-ID"): uri for t, uri, h in records if t == "response"}
    requests = [
        (uri, h.get_header("WARC-Concurrent-To")) for t, uri, h in records if t == "request"
    ]
    assert sorted(responses.values()) == sorted(
        renderer.url(p) for p in ["/r/style.css", "/r/bg.gif", "/r/logo.gif"]
    )
    assert all(responses[concurrent] == uri for uri, concurrent in requests)
    assert len(requests) == 3


def test_hostile_page_reaches_no_private_target(renderer, settings):
    """The SSRF table, through the browser: img, iframe, fetch(), a redirect, CSS url() and a
    DNS-rebinding host, aimed at another loopback port, 127.0.0.2 on the allowed port, 10/8 and
    the metadata address. None is reached; each is refused in the report."""
    port = renderer.port
    other_port = Target("127.0.0.1", free_port())
    other_host = Target("127.0.0.2", port)
    answers = iter([["127.0.0.1"]])

    def rebinding(host, _port):
        return next(answers, ["127.0.0.2"])

    private = other_host.url
    page = f"""<html><head><style>
      .bg {{ background: url({private}/css-bg.png) }}
      .bg2 {{ background: url(http://10.0.0.5/css.png) }}</style></head><body>
      <div class="bg">a</div><div class="bg2">b</div>
      <img src="{other_port.url}/img.png">
      <img src="{private}/img.png">
      <img src="http://rebind.test:{port}/html/first">
      <iframe src="http://169.254.169.254/latest/meta-data/"></iframe>
      <iframe src="{private}/frame"></iframe>
      <img src="/to?url={private}/redirected.png">
      <script>
        fetch("{other_port.url}/fetch").catch(() => 0);
        fetch("{private}/fetch").catch(() => 0);
        setTimeout(() => fetch("http://rebind.test:{port}/html/second").catch(() => 0), 300);
      </script></body></html>"""
    try:
        snapshot = rendered(renderer, "/hostile", page, resolver=rebinding)
    finally:
        other_port.close()
        other_host.close()

    assert other_port.requests == []
    assert other_host.requests == []
    report = by_url(snapshot)
    for url in [
        f"{private}/css-bg.png",
        "http://10.0.0.5/css.png",
        f"{other_port.url}/img.png",
        f"{private}/img.png",
        "http://169.254.169.254/latest/meta-data/",
        f"{private}/frame",
        f"{private}/redirected.png",
        f"{other_port.url}/fetch",
        f"{private}/fetch",
        f"http://rebind.test:{port}/html/second",
    ]:
        assert report[url]["outcome"] == "refused", url
        assert report[url]["reason"].startswith("blocked:"), report[url]
    assert "127.0.0.2" in report[f"http://rebind.test:{port}/html/second"]["reason"]
    assert report[f"http://rebind.test:{port}/html/first"]["outcome"] == "ok"
    assert snapshot.render_state == RenderState.PARTIAL
    assert snapshot.subresources_refused == 10
    assert snapshot.render_reason.startswith("0 subresources failed, 10 refused")


def test_a_20000_px_page_gets_a_capped_screenshot(renderer, settings):
    settings.RENDER_MAX_HEIGHT = 3000
    snapshot = rendered(
        renderer, "/tall", '<html><body style="margin:0"><div style="height:20000px">x</div>'
    )
    with Image.open(warc_path(snapshot.screenshot.name)) as image:
        assert image.height == 3000
    assert snapshot.render_state == RenderState.PARTIAL
    assert "page is 20000 px tall: the screenshot stops at 3000 px" in snapshot.render_reason
    assert snapshot.render_report["capped"] is True


def test_a_page_that_never_finishes_loading_ends_partial_and_bounded(renderer):
    snapshot = rendered(renderer, "/never", '<html><body><h1>Slow</h1><img src="/drip"></body>')
    assert snapshot.render_state == RenderState.PARTIAL
    assert by_url(snapshot)[renderer.url("/drip")]["reason"].startswith("timeout")
    assert renderer.sent["/drip"] < 20  # the drip would send 120 bytes; the fetch gave up


def test_a_page_whose_script_never_stops_fails_with_a_reason_and_the_renderer_survives(
    renderer,
):
    snapshot = rendered(renderer, "/busy", "<html><body><script>while (true) {}</script>")
    assert snapshot.render_state == RenderState.FAILED
    assert "did not respond" in snapshot.render_reason

    after = rendered(renderer, "/after-busy", "<html><body><h1>Next page</h1>")
    assert after.render_state == RenderState.COMPLETE, after.render_reason


def test_endless_scroll_stops_at_the_subresource_budget(renderer, settings):
    settings.RENDER_MAX_SUBRESOURCES = 12
    snapshot = rendered(
        renderer,
        "/endless",
        """<html><body><div id="feed"></div><script>
        let n = 0;
        setInterval(() => {
          const item = document.createElement("div");
          item.innerHTML = `<p style="height:400px">item ${n}</p><img src="/html/item-${n}">`;
          document.getElementById("feed").appendChild(item);
          n += 1;
          window.scrollTo(0, document.body.scrollHeight);
        }, 20);
        </script>""",
    )
    assert snapshot.render_state == RenderState.PARTIAL
    assert "more than 12 subresources" in snapshot.render_reason
    assert len(snapshot.render_report["subresources"]) == 12


def test_alerts_and_popups_are_dismissed_and_counted(renderer):
    snapshot = rendered(
        renderer,
        "/popups",
        """<html><body><h1>Annoying</h1><script>
        alert("one"); confirm("two?"); window.open("/html/popup-page");
        </script>""",
    )
    assert snapshot.render_state == RenderState.COMPLETE, snapshot.render_reason
    assert snapshot.render_report["dialogs"] == 2
    assert snapshot.render_report["popups"] == 1


@pytest.mark.parametrize(
    ("path", "kind"), [("/pdf", "application/pdf"), ("/r/photo.png", "image/png")]
)
def test_a_pdf_or_image_url_fails_with_a_clear_reason(renderer, path, kind):
    renderer.page("/r/photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    snapshot = services.snapshot_archive_now(url=renderer.url(path))
    snapshot = services.snapshot_render_now(snapshot=snapshot)
    assert snapshot.render_state == RenderState.FAILED
    assert snapshot.render_reason == (
        f"not a web page ({kind}): the capture keeps the file as it was fetched"
    )
    assert not snapshot.screenshot


def test_archive_url_render_reports_the_render_as_json(renderer, capsys):
    call_command("archive_url", renderer.url("/html/cmd"), "--json", "--render")
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["render_state"] == "complete"
    assert Path(outcome["screenshot"]).read_bytes().startswith(b"\x89PNG")
    assert Path(outcome["pdf"]).is_file()
    with zipfile.ZipFile(outcome["wacz"]) as package:  # signed, with the screenshot inside
        names = package.namelist()
    assert "datapackage-digest.json" in names
    assert any(name.startswith("screenshots/") for name in names)
    assert (outcome["subresources_ok"], outcome["subresources_refused"]) == (0, 0)

    with pytest.raises(SystemExit) as exited:
        call_command("archive_url", renderer.url("/pdf"), "--json", "--render")
    assert exited.value.code == 1
    assert json.loads(capsys.readouterr().out)["render_state"] == "failed"


def _archived(renderer) -> Snapshot:
    snapshot = services.snapshot_archive_now(url=renderer.url("/html/sweep"))
    return snapshot


def test_sweep_never_leaves_a_render_pending_or_running(renderer, settings):
    from datetime import timedelta

    from django.utils import timezone

    snapshot = _archived(renderer)
    long_ago = timezone.now() - timedelta(seconds=settings.ARCHIVE_STUCK_AFTER + 1)
    rows = Snapshot.objects.filter(pk=snapshot.pk)

    rows.update(render_queued_at=long_ago)
    assert renders_requeue_stuck() == 1  # sent once more
    row = rows.get()
    assert (row.render_state, row.render_reason.startswith("re-sent")) == ("pending", True)
    rows.update(render_queued_at=long_ago)
    assert renders_requeue_stuck() == 0
    row = rows.get()
    assert row.render_state == RenderState.FAILED
    assert "no render worker took it" in row.render_reason

    rows.update(
        render_state=RenderState.RUNNING,
        render_started_at=long_ago,
        render_lease_expires_at=long_ago,
        render_attempts=settings.RENDER_MAX_ATTEMPTS,
        render_reason="",
    )
    renders_requeue_stuck()
    row = rows.get()
    assert row.render_state == RenderState.FAILED
    assert row.render_reason.startswith("renderer lost: its lease expired")


def test_the_database_refuses_a_render_state_without_its_evidence(renderer):
    from django.db import IntegrityError, transaction

    snapshot = _archived(renderer)
    rows = Snapshot.objects.filter(pk=snapshot.pk)
    for fields in [
        {"render_state": "failed", "render_reason": ""},
        {"render_state": "complete", "screenshot": ""},
        {"render_state": "bogus"},
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            rows.update(**fields)


def test_staff_see_the_screenshot_through_a_permission_checked_view_only(
    renderer, client, admin_client, django_user_model
):
    snapshot = rendered(renderer, "/r/admin", "<html><body><h1>For the admin</h1>")
    page = admin_client.get(reverse("admin:sources_snapshot_change", args=[snapshot.pk]))
    html = page.content.decode()
    shot = reverse("admin:sources_snapshot_render_file", args=[snapshot.pk, "screenshot"])
    thumb = reverse("admin:sources_snapshot_render_file", args=[snapshot.pk, "thumbnail"])
    pdf = reverse("admin:sources_snapshot_render_file", args=[snapshot.pk, "pdf"])
    assert f'href="{shot}"' in html and f'src="{thumb}"' in html and f'href="{pdf}"' in html
    assert "0 ok, 0 failed, 0 refused" in html
    assert django_settings.MEDIA_URL not in html

    response = admin_client.get(shot)
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert admin_client.get(pdf)["Content-Disposition"].startswith("attachment")
    unknown = reverse("admin:sources_snapshot_render_file", args=[snapshot.pk, "dom"])
    assert admin_client.get(unknown).status_code == 404

    plain = django_user_model.objects.create_user("nobody", password="pw", is_staff=True)
    client.force_login(plain)
    assert client.get(shot).status_code == 403
    client.logout()
    assert client.get(shot).status_code == 302  # to the login page


def test_the_claim_page_and_the_html_report_show_the_screenshot(renderer, reviewer, editor):
    from apps.reports.services import report_render
    from tests.reports.conftest import claim_on, make_article, publish

    snapshot = rendered(renderer, "/r/cited", "<html><body><h1>30,000 residents</h1>")
    article = make_article()
    claim = claim_on(article, "the city had 30,000 residents in 2016")
    services.citation_add(
        claim=claim, url=snapshot.source.url, stance="supports", excerpt="", by=reviewer
    )
    Citation = claim.citations.model
    Citation.objects.filter(claim=claim).update(snapshot=snapshot)
    publish(claim, author=reviewer, approver=editor, label="True", summary="Right.")

    html = b"".join(report_render(fmt="html", article_ids=[article.pk])).decode()
    thumbnail = warc_path(snapshot.thumbnail.name).read_bytes()
    assert f'src="data:image/jpeg;base64,{base64.b64encode(thumbnail).decode()}"' in html

    client = Client()
    client.force_login(editor)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    thumb = reverse("admin:sources_snapshot_render_file", args=[snapshot.pk, "thumbnail"])
    assert f'src="{thumb}"' in page


def test_a_request_that_escapes_routing_goes_nowhere(renderer):
    """The second layer on its own: Chromium started with the renderer's arguments and no
    routing at all cannot reach a server on loopback (the dead proxy takes every request)."""
    from concurrent.futures import ThreadPoolExecutor

    target = Target("127.0.0.1", free_port())

    def unrouted() -> str:
        from playwright.sync_api import Error, sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=django_settings.RENDER_CHROMIUM, args=render.CHROMIUM_ARGS
            )
            page = browser.new_page()
            try:
                page.goto(f"{target.url}/escaped", timeout=10_000)
                outcome = "loaded"
            except Error as exc:
                outcome = str(exc).splitlines()[0]
            browser.close()
        return outcome

    try:
        with ThreadPoolExecutor(1) as pool:  # Playwright's loop stays out of the test thread
            outcome = pool.submit(unrouted).result(timeout=60)
    finally:
        target.close()
    assert target.requests == []
    assert "ERR_PROXY_CONNECTION_FAILED" in outcome


def test_render_again_from_the_admin_queues_archived_captures_only(
    renderer, admin_client, django_capture_on_commit_callbacks
):
    archived = _archived(renderer)
    Snapshot.objects.filter(pk=archived.pk).update(
        render_state=RenderState.FAILED, render_reason="the browser did not answer in time"
    )
    failed = services.snapshot_archive_now(url=renderer.url("/status/404"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(
            reverse("admin:sources_snapshot_changelist"),
            {"action": "render_again", "_selected_action": [archived.pk, failed.pk]},
            follow=True,
        )
    text = response.content.decode()
    assert "Render queued for 1 capture(s)." in text
    assert "Only an archived capture can be rendered." in text
    assert Snapshot.objects.get(pk=archived.pk).render_state == RenderState.PENDING
    assert Snapshot.objects.get(pk=failed.pk).render_state == RenderState.NONE
    assert len(callbacks) == 1
