"""The embedded SQLite default: the FTS5 table is created by the migration and kept in step with
the passages by the service, and suggestions reach the same quality bar as on PostgreSQL."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SCRIPT = """
import json
from django.db import connection
from django.utils import timezone
from apps.sources.models import Passage, Snapshot, Source
from apps.sources.passages import passages_index, passages_search
from tests.sources.evidence_quality import pairs_archive, pairs_load, pairs_recall

items = pairs_load()
result = pairs_recall(items, pairs_archive(items))

def fts_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sources_passage_fts")
        return cursor.fetchone()[0]

source = Source.objects.create(url="https://sqlite.example.org/a", domain="sqlite.example.org")
snap = Snapshot.objects.create(source=source, state="archived", sha256="a" * 64, warc="w",
    fetched_at=timezone.now(), text="Zanzibar ferries carried 9,000 people. They were full.")
passages_index(snapshot_id=snap.pk, source_id=source.pk, text=snap.text)
first = [pk for pk, _ in passages_search(terms=["zanzibar"])]
newer = Snapshot.objects.create(source=source, state="archived", sha256="b" * 64, warc="w2",
    fetched_at=timezone.now(), text="Ferries to Pemba were cancelled. Zanzibar was quiet.")
passages_index(snapshot_id=newer.pk, source_id=source.pk, text=newer.text)
second = [pk for pk, _ in passages_search(terms=["zanzibar"])]
second_ids = Passage.objects.filter(pk__in=second).values_list("snapshot_id", flat=True)
print(json.dumps({
    "vendor": connection.vendor,
    "recall": result.recall_at_5,
    "passages": Passage.objects.count(),
    "fts": fts_rows(),
    "first": first, "second": second,
    "second_snapshots": sorted(set(second_ids)),
    "newer": newer.pk,
    "hostile": passages_search(terms=['zanzibar" OR NEAR(', "*"]) != [],
}))
"""


def test_sqlite_fts5_index_and_quality(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY"}
    }
    env.update(DJANGO_SETTINGS_MODULE="factcheck.settings", DEBUG="true", DATA_DIR=str(tmp_path))

    def manage(*args, stdin=None):
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    manage("migrate", "--noinput", "-v0")
    out = json.loads(manage("shell", stdin=SCRIPT).strip().splitlines()[-1])
    assert out["vendor"] == "sqlite"
    assert out["recall"] >= 0.90
    assert out["fts"] == out["passages"], "the FTS table holds exactly the passages"
    assert out["first"] and out["second"] and not set(out["first"]) & set(out["second"])
    assert out["second_snapshots"] == [out["newer"]]
    assert out["hostile"] is True
