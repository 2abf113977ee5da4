"""Issue 3, point 8: precision and recall on a labelled set of news texts written for the purpose
(tests/claims/data; the labels say which sentences state a checkable fact and which are
boilerplate). The heldout-* text was written and labelled after the scoring rules were tuned."""

import json
from pathlib import Path

import pytest

from apps.claims.extraction import extract

DATA = Path(__file__).parent / "data"
LABELS = json.loads((DATA / "labels.json").read_text(encoding="utf-8"))
MIN_PRECISION = 0.85
MIN_RECALL = 0.80


def score(names):
    tp = fp = fn = 0
    problems = []
    for name in names:
        body = (DATA / name).read_text(encoding="utf-8")
        extraction = extract(body, threshold=0.5)
        flagged = {c.text for c in extraction.claims}
        skipped = {s.text: s.reason for s in extraction.skipped}
        wanted = set(LABELS[name]["claims"])
        for text in wanted | set(LABELS[name]["boilerplate"]):
            if text not in flagged and text not in skipped:
                problems.append(f"{name}: not segmented as one sentence: {text!r}")
        for text in LABELS[name]["boilerplate"]:
            if text in flagged or skipped.get(text, "score").startswith("score"):
                problems.append(f"{name}: boilerplate not skipped: {text!r}")
        tp += len(flagged & wanted)
        fp += len(flagged - wanted)
        fn += len(wanted - flagged)
    return tp, fp, fn, problems


def report(label, tp, fp, fn):
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"\n{label}: precision {precision:.3f}, recall {recall:.3f} (tp={tp} fp={fp} fn={fn})")
    return precision, recall


def test_precision_and_recall_on_the_labelled_set():
    tp, fp, fn, problems = score(LABELS)
    assert not problems, problems
    precision, recall = report("labelled set", tp, fp, fn)
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL


@pytest.mark.parametrize("name", sorted(LABELS))
def test_no_text_in_the_set_fails_badly(name):
    tp, fp, fn, problems = score([name])
    assert not problems, problems
    precision, recall = report(name, tp, fp, fn)
    assert precision >= 0.75 and recall >= 0.6
