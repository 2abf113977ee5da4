"""Recall of evidence suggestions on the team's labelled claim-passage pairs (shared by the
quality test and bench/evidence.py): every passage of the set is archived as a capture of its
own, then each claim's suggestions are checked for the passage that settles it."""

import json
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from django.utils import timezone

from apps.sources.evidence import claim_evidence
from apps.sources.models import Snapshot, Source
from apps.sources.passages import passages_index

PAIRS = Path(__file__).parent / "data" / "evidence_pairs.json"


@dataclass
class Recall:
    claims: int
    pairs: int
    hits_at_5: int
    reciprocal_ranks: float
    settles_above_negatives: int
    negatives: int
    misses: list[str]

    @property
    def recall_at_5(self) -> float:
        return self.hits_at_5 / self.claims

    @property
    def mrr(self) -> float:
        return self.reciprocal_ranks / self.claims


def pairs_load() -> list[dict]:
    return json.loads(PAIRS.read_text(encoding="utf-8"))["items"]


def pairs_archive(items: list[dict]) -> list[dict[str, int]]:
    """One source and archived snapshot per passage, indexed; returns each item's label ->
    snapshot ids (a list per label)."""
    now = timezone.now()
    archived = []
    for i, item in enumerate(items):
        labels: dict = {}
        for j, passage in enumerate(item["passages"]):
            url = f"https://evidence-pairs.example.org/{i}/{j}"
            source = Source.objects.create(url=url, domain="evidence-pairs.example.org")
            snapshot = Snapshot.objects.create(
                source=source,
                state=Snapshot.State.ARCHIVED,
                sha256=f"{i:032x}{j:032x}",
                warc=f"archives/pairs-{i}-{j}.warc.gz",
                fetched_at=now,
                text=passage["text"],
            )
            passages_index(snapshot_id=snapshot.pk, source_id=source.pk, text=passage["text"])
            labels.setdefault(passage["label"], []).append(snapshot.pk)
        archived.append(labels)
    return archived


def pairs_recall(items: list[dict], archived: list[dict]) -> Recall:
    result = Recall(len(items), sum(len(i["passages"]) for i in items), 0, 0.0, 0, 0, [])
    for item, labels in zip(items, archived, strict=True):
        claim = SimpleNamespace(pk=None, article_id=None, text=item["claim"])
        ranked = [s.passage.snapshot_id for s in claim_evidence(claim=claim).group("archive")]
        settles = set(labels["settles"])
        rank = next((n for n, pk in enumerate(ranked, 1) if pk in settles), None)
        if rank is not None:
            result.hits_at_5 += rank <= 5
            result.reciprocal_ranks += 1 / rank
        else:
            result.misses.append(item["claim"])
        for label, ids in labels.items():
            if label == "settles":
                continue
            for pk in ids:
                result.negatives += 1
                if rank is not None and (pk not in ranked or ranked.index(pk) + 1 > rank):
                    result.settles_above_negatives += 1
    return result
