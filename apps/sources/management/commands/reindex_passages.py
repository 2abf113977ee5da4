"""`python manage.py reindex_passages`: cut every source's latest capture with text into passages
again, for instance after an upgrade changes how passages are cut. Synchronous and safe to run
again: each source's passages are replaced in one transaction, so searches meanwhile see either
the old passages or the new ones."""

from django.core.management.base import BaseCommand

from apps.sources.passages import snapshot_passages_index
from apps.sources.selectors import snapshots_indexable


class Command(BaseCommand):
    help = "Re-cut every source's latest capture with text into evidence passages."

    def handle(self, *args, **options):
        snapshot_ids = snapshots_indexable()
        passages = 0
        for done, snapshot_id in enumerate(snapshot_ids, 1):
            passages += snapshot_passages_index(snapshot_id=snapshot_id)
            if done % 100 == 0:
                self.stdout.write(f"{done:,} of {len(snapshot_ids):,} captures")
        captures = "capture" if len(snapshot_ids) == 1 else "captures"
        self.stdout.write(
            self.style.SUCCESS(f"{passages:,} passages from {len(snapshot_ids):,} {captures}")
        )
