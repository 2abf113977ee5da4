"""Formula neutralising looks past what a spreadsheet skips before reading a formula."""

import pytest

from apps.reports.csv_export import neutralise


@pytest.mark.parametrize(
    "value",
    [
        " =1+1",
        '\n=HYPERLINK("http://evil.example")',
        "\u00a0=1+1",
        "\u200b@SUM(A1)",
        "\ufeff+1",
        "\u200e-1",
        "  \t \u2028=1",
        "\u3000=1",
        "\uff1dcmd|' /C calc'!A0",
        "\v+1",
    ],
)
def test_trigger_after_leading_blanks_or_invisible_characters_is_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", [" a=1", "\u00a030,000", "\n\nA plain claim.", "   ", "x-1"])
def test_text_without_a_leading_trigger_is_unchanged(value):
    assert neutralise(value) == value
