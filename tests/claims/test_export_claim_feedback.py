"""export_claim_feedback: the reviewers' decisions as JSON lines in the training file's format."""

import datetime
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.articles.services import article_import
from apps.claims.models import Claim
from apps.claims.services import claim_add, claim_decide
from apps.verdicts.models import Verdict
from tests.conftest import ROOT, worker_env

pytestmark = pytest.mark.django_db

ADDED = "The plan has been scrapped."
BODY = (
    "Unemployment rose to 6.5% in October, the statistics office said.\n\n"
    f"{ADDED} Some people think it is a terrible idea.\n\n"
    "The council approved a budget of $4.2 million on Monday.\n\n"
    "Exports fell 3% in May, the ministry said.\n\n"
    "Imports rose 2% in June, the ministry said."
)


@pytest.fixture
def decisions(reviewer):
    """One of each: added, marked not a claim, kept by undoing that, kept by a verdict; one
    claim nobody decided on and one stale claim, which are no decision."""
    article, _ = article_import(body=BODY)
    claims = {c.text.split()[0]: c for c in article.claims.all()}
    assert set(claims) == {"Unemployment", "The", "Exports", "Imports"}
    start = BODY.index(ADDED)
    added = claim_add(article=article, start=start, end=start + len(ADDED), by=reviewer)
    rejected = claim_decide(claim=claims["Unemployment"], checkworthy=False, by=reviewer)
    claim_decide(claim=claims["The"], checkworthy=False, by=reviewer)
    undone = claim_decide(claim=claims["The"], checkworthy=True, by=reviewer)
    Verdict.objects.create(claim=claims["Exports"], author=reviewer, summary="draft")
    Claim.objects.filter(pk=claims["Imports"].pk).update(status=Claim.Status.STALE)
    return {"added": added, "rejected": rejected, "undone": undone, "verdict": claims["Exports"]}


def read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_writes_each_decision_once_in_the_training_format(decisions, tmp_path, capsys):
    out = tmp_path / "feedback.jsonl"
    call_command("export_claim_feedback", "--output", str(out))
    rows = read(out)
    assert rows == sorted(rows, key=lambda r: int(r["id"].removeprefix("claim-")))
    assert {r["id"]: (r["text"], r["checkworthy"]) for r in rows} == {
        f"claim-{decisions['added'].pk}": (ADDED, True),
        f"claim-{decisions['rejected'].pk}": (decisions["rejected"].text, False),
        f"claim-{decisions['undone'].pk}": (decisions["undone"].text, True),
        f"claim-{decisions['verdict'].pk}": (decisions["verdict"].text, True),
    }
    assert all(set(r) == {"id", "text", "checkworthy"} for r in rows)
    assert "4 decisions (3 check-worthy, 1 not) written to" in capsys.readouterr().err


def test_writes_to_standard_output_by_default(decisions, capsys):
    call_command("export_claim_feedback")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and json.loads(lines[0])["id"].startswith("claim-")


def test_since_keeps_only_later_decisions(decisions, tmp_path):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Claim.objects.filter(pk=decisions["rejected"].pk).update(reviewed_at=long_ago)
    Verdict.objects.filter(claim=decisions["verdict"]).update(created_at=long_ago)
    out = tmp_path / "recent.jsonl"
    week_ago = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    call_command("export_claim_feedback", "--output", str(out), "--since", week_ago)
    assert {r["id"] for r in read(out)} == {
        f"claim-{decisions['added'].pk}",
        f"claim-{decisions['undone'].pk}",
    }
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    call_command("export_claim_feedback", "--output", str(out), "--since", tomorrow)
    assert out.read_text() == ""


@pytest.mark.parametrize("since", ["yesterday", "2026-13-01", "01/12/2026", ""])
def test_a_bad_date_is_refused_with_exit_status_2(since):
    with pytest.raises(CommandError, match="--since must be a date like 2026-12-01") as caught:
        call_command("export_claim_feedback", "--since", since)
    assert caught.value.returncode == 2


def test_an_unwritable_output_is_refused_and_a_file_is_replaced_whole(decisions, tmp_path):
    with pytest.raises(CommandError, match="there is no folder") as caught:
        call_command("export_claim_feedback", "--output", str(tmp_path / "no" / "f.jsonl"))
    assert caught.value.returncode == 2
    with pytest.raises(CommandError, match="is a directory"):
        call_command("export_claim_feedback", "--output", str(tmp_path))
    previous = tmp_path / "f.jsonl"
    previous.write_text("previous export\n")
    with pytest.raises(CommandError, match="--since must be a date"):
        call_command("export_claim_feedback", "--output", str(previous), "--since", "x")
    assert previous.read_text() == "previous export\n"
    call_command("export_claim_feedback", "--output", str(previous))
    assert len(read(previous)) == 4
    assert sorted(os.listdir(tmp_path)) == ["f.jsonl"]  # no temporary file left behind


def test_the_process_exits_with_status_2_and_a_message(tmp_path):
    for args, message in [
        (["--since", "soon"], "--since must be a date like 2026-12-01, not 'soon'"),
        (["--output", str(tmp_path / "missing" / "x.jsonl")], "there is no folder"),
    ]:
        result = subprocess.run(
            [sys.executable, "manage.py", "export_claim_feedback", *args],
            cwd=ROOT,
            env=worker_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 2, result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr
