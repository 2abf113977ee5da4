"""Fixtures for evidence-package tests: a throwaway MEDIA_ROOT and signing key, and a snapshot
archived from the local web server."""

import pytest

from apps.sources import services
from tests.factories import SourceFactory

PAGE_WORDS = "The council approved the budget on Tuesday. " * 30


@pytest.fixture
def keyed(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CAPTURE_KEY_PATH = tmp_path / "keys" / "capture-key.pem"
    return settings


@pytest.fixture
def archived(keyed, localweb_allowed):
    url = localweb_allowed.page(
        "/evidence/page", f"<html><title>Budget</title><body><p>{PAGE_WORDS}</p></body></html>"
    )
    source = SourceFactory(url=url, domain="127.0.0.1")
    snapshot = services.snapshot_archive(snapshot_id=services.snapshot_request(source=source).pk)
    return services.snapshot_extract(snapshot_id=snapshot.pk)
