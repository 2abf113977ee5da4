"""A claim's explanation as the claim page draws it: the learned features' signed contributions
as bars on one scale, so a reviewer reads at a glance what pushed the score up and what down."""

import math

CONTRIBUTION_HALF_WIDTH = 90  # pixels either side of the zero line
MINUS = "\u2212"  # a true minus sign lines up with the plus in a column of figures


def contribution_rows(contributions) -> list[dict]:
    """The learned features' signed contributions as bars on one scale, the strongest full width.

    Log-odds below 0.5 are never stretched to full width: a claim whose strongest feature is weak
    should look weak. Malformed entries (a hand-edited row) are skipped rather than shown wrong.
    """
    entries = [
        (str(c["feature"]), float(c["weight"]))
        for c in contributions or []
        if isinstance(c, dict)
        and "feature" in c
        and isinstance(c.get("weight"), int | float)
        and math.isfinite(c["weight"])
    ]
    scale = max([0.5, *(abs(w) for _, w in entries)])
    rows = []
    for feature, weight in entries:
        width = round(abs(weight) / scale * CONTRIBUTION_HALF_WIDTH, 1)
        rows.append(
            {
                "feature": feature,
                "value": f"{'+' if weight >= 0 else MINUS}{abs(weight):.2f}",
                "positive": weight >= 0,
                "x": CONTRIBUTION_HALF_WIDTH
                if weight >= 0
                else round(CONTRIBUTION_HALF_WIDTH - width, 1),
                "width": width,
            }
        )
    return rows
