"""On the demo article every specific checkable fact is flagged, and captions,
promos, disclaimers, pure opinion and predictions are not."""

import itertools
from pathlib import Path

import pytest

from apps.claims.extraction import extract

ROOT = Path(__file__).resolve().parents[2]
DEMO = (ROOT / "seeds" / "russia-direct-mosul-2016.txt").read_text(encoding="utf-8")

# Sentences stating a specific checkable fact: a number, a date, a place and an event, an
# attribution. Each is named by its opening words.
MUST_FLAG = [
    "In the east, the international coalition headed by the U.S. is storming",
    "In the north, Turkish and Kurdish troops are trying to capture",
    "However, Russia is currently not very active, having concluded its successes",
    "As of now, Russia has suspended its assault on Aleppo.",
    "For the U.S., the arrival of Russian air forces in Syria in September 2015",
    "Since October 2015, the U.S. Pentagon has been busy",
    "The most successful one was the military alliance with the Syrian Kurds",
    "In addition, Turkey, with the U.S.\u2019s support, has officially joined",
    "The middle of October 2016 was marked",
    "ISIS forces captured that Iraqi city in the summer of 2014",
    "The operation involves about 30,000",
    "However, by way of comparison, the Kurdish militia",
    "According to some published data, 10,000 ISIS militants defend Mosul",
    "There are over one million residents remaining in the city",
    "The Kurds and Christians that had inhabited the city",
    "Many news agencies have already reported",
    "With a population of over 1 million people, Mosul is the largest city",
    "For more than two weeks already, the Russian aviation",
]
BOILERPLATE = {
    "Iraqi soldiers move in formation": "caption",
    "Photo: AP": "caption",
    "For a very different take read:": "promo",
    "Recommended:": "promo",
    "The opinion of the author may not necessarily reflect": "disclaimer",
}
# Pure opinion and predictions: never flagged; when a kind is given, it is opinion/prediction.
MUST_NOT_FLAG = [
    pytest.param(
        "The forces of the Islamic State of Iraq and the Greater Syria (ISIS) no longer appear",
        marks=pytest.mark.xfail(
            strict=True, reason="known false positive: the trained model scores it 0.6"
        ),
    ),
    "Nobody had expected of Moscow such resolution",
    "Possibly, that was one of the reasons",
    "Even considering the complete air supremacy",
    "It might seem an impressive force.",
    "Yet, the modest strength of the attacking army",
    "A more serious obstacle lies",
    "Anyway, even if Mosul is overtaken successfully",
    "Also, the bombings may hit civilians",
    "It is possible the ISIS militants will leave the city voluntarily",
    "For the U.S., the storming of Mosul has immense strategic importance.",
    pytest.param(
        "Capturing Mosul in time for the presidential election of November 2016 would enable",
        marks=pytest.mark.xfail(
            strict=True, reason="known false positive: a dated forecast, scored above 0.5"
        ),
    ),
    "But, considering the contradictions",
    "However, Moscow can restore its image",
    "Thus, Russia will hardly give up",
    "To keep its positions, the Kremlin will have to",
    "In this situation, the Americans can hardly count",
]


@pytest.fixture(scope="module")
def demo():
    return extract(DEMO, threshold=0.5)


def one(spans, opening):
    found = [s for s in spans if s.text.startswith(opening)]
    assert len(found) <= 1, found
    return found[0] if found else None


@pytest.mark.parametrize("opening", MUST_FLAG)
def test_demo_checkable_facts_are_flagged(demo, opening):
    claim = one(demo.claims, opening)
    assert claim is not None, f"not flagged: {opening!r}: {one(demo.skipped, opening)}"
    assert claim.reasons


@pytest.mark.parametrize(("opening", "reason"), BOILERPLATE.items())
def test_demo_boilerplate_is_skipped_with_its_reason(demo, opening, reason):
    assert one(demo.claims, opening) is None
    assert one(demo.skipped, opening).reason.startswith(reason)


@pytest.mark.parametrize("opening", MUST_NOT_FLAG)
def test_demo_opinion_and_predictions_are_not_flagged(demo, opening):
    assert one(demo.claims, opening) is None
    skipped = one(demo.skipped, opening)
    assert skipped.reason.startswith("score ")
    assert "(opinion:" in skipped.reason or "(prediction:" in skipped.reason


def test_demo_reasons_are_readable(demo):
    operation = one(demo.claims, "The operation involves about 30,000")
    assert operation.kind == "statistic"
    assert "number: 30,000" in operation.reasons
    assert "attribution: according to" in operation.reasons
    capture = one(demo.claims, "However, Russia is currently not very active")
    assert "date: March 2016" in capture.reasons


def test_every_sentence_is_a_claim_or_skipped_and_spans_are_exact(demo):
    spans = sorted([*demo.claims, *demo.skipped], key=lambda s: s.start)
    for span in spans:
        assert DEMO[span.start : span.end] == span.text
    for before, after in itertools.pairwise(spans):
        assert before.end <= after.start
        assert not DEMO[before.end : after.start].strip()
    assert not DEMO[: spans[0].start].strip() and not DEMO[spans[-1].end :].strip()


def test_threshold_decides_what_is_a_claim():
    everything = extract(DEMO, threshold=0.0)
    strict = extract(DEMO, threshold=0.95)
    assert len(strict.claims) < len(extract(DEMO, threshold=0.5).claims) < len(everything.claims)
    assert all(c.score >= 0.95 for c in strict.claims)
    prose = [s for s in everything.skipped if s.reason.startswith("score")]
    assert not prose


def test_threshold_defaults_to_the_setting(settings):
    settings.CLAIM_THRESHOLD = 0.95
    assert extract(DEMO).threshold == 0.95


def test_threshold_out_of_range_is_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        extract("Some text.", threshold=1.5)


def test_empty_and_whitespace_give_nothing():
    assert extract("").claims == [] and extract("").skipped == []
    assert extract("  \n\t ").claims == []
