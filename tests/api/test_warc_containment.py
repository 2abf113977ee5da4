"""The stored WARC name is joined to MEDIA_ROOT with containment: a row whose name escapes the
archive storage (`..`, an absolute path, a symbolic link out) never serves that file."""

from pathlib import Path

import pytest
from django.conf import settings

from apps.sources.models import Snapshot
from apps.sources.warc import WarcPathError, warc_path

pytestmark = pytest.mark.django_db

OUTSIDE = "SECRET-file-outside-media-root"


@pytest.fixture
def outside_file(tmp_path) -> Path:
    path = tmp_path / "outside.warc.gz"
    path.write_text(OUTSIDE)
    return path


@pytest.fixture
def published_snapshot(newsroom) -> Snapshot:
    return Snapshot.objects.filter(citations__claim=newsroom.published).get()


def _escaping_names(outside: Path) -> list[str]:
    root = Path(settings.MEDIA_ROOT).resolve()
    link = root / "archives" / "escape.warc.gz"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(outside)
    up = "/".join([".."] * len(root.parts))
    return [str(outside), f"archives/../..{outside}", f"{up}{outside}", "archives/escape.warc.gz"]


def test_a_name_escaping_media_root_is_refused(outside_file):
    for name in _escaping_names(outside_file):
        with pytest.raises(WarcPathError):
            warc_path(name)


def test_a_name_inside_media_root_is_joined(published_snapshot):
    path = warc_path("archives/ab/abc.warc.gz")
    assert path == Path(settings.MEDIA_ROOT).resolve() / "archives" / "ab" / "abc.warc.gz"


def test_the_api_never_serves_a_file_outside_media_root(api, published_snapshot, outside_file):
    for name in _escaping_names(outside_file):
        Snapshot.objects.filter(pk=published_snapshot.pk).update(warc=name)
        response = api.get(f"/api/v1/snapshots/{published_snapshot.pk}/warc/")
        assert response.status_code == 404, name
        assert response["Content-Type"] == "application/json"
        assert OUTSIDE.encode() not in b"".join(getattr(response, "streaming_content", [b""]))
