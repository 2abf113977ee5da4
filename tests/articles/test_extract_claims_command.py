"""extract_claims never touches the database: these tests have no database access at all
(pytest-django refuses any query without the django_db mark)."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.claims.extraction import extract, model

ROOT = Path(__file__).resolve().parents[2]
DEMO_PATH = ROOT / "seeds" / "russia-direct-mosul-2016.txt"


def run(*args, stdin=None):
    out = io.StringIO()
    call_command("extract_claims", *args, stdout=out, stdin=stdin)
    return out.getvalue()


def test_json_has_exactly_the_documented_shape():
    payload = json.loads(run(str(DEMO_PATH), "--json"))
    assert set(payload) == {"claims", "skipped"}
    body = DEMO_PATH.read_bytes().decode("utf-8")
    for claim in payload["claims"]:
        assert list(claim) == [
            "text",
            "start",
            "end",
            "score",
            "kind",
            "reasons",
            "contributions",
            "model_version",
        ]
        assert body[claim["start"] : claim["end"]] == claim["text"]
        assert claim["score"] >= 0.5 and claim["reasons"]
        assert claim["model_version"] == model.current().version
        weights = [c["weight"] for c in claim["contributions"]]
        assert 1 <= len(weights) <= 6
        assert weights == sorted(weights, key=abs, reverse=True)
        assert all(set(c) == {"feature", "weight"} for c in claim["contributions"])
    for span in payload["skipped"]:
        assert list(span) == ["text", "start", "end", "reason"]
        assert body[span["start"] : span["end"]] == span["text"]
    assert payload == json.loads(json.dumps(extract(body, threshold=0.5).as_dict()))


def test_threshold_option():
    loose = json.loads(run(str(DEMO_PATH), "--json", "--threshold", "0"))
    strict = json.loads(run(str(DEMO_PATH), "--json", "--threshold", "0.9"))
    assert len(strict["claims"]) < len(loose["claims"])
    assert all(c["score"] >= 0.9 for c in strict["claims"])


def test_table_is_readable():
    out = run(str(DEMO_PATH))
    assert out.splitlines()[0].split() == ["score", "kind", "span", "claim"]
    assert "number: 30,000" in out
    assert "caption: photo credit" in out
    assert "+1.44 <num>; +1.13 rule: entity (several)" in out  # the learned contributions, signed
    assert out.rstrip().endswith("skipped (threshold 0.50)")


def test_reads_standard_input_and_offsets_are_string_indices():
    text = "Zürich\u2019s budget rose by 12% in 2023, the city said.\n"
    out = run("-", "--json", stdin=io.BytesIO(text.encode("utf-8")))
    claim = json.loads(out)["claims"][0]
    assert (claim["start"], claim["end"]) == (0, len(text) - 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"  \n\t\n", "is only whitespace"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "looks like a binary file"),
        (b"caf\xe9 au lait", "is not valid UTF-8 text (byte 0xe9 at offset 3)"),
    ],
)
def test_bad_input_is_one_clear_error(tmp_path, content, message):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(str(path))


def test_missing_file_and_directory():
    with pytest.raises(CommandError, match=r"cannot read /nonexistent/x\.txt: No such file"):
        run("/nonexistent/x.txt")
    with pytest.raises(CommandError, match="Is a directory"):
        run(str(ROOT))


@pytest.mark.parametrize("value", ["x", "-0.1", "1.5"])
def test_bad_threshold(value):
    with pytest.raises(CommandError, match="--threshold"):
        run(str(DEMO_PATH), "--threshold", value)


def extract_offline(*args: str) -> subprocess.CompletedProcess:
    """`manage.py extract_claims` in a fresh process whose database cannot be reached."""
    return subprocess.run(
        [sys.executable, "manage.py", "extract_claims", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "DEBUG": "1",
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        },
        timeout=60,
    )


def test_from_the_shell_errors_are_one_line_and_exit_non_zero(tmp_path):
    path = tmp_path / "bad.bin"
    path.write_bytes(b"\x00\x01\x02")
    done = extract_offline(str(path))
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"CommandError: {path} looks like a binary file (it contains NUL bytes), not text"
    ]


def test_runs_with_an_unreachable_database():
    done = extract_offline(str(DEMO_PATH), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["claims"]


def test_ten_megabytes_are_refused_at_once_with_a_clear_message(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"The city had 30,000 residents in 2016. " * (10 * 1024 * 1024 // 39 + 1))
    with pytest.raises(CommandError, match=r"big\.txt is 10\.0 MB; the limit is 5 MB of text"):
        run(str(path))
    with path.open("rb") as stream:
        with pytest.raises(CommandError, match="standard input is larger than the limit of 5 MB"):
            run("-", stdin=stream)
        # Refused after reading one byte past the limit, not the whole 10 MB.
        assert stream.tell() == 5 * 1024 * 1024 + 1


def varied_text(size: int) -> str:
    """Demo paragraphs with fresh numbers, so nothing can be cached between them."""
    paragraphs, total, n = [], 0, 0
    while total < size:
        paragraph = DEMO_PATH.read_text(encoding="utf-8").replace("30,000", f"{n:,}")
        paragraphs.append(paragraph.replace("2016", str(1900 + n % 120)))
        total += len(paragraph) + 2
        n += 1
    return "\n\n".join(paragraphs)[:size]


def calls_made(*args: str) -> tuple[int, dict]:
    """Run the command and count the Python and C function calls it makes: a measure of work
    that, unlike a clock, does not depend on how busy the machine is."""
    calls = 0

    def profile(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(profile)
    try:
        output = run(*args)
    finally:
        sys.setprofile(None)
    return calls, json.loads(output)


@pytest.mark.slow
def test_work_grows_linearly_with_size(tmp_path):
    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    small.write_text(varied_text(50_000), encoding="utf-8")
    big.write_text(varied_text(200_000), encoding="utf-8")
    small_calls, small_payload = calls_made(str(small), "--json")
    big_calls, big_payload = calls_made(str(big), "--json")
    assert len(big_payload["claims"]) > 3 * len(small_payload["claims"]) > 0
    # Four times the text: about four times the work (quadratic would be sixteen).
    assert 3 * small_calls < big_calls < 6 * small_calls, (small_calls, big_calls)
