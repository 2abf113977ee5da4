"""The shipped weights: current, reproducible, small, and readable without scikit-learn."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from apps.claims.extraction import model, train

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = model.WEIGHTS_PATH.read_bytes()
SHIPPED = json.loads(WEIGHTS)
# The cross-validated figures must not fall below these (the shipped model: F1 of the check-worthy
# class 0.768, 0.768 with each fold's threshold chosen on the other folds; both classes' macro F1
# 0.846 and class-weighted F1 0.884; the n-gram model without rule features scored 0.752).
CV_F1_FLOOR = 0.765
CV_HELD_OUT_THRESHOLD_F1_FLOOR = 0.76
CV_MACRO_F1_FLOOR = 0.84
CV_WEIGHTED_F1_FLOOR = 0.88


def test_weights_file_is_small_and_records_its_training():
    assert model.WEIGHTS_PATH.parent == ROOT / "apps" / "claims" / "extraction"
    assert len(WEIGHTS) < 2 * 1024 * 1024
    assert SHIPPED["format"] == model.FORMAT_VERSION
    assert SHIPPED["version"] == model.current().version
    assert len(SHIPPED["version"]) <= 64  # Claim.model_version
    (source,) = SHIPPED["trained_on"]
    assert source["file"] == train.DEFAULT_DATA.name
    assert source["sha256"] == hashlib.sha256(train.DEFAULT_DATA.read_bytes()).hexdigest()
    assert source["sentences"] == 7975
    params = SHIPPED["hyperparameters"]
    assert params["C"] in params["C_grid"] and params["folds"] == 5
    assert all(abs(w) >= params["prune_below"] for w in SHIPPED["weights"].values())
    cv = SHIPPED["cv"]
    assert cv["f1"] >= CV_F1_FLOOR
    assert cv["f1_threshold_held_out"] >= CV_HELD_OUT_THRESHOLD_F1_FLOOR
    assert cv["macro_f1"] >= CV_MACRO_F1_FLOOR
    assert cv["weighted_f1"] >= CV_WEIGHTED_F1_FLOOR
    # Both averages include the other class, which is easier: never below the check-worthy F1.
    assert cv["f1"] < cv["macro_f1"] < cv["weighted_f1"]
    assert cv["f1"] == pytest.approx(
        2 * cv["precision"] * cv["recall"] / (cv["precision"] + cv["recall"]), abs=2e-4
    )


@pytest.mark.slow
def test_retraining_reproduces_the_committed_weights_byte_for_byte():
    """Re-runs the whole cross-validation: the CV figures in the file are recomputed here, and a
    change to features or rules without `make train-claims` fails this test. Byte for byte only
    with the numerical libraries pyproject.toml pins (the file records them)."""
    assert json.loads(WEIGHTS)["trained_with"] == train.toolchain(), "reinstall: make install"
    assert train.train([train.DEFAULT_DATA]) == WEIGHTS


def test_run_time_scoring_imports_no_numerical_library():
    script = (
        "import sys\n"
        "from apps.claims.extraction import extract\n"
        "found = extract('She voted against the bill in 2019, the record shows.', threshold=0.5)\n"
        "assert found.claims and found.claims[0].contributions, found\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'scipy', 'sklearn'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def write_lines(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


SMALL = [
    *(
        {"id": i, "text": f"The state cut taxes by {i} percent in 2010.", "checkworthy": True}
        for i in range(12)
    ),
    *(
        {"id": 100 + i, "text": "I think we should do better.", "checkworthy": False}
        for i in range(12)
    ),
]


def test_training_takes_extra_files_and_records_each(tmp_path):
    main = write_lines(tmp_path / "main.jsonl", SMALL)
    extra = write_lines(
        tmp_path / "feedback.jsonl",
        [{"id": 7, "text": "The council voted against the plan.", "checkworthy": True}] * 3,
    )
    out = tmp_path / "weights.json"
    assert train.main(["--data", str(main), "--out", str(out), str(extra)]) == 0
    written = json.loads(out.read_bytes())
    assert [(s["file"], s["sentences"]) for s in written["trained_on"]] == [
        ("main.jsonl", 24),
        ("feedback.jsonl", 3),
    ]
    assert written["trained_on"][1]["sha256"] == hashlib.sha256(extra.read_bytes()).hexdigest()
    assert written["weights"]["council"] > 0  # only the extra file has this word
    assert model.load(out).score(["council"])[1] == [("council", written["weights"]["council"])]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", ":25: not JSON"),
        ('["a list"]', ":25: expected an object"),
        ('{"text": "", "checkworthy": true}', ":25: 'text' must be a non-empty string"),
        ('{"text": "Taxes rose.", "checkworthy": "yes"}', ":25: 'checkworthy' must be true"),
    ],
)
def test_a_bad_training_line_is_refused_with_its_number_and_nothing_is_written(
    tmp_path, capsys, line, message
):
    data = write_lines(tmp_path / "main.jsonl", SMALL)
    data.write_text(data.read_text() + line + "\n")
    out = tmp_path / "weights.json"
    assert train.main(["--data", str(data), "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_missing_training_file_is_refused(tmp_path, capsys):
    assert train.main(["--data", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "w")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_weights_of_another_format_are_refused(tmp_path):
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({**SHIPPED, "format": 99}))
    with pytest.raises(model.WeightsError, match="format 99"):
        model.load(path)
    path.write_text("{")
    with pytest.raises(model.WeightsError, match="cannot read"):
        model.load(path)
