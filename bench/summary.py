"""The one table `make bench` ends with: every benchmark's measures against their targets.

Contract for a benchmark script in bench/ (one line per measure, nothing else to learn):

    from bench.summary import bench_result        # bench/ scripts put the repo root on sys.path
    bench_result(
        measure="archive throughput",             # what was measured
        project=812.0,                            # the project's figure
        baseline=950.0,                           # the same work done plainly (None if none)
        target=">= 0.8x",                         # the target, as a reader should see it
        ok=True,                                  # whether the target is met
        unit="URLs/s",                            # optional
        ratio=0.85,                               # optional: project / baseline unless given
    )

`bench_result` prints the line `BENCH-RESULT {json}` and, when the environment variable
BENCH_RESULTS names a file (the Makefile sets one), appends the same JSON object to it.
A script that exits non-zero still counts as failed even if its lines passed.

    .venv/bin/python bench/summary.py RESULTS_FILE SCRIPT[:EXIT_CODE] ...

prints the table (measure, project, baseline, ratio, target, pass/fail), each row with its own
verdict, plus a failing row for each script that reported no result or exited non-zero, and exits
1 unless everything passed.
"""

import json
import os
import sys
from pathlib import Path

PREFIX = "BENCH-RESULT "


def bench_result(
    *,
    measure: str,
    project: float,
    baseline: float | None,
    target: str,
    ok: bool,
    unit: str = "",
    ratio: float | None = None,
) -> dict:
    """Report one measure (see the module docstring); returns the record."""
    if ratio is None and baseline:
        ratio = project / baseline
    record = {
        "script": Path(sys.argv[0]).name,
        "measure": measure,
        "project": project,
        "baseline": baseline,
        "ratio": ratio,
        "target": target,
        "ok": bool(ok),
        "unit": unit,
    }
    line = json.dumps(record)
    print(PREFIX + line, flush=True)
    path = os.environ.get("BENCH_RESULTS")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(line + "\n")
    return record


def _number(value, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{text} {unit}".strip()


def table(records: list[dict], scripts: dict[str, int]) -> tuple[str, bool]:
    """The summary table as text, and whether everything passed."""
    rows = []
    all_ok = True
    seen = {record["script"] for record in records}
    for record in records:
        ok = record["ok"]
        all_ok &= ok
        rows.append([
            f"{record['script']}: {record['measure']}",
            _number(record["project"], record.get("unit", "")),
            _number(record["baseline"], record.get("unit", "")),
            "-" if record["ratio"] is None else f"{record['ratio']:.2f}x",
            record["target"],
            "pass" if ok else "FAIL",
        ])  # fmt: skip
    for script, code in scripts.items():
        if script not in seen:
            all_ok = False
            rows.append([f"{script}: no result reported (exit {code})", "-", "-", "-", "-", "FAIL"])
        elif code != 0:
            # Each row keeps its own verdict, and the exit its own row: a script that crashed
            # after a failing measure may not have reported the measures after it.
            all_ok = False
            rows.append([f"{script}: exited {code}", "-", "-", "-", "-", "FAIL"])
    header = ["measure", "project", "baseline", "ratio", "target", "pass/fail"]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        " | ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True))
        for row in [header]
    ]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [
        " | ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
    ]
    return "\n".join(lines), all_ok


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    path, *script_args = argv
    scripts = {}
    for arg in script_args:
        name, _, code = arg.partition(":")
        scripts[Path(name).name] = int(code or 0)
    records = []
    if Path(path).exists():
        records = [json.loads(line) for line in Path(path).read_text().splitlines() if line]
    text, ok = table(records, scripts)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
