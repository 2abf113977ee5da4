import csv
import json
import os

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def export(*args) -> None:
    call_command("export_report", *map(str, args))


def test_exports_an_article_to_a_file(newsroom, tmp_path):
    out = tmp_path / "report.csv"
    export("--article", newsroom.article.pk, "--format", "csv", "-o", out, "--bom")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["claim_id"]) for r in rows] == [c.pk for c in newsroom.published]
    assert os.listdir(tmp_path) == ["report.csv"]


def test_all_articles_with_drafts_as_json(newsroom, tmp_path):
    out = tmp_path / "all.json"
    export("--all", "--format", "json", "--include-drafts", "-o", out)
    data = json.loads(out.read_text())
    [article] = data["articles"]
    assert article["id"] == newsroom.article.pk and article["draft_count"] == 1


def test_claimreview_to_stdout(newsroom, capsys):
    export("--article", newsroom.article.pk, "--format", "claimreview")
    feed = json.loads(capsys.readouterr().out)
    assert feed["@type"] == "DataFeed" and len(feed["dataFeedElement"]) == 3


@pytest.mark.slow
def test_pdf_to_a_file(newsroom, tmp_path):
    out = tmp_path / "report.pdf"
    export("--article", newsroom.article.pk, "--format", "pdf", "-o", out)
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--article", "999999", "--format", "csv"], "No article with id 999999."),
        (["--article", "{pk}", "--format", "xls"], "Unknown report format 'xls'"),
        (["--article", "{pk}"], "Give --format"),
        (["--format", "csv"], "Say which articles"),
        (["--all", "--article", "{pk}", "--format", "csv"], "either --article ID ... or --all"),
        (["--article", "one", "--format", "csv"], "Article ids are numbers; got 'one'"),
    ],
)
def test_bad_input_is_one_clear_line(newsroom, tmp_path, args, message):
    out = tmp_path / "out.csv"
    args = [a.format(pk=newsroom.article.pk) for a in args] + ["-o", out]
    with pytest.raises(CommandError) as error:
        export(*args)
    assert message in str(error.value) and "\n" not in str(error.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["missing-dir/out.csv", "."])
def test_unwritable_output(newsroom, tmp_path, where):
    target = tmp_path / where
    with pytest.raises(CommandError, match=r"^Cannot write "):
        export("--article", newsroom.article.pk, "--format", "csv", "-o", target)
    assert list(tmp_path.iterdir()) == []


def test_no_partial_file_when_rendering_fails(newsroom, tmp_path, monkeypatch):
    from apps.reports.services import ReportError

    def broken(*args, **kwargs):
        yield b"article_id,half a row"
        raise ReportError("the report broke half way")

    monkeypatch.setattr("apps.reports.management.commands.export_report.report_render", broken)
    out = tmp_path / "out.csv"
    out.write_text("previous good report")
    with pytest.raises(CommandError, match="the report broke half way"):
        export("--article", newsroom.article.pk, "--format", "csv", "-o", out)
    assert os.listdir(tmp_path) == ["out.csv"]
    assert out.read_text() == "previous good report"


def test_command_line_errors_exit_non_zero_without_traceback(newsroom, tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.test_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "export_report", "--article", "999999", "--format", "csv",
         "-o", str(tmp_path / "x.csv")],
        capture_output=True, text=True, env=env, cwd=settings.BASE_DIR,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == "CommandError: No article with id 999999."
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
