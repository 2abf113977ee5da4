"""`make bench`'s closing table: each measure keeps its own verdict, and a script that exited
non-zero, or said nothing, has a failing row of its own."""

from bench.summary import table


def record(script, measure, ok):
    return {
        "script": script,
        "measure": measure,
        "project": 1.0,
        "baseline": 2.0,
        "ratio": 0.5,
        "target": ">= 0.5x",
        "ok": ok,
        "unit": "",
    }


def verdicts(text: str) -> dict[str, str]:
    rows = text.splitlines()[2:]
    return {row.split(" | ")[0].strip(): row.split(" | ")[-1].strip() for row in rows}


def test_a_failing_measure_does_not_fail_its_scripts_other_measures():
    records = [record("archive.py", "throughput", False), record("archive.py", "memory", True)]
    text, ok = table(records, {"archive.py": 1})
    assert not ok
    assert verdicts(text) == {
        "archive.py: throughput": "FAIL",
        "archive.py: memory": "pass",
        "archive.py: exited 1": "FAIL",
    }


def test_an_exit_and_a_silent_script_get_failing_rows():
    text, ok = table([record("api.py", "speed", True)], {"api.py": 2, "load.py": 0})
    assert not ok
    assert verdicts(text) == {
        "api.py: speed": "pass",
        "api.py: exited 2": "FAIL",
        "load.py: no result reported (exit 0)": "FAIL",
    }


def test_all_measures_passing_and_clean_exits_pass():
    _, ok = table([record("api.py", "speed", True)], {"api.py": 0})
    assert ok
