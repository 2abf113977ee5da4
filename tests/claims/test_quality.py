"""Precision and recall on the project's own labelled news texts (tests/claims/data): wire
reports, op-eds, an interview, politics with voting records and positions, trends stated in words,
first-person records, with headlines, bylines, captions and promos labelled as boilerplate.

The texts were written and labelled by hand before the trained scorer was run on them, and nothing
is tuned on them: they check that a model trained on debate sentences carries over to news prose.
Targets: precision >= 0.85 and recall >= 0.90; the recall floor below is what the shipped model
reaches (0.872 on 19 articles and 172 check-worthy sentences; the last two texts were added and
labelled after the model was trained and before it was run on them), so a regression fails.
"""

import json
from pathlib import Path

import pytest

from apps.claims.extraction import extract

DATA = Path(__file__).parent / "data"
LABELS = json.loads((DATA / "labels.json").read_text(encoding="utf-8"))
MIN_PRECISION = 0.85
MIN_RECALL = 0.87
MIN_ARTICLES = 15
MIN_CHECKWORTHY = 150


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


def test_the_set_is_large_enough():
    assert len(LABELS) >= MIN_ARTICLES
    assert sum(len(labels["claims"]) for labels in LABELS.values()) >= MIN_CHECKWORTHY


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


def verdict(name, opening):
    """'claim', or the skipped span's reason, for the one sentence of ``name`` that opens so."""
    extraction = extract((DATA / name).read_text(encoding="utf-8"), threshold=0.5)
    claims = [c for c in extraction.claims if c.text.startswith(opening)]
    skipped = [s for s in extraction.skipped if s.text.startswith(opening)]
    assert len(claims) + len(skipped) == 1, (claims, skipped)
    return "claim" if claims else skipped[0].reason


@pytest.mark.parametrize(
    ("name", "opening"),
    [
        ("politics-farm-bill-vote.txt", "Senator Laura Whitfield of Iowa voted against the bill"),
        ("politics-farm-bill-vote.txt", "Speaker Dana Ruiz has refused to schedule a vote"),
        ("interview-mayor.txt", "Okonjo: We doubled the number of bus routes"),
        ("interview-mayor.txt", "Okonjo: I opposed the plan to close the downtown precinct"),
        ("economy-trends.txt", "The president's campaign says unemployment is going down"),
        ("economy-trends.txt", "The challenger, for his part, says this administration has run"),
        ("townhall-senator.txt", "I opposed the war in Iraq when it was not popular"),
        ("debate-night.txt", "Liu repeated her pledge to oppose any abortion restrictions"),
        ("oped-middle-east.txt", "Qatar, which hosts the group's political office in Doha"),
    ],
)
def test_records_positions_and_trends_without_numbers_are_flagged(name, opening):
    assert verdict(name, opening) == "claim"


@pytest.mark.parametrize(
    ("name", "opening"),
    [
        ("interview-mayor.txt", "Q: Will you run for governor?"),
        ("health-waiting-lists.txt", "Ministers should settle the dispute"),
        ("oped-middle-east.txt", "If it does not, the next war is only a matter of time."),
        ("debate-night.txt", "Voters will have the final say next month."),
    ],
)
def test_opinions_predictions_and_questions_are_not(name, opening):
    assert verdict(name, opening).startswith("score ")


@pytest.mark.parametrize(
    ("name", "opening", "reason"),
    [
        ("politics-farm-bill-vote.txt", "By Helen Ashby and Marcus Webb", "byline"),
        ("politics-farm-bill-vote.txt", "Senator Laura Whitfield speaks to reporters", "caption"),
        ("politics-farm-bill-vote.txt", "Read more: What the farm bill means", "promo"),
        ("interview-mayor.txt", "Sign up for our City Hall newsletter", "promo"),
        ("interview-mayor.txt", "This interview has been edited", "disclaimer"),
        ("interview-mayor.txt", "'We did what we promised'", "heading"),
        ("health-waiting-lists.txt", "Photo: PA", "caption"),
        ("debate-night.txt", "Updated: October 9, 2024", "byline"),
    ],
)
def test_captions_bylines_and_promos_are_skipped_for_what_they_are(name, opening, reason):
    assert verdict(name, opening).startswith(reason)
