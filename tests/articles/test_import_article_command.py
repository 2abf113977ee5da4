import io

import pytest
from django.core.management import CommandError, call_command

from apps.articles.models import Article
from apps.claims.models import Claim

pytestmark = pytest.mark.django_db

BODY = "Unemployment rose to 6.5% in October, the statistics office said.\n\nIt may fall soon.\n"


def run(*args, stdin=None):
    out = io.StringIO()
    call_command("import_article", *args, stdout=out, stdin=stdin)
    return out.getvalue()


def test_import_from_a_file(tmp_path):
    path = tmp_path / "jobs.txt"
    path.write_text(BODY, encoding="utf-8")
    out = run(str(path), "--title", "Jobs report")
    article = Article.objects.get()
    assert out.strip() == f"Imported article #{article.pk} “Jobs report” with 1 claims."
    assert article.origin == Article.Origin.FILE and article.body == BODY
    assert article.claims.get().text.startswith("Unemployment rose")


def test_import_from_standard_input_then_again_says_so():
    run("-", stdin=io.BytesIO(BODY.encode()))
    article = Article.objects.get()
    assert article.origin == Article.Origin.TEXT
    assert article.title == "Unemployment rose to 6.5% in October, the statistics office said."
    out = run("-", stdin=io.BytesIO(BODY.encode()))
    assert out.startswith(f"Already imported: the same text is article #{article.pk}")
    assert Article.objects.count() == 1


def test_reextract_flag_on_an_existing_article():
    run("-", stdin=io.BytesIO(BODY.encode()))
    Claim.objects.update(status=Claim.Status.STALE)
    out = run("-", "--reextract", stdin=io.BytesIO(BODY.encode()))
    assert "Re-extracted: 0 added, 1 kept, 0 stale." in out
    assert Claim.objects.get().status == Claim.Status.OPEN


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "standard input is empty"),
        (b"   \n", "standard input is only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "standard input looks like a binary file"),
        (b"\xff\xfehello", "standard input is not valid UTF-8 text"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_created(content, message):
    with pytest.raises(CommandError, match=message):
        run("-", stdin=io.BytesIO(content))
    assert not Article.objects.exists()


def test_missing_file():
    with pytest.raises(CommandError, match=r"cannot read /nonexistent\.txt: No such file"):
        run("/nonexistent.txt")


@pytest.mark.parametrize("args", [[], ["x.txt", "--url", "https://example.org/"]])
def test_exactly_one_source(args):
    with pytest.raises(CommandError, match="exactly one of FILE"):
        run(*args)


def test_reextract_claims_command():
    run("-", stdin=io.BytesIO(BODY.encode()))
    article = Article.objects.get()
    out = io.StringIO()
    call_command("reextract_claims", str(article.pk), stdout=out)
    assert out.getvalue().strip().endswith("0 added, 1 kept, 0 stale")
    with pytest.raises(CommandError, match="no article with id 999999"):
        call_command("reextract_claims", "999999")
