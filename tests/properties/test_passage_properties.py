"""Property: whatever text a page yields, its passages are exact, ordered, non-empty slices of at
most MAX_PASSAGE_CHARS that neither start nor end with a blank, each overlapping at most the one
before it, and together they hold every sentence of the text (only blanks and block markers fall
outside them)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.sources.passages import MAX_PASSAGE_CHARS, passage_spans
from tests.properties.test_extraction_properties import ANY_TEXT, FRAGMENTS

LONG = st.lists(st.one_of(FRAGMENTS, st.just("word " * 400)), max_size=12).map("".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(ANY_TEXT, LONG))
def test_passages_are_exact_ordered_slices_sharing_text_only_with_neighbours(text):
    spans = passage_spans(text)
    previous_start = previous_end = before_previous_end = -1
    for position, span in enumerate(spans):
        assert span.position == position
        assert previous_start < span.start < span.end <= len(text)
        assert previous_end < span.end
        assert before_previous_end <= span.start  # shares text with the previous passage only
        assert span.end - span.start <= MAX_PASSAGE_CHARS
        assert text[span.start] not in " \t\r\n" and text[span.end - 1] not in " \t\r\n"
        assert text[span.start : span.end].strip()
        previous_start, before_previous_end, previous_end = span.start, previous_end, span.end
    covered = set()
    for span in spans:
        covered.update(range(span.start, span.end))
    outside = "".join(ch for i, ch in enumerate(text) if i not in covered)
    # Between passages: blanks, and the markers of headings and list items.
    assert all(ch.isspace() or ch in "#-*•+.()[]\u200b\ufeff" or ch.isalnum() for ch in outside)
    letters_outside = sum(ch.isalpha() for ch in outside)
    assert letters_outside <= 2 * text.count("\n") + 2  # "a) " style list markers only
