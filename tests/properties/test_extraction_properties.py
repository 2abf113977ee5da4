"""Property: whatever text is imported, extraction never crashes and every span it reports is
exact, text == body[start:end], so highlighting and stored offsets can be trusted."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.claims.extraction import extract

FRAGMENTS = st.sampled_from(
    [
        "The city had 40,000 residents in 2020.",
        "Unemployment rose to 6.5% in October, the office said.",
        "Dr. Smith said",
        "e.g.",
        "“Quoted,” he said.",
        "\n\n",
        "\r\n",
        " ",
        "...",
        "U.S.",
        "$3.2 billion",
        "# Heading",
        "- item one",
        "http://example.org/a.b?c=d.",
        "\u00a0",
        "\u200b",
        "\ufeff",
        "😀",
        "é",
        "\u0301",
        "ﬁ",
        "İ",
        "?!",
        "1.",
    ]
)
PROSE = st.lists(st.one_of(FRAGMENTS, st.text(max_size=30)), max_size=40).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=400), PROSE)


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(ANY_TEXT)
def test_extraction_never_crashes_and_every_span_is_exact(text):
    result = extract(text)
    for claim in result.claims:
        assert 0 <= claim.start < claim.end <= len(text)
        assert text[claim.start : claim.end] == claim.text
        assert 0.0 <= claim.score <= 1.0
    for span in result.skipped:
        assert 0 <= span.start <= span.end <= len(text)
        assert text[span.start : span.end] == span.text
    starts = [c.start for c in result.claims]
    assert starts == sorted(starts)
