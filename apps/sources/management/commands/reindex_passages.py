"""`python manage.py reindex_passages`: cut every source's latest capture into passages again, for
instance after an upgrade changes how passages are cut. Synchronous and safe to run again: each
source's passages are replaced in one transaction, so searches meanwhile see either the old
passages or the new ones. A capture that fails is reported and the others still done; the exit
status is then 1."""

import logging

from django.core.management.base import BaseCommand, CommandError

from apps.sources.passages import snapshot_passages_index
from apps.sources.selectors import snapshots_indexable

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Re-cut every source's latest capture into evidence passages."

    def handle(self, *args, **options):
        snapshot_ids = snapshots_indexable()
        passages, failed = 0, []
        for done, snapshot_id in enumerate(snapshot_ids, 1):
            try:
                passages += snapshot_passages_index(snapshot_id=snapshot_id)
            except Exception:  # a batch repair: report this capture, go on with the rest
                logger.exception("re-indexing snapshot %s failed", snapshot_id)
                failed.append(snapshot_id)
            if done % 100 == 0:
                self.stdout.write(f"{done:,} of {len(snapshot_ids):,} captures")
        captures = "capture" if len(snapshot_ids) == 1 else "captures"
        self.stdout.write(f"{passages:,} passages from {len(snapshot_ids):,} {captures}")
        if failed:
            raise CommandError(f"{len(failed)} failed (snapshot ids {failed[:20]}); see the log")
