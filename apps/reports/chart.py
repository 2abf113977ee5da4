"""The summary chart: a horizontal bar per rating, in the scale's own colours, drawn on the server
as inline SVG so that the HTML report needs no script and prints (and turns into PDF) as it is."""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.reports.documents import RatingCount

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
LABEL_WIDTH = 130
BAR_AREA = 440
COUNT_WIDTH = 50
ROW_HEIGHT = 30
BAR_HEIGHT = 20
TOP = 10
AXIS_HEIGHT = 24
MIN_AXIS = 5


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour[1:3])
        + 0.7152 * channel(colour[3:5])
        + 0.0722 * channel(colour[5:7])
    )


def ink_for(colour: str) -> str:
    """Black or white text, whichever contrasts more with a background of `colour`."""
    lum = _luminance(colour)
    return "#ffffff" if (1.05 / (lum + 0.05)) >= ((lum + 0.05) / 0.05) else "#1a1a1a"


def _axis_step(largest: int) -> int:
    """A round step giving at most five gridlines up to `largest`."""
    for magnitude in range(0, 10):
        for base in (1, 2, 5):
            step = base * 10**magnitude
            if largest / step <= 5:
                return step
    return 10**10


def rating_chart_svg(
    summary: list[RatingCount], *, title: str = "Verdicts by rating"
) -> SafeString:
    """An accessible SVG bar chart of counts per rating; labels are escaped."""
    largest = max((c.count for c in summary), default=0)
    # A scale of at least 0..5, so that one or two verdicts do not fill the whole width.
    step = _axis_step(max(largest, MIN_AXIS))
    axis_max = max(MIN_AXIS, math.ceil(largest / step) * step)
    width = LABEL_WIDTH + BAR_AREA + COUNT_WIDTH
    plot_height = ROW_HEIGHT * len(summary)
    height = TOP + plot_height + AXIS_HEIGHT
    x0 = LABEL_WIDTH
    description = ", ".join(f"{c.label}: {c.count}" for c in summary) or "no verdicts"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="rating-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{FONT}" font-size="12" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
    ]
    for tick in range(0, axis_max + 1, step):
        x = x0 + BAR_AREA * tick / axis_max
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{TOP + plot_height}" '
            f'stroke="{"#9e9e9e" if tick == 0 else "#e0e0e0"}" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{TOP + plot_height + 16}" text-anchor="middle" '
            f'fill="#757575" font-size="10">{tick}</text>'
        )
    for i, c in enumerate(summary):
        y = TOP + i * ROW_HEIGHT
        mid = y + ROW_HEIGHT / 2
        bar = BAR_AREA * c.count / axis_max
        label_fill = "#212121" if c.count else "#9e9e9e"
        parts.append(
            f'<text x="{x0 - 10}" y="{mid + 4:.1f}" text-anchor="end" fill="{label_fill}">'
            f"{escape(c.label)}</text>"
        )
        if c.count:
            parts.append(
                f'<rect x="{x0}" y="{mid - BAR_HEIGHT / 2:.1f}" width="{bar:.1f}" '
                f'height="{BAR_HEIGHT}" rx="2" fill="{escape(c.colour)}"/>'
            )
        parts.append(
            f'<text x="{x0 + bar + 6:.1f}" y="{mid + 4:.1f}" fill="{label_fill}" '
            f'font-weight="{"bold" if c.count else "normal"}">{c.count}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
