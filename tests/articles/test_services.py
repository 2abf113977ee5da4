import pytest

from apps.articles.exceptions import ArticleImportError
from apps.articles.models import Article
from apps.articles.services import article_import, content_sha256

pytestmark = pytest.mark.django_db

BODY = (
    "# Quake hits Chile\n\n"
    "A magnitude 7.1 earthquake struck northern Chile on Sunday, the USGS said.\n\n"
    "Photo: Reuters\n\n"
    "It might be a sign of worse to come."
)


def test_import_creates_the_article_and_its_claims(django_user_model):
    user = django_user_model.objects.create_user("importer")
    article, created = article_import(
        body=BODY, origin=Article.Origin.FILE, canonical_url="https://example.org/a", by=user
    )
    assert created
    assert article.title == "Quake hits Chile"
    assert article.body == BODY
    assert article.content_sha256 == content_sha256(BODY)
    assert article.imported_by == user and article.extracted_at is not None
    claims = list(article.claims.all())
    assert [c.text for c in claims] == [
        "A magnitude 7.1 earthquake struck northern Chile on Sunday, the USGS said."
    ]
    claim = claims[0]
    assert BODY[claim.start : claim.end] == claim.text
    assert "number: 7.1" in claim.reasons or any(r.startswith("number") for r in claim.reasons)
    assert claim.history.count() == 1


def test_importing_the_same_text_twice_reuses_the_article(django_assert_num_queries):
    first, created = article_import(body=BODY, title="First")
    with django_assert_num_queries(1):
        again, created_again = article_import(body=BODY, title="Other title")
    assert created and not created_again
    assert again.pk == first.pk and again.title == "First"
    assert Article.objects.count() == 1


def test_title_defaults_to_the_first_line_and_is_cut_to_fit():
    article, _ = article_import(body="x" * 600 + "\nSecond line has 3 facts.")
    assert len(article.title) == 500 and article.title.endswith("…")


def test_import_is_one_transaction(monkeypatch):
    import apps.articles.services as services

    def broken(**kwargs):
        raise RuntimeError("claims could not be written")

    monkeypatch.setattr(services, "claims_create", broken)
    with pytest.raises(RuntimeError):
        article_import(body=BODY)
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "The article text is empty."),
        ("   \n\t  ", "The article text is only whitespace."),
        ("abc\x00\x01\x02def" * 10, "The article text looks like binary data"),
        (b"bytes are not text", "The article text must be text"),
    ],
)
def test_bad_input_is_refused_with_a_message(body, message):
    with pytest.raises(ArticleImportError) as info:
        article_import(body=body)
    assert str(info.value).startswith(message)
    assert not Article.objects.exists()


def test_a_bad_url_is_refused():
    with pytest.raises(ArticleImportError, match="not usable: Only http and https"):
        article_import(body=BODY, canonical_url="javascript:alert(1)")
