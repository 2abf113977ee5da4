"""The render queue end to end: a real worker process on queue `render` (the command
docker-compose's renderer runs) picks up the render a capture queued on commit, and survives a
page that hangs its browser."""

import os

import pytest

from apps.sources import services
from apps.sources.models import RenderState, Snapshot
from tests.conftest import wait_for, worker_env, worker_process

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def render_worker(tmp_path):
    env = {
        **worker_env(),
        "RENDER_ENABLED": "true",
        "RENDER_TIMEOUT": "8",
        "RENDER_CONCURRENCY": "1",
    }
    with worker_process(
        queues="render",
        concurrency=1,
        node=f"render-{os.getpid()}@test",
        log=tmp_path / "render-worker.log",
        env=env,
    ) as proc:
        yield proc


def final_render(snapshot_id: int) -> Snapshot:
    def done():
        row = Snapshot.objects.get(pk=snapshot_id)
        return row if row.render_state not in Snapshot.RENDER_ACTIVE_STATES else None

    return wait_for(done, timeout=60)


def test_the_render_worker_renders_queued_captures_and_survives_a_hung_page(
    render_worker, localweb_allowed, settings
):
    settings.RENDER_ENABLED = True
    web = localweb_allowed
    busy = services.snapshot_archive_now(
        url=web.page("/w/busy", "<html><body><script>while (true) {}</script>")
    )
    assert busy.render_state == RenderState.PENDING
    row = final_render(busy.pk)
    assert row.render_state == RenderState.FAILED
    assert "did not respond" in row.render_reason

    fine = services.snapshot_archive_now(url=web.page("/w/fine", "<html><body><h1>Fine</h1>"))
    row = final_render(fine.pk)
    assert row.render_state == RenderState.COMPLETE, row.render_reason
    assert row.screenshot and row.pdf
    assert render_worker.poll() is None
