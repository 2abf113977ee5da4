import pytest

from apps.claims.extraction.scoring import assess


def test_reasons_name_the_evidence():
    a = assess(
        "According to some published data, 30,000 soldiers took part in October 2016, "
        "making it the largest operation since 2003."
    )
    assert "number: 30,000 soldiers" in a.reasons
    assert "date: October 2016" in a.reasons
    assert "attribution: According to" in a.reasons
    assert "comparison: largest" in a.reasons
    assert a.kind == "statistic"
    assert 0.9 < a.score <= 1


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Unemployment rose to 6.5% in October.", "statistic"),
        ("Mosul is the largest city under the control of the group.", "comparison"),
        ("The decline was driven by lower fuel costs in Germany.", "causal"),
        (
            "Many news agencies have reported that refugees are moving towards the border.",
            "attribution",
        ),
        ("Russia has suspended its assault on Aleppo.", "event"),
        ("Capturing the city will be an extremely difficult task.", "prediction"),
        ("It might seem an impressive force.", "opinion"),
    ],
)
def test_kinds(text, kind):
    assert assess(text).kind == kind


def test_hedges_modals_and_predictions_push_the_score_down():
    fact = assess("The army captured Manbij in August 2016.")
    hedged = assess("The army might capture Manbij, possibly.")
    predicted = assess("The army will hardly capture Manbij.")
    opinion = assess("I think the army should capture Manbij, which is a terrible place.")
    assert fact.score > 0.5
    for weaker in (hedged, predicted, opinion):
        assert weaker.score < 0.5 < fact.score
    assert "hedge: might" in hedged.reasons
    assert "prediction: will" in predicted.reasons


def test_a_reported_forecast_weighs_less_than_the_authors_own():
    reported = assess("Marsh said the plan would create 15,000 jobs in Springfield.")
    own = assess("The plan would create 15,000 jobs in Springfield.")
    assert reported.score > own.score


def test_questions_and_fragments_score_low():
    assert assess("Will the new plan fare any better?").score < 0.3
    assert assess("Only time will tell.").score < 0.3


def test_may_the_verb_is_not_a_date():
    assert not any(r.startswith("date") for r in assess("The bombings may hit civilians.").reasons)


def test_score_is_deterministic_and_bounded():
    text = "Revenue rose to $21.7 billion in 2023, the company said."
    assert assess(text) == assess(text)
    assert 0 <= assess(text).score <= 1
