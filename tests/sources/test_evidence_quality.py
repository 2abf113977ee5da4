"""Evidence search quality on the labelled claim-passage pairs in data/evidence_pairs.json."""

import pytest

from tests.sources.evidence_quality import pairs_archive, pairs_load, pairs_recall

pytestmark = pytest.mark.django_db


def test_the_labelled_set_is_big_enough_and_has_hard_negatives():
    items = pairs_load()
    labels = [p["label"] for item in items for p in item["passages"]]
    assert len(labels) >= 100
    assert all(sum(p["label"] == "settles" for p in i["passages"]) == 1 for i in items)
    assert labels.count("different_number") >= 30 and labels.count("different_subject") >= 30


def test_recall_at_5_on_the_labelled_pairs():
    items = pairs_load()
    result = pairs_recall(items, pairs_archive(items))
    assert result.recall_at_5 >= 0.90, result.misses
    # The re-rank puts the settling passage above most of its hard negatives.
    assert result.settles_above_negatives >= 0.85 * result.negatives, result
