"""Adding an article in the admin imports it (text, file or URL) with its claims; bad input is a
form error and creates nothing."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.articles.models import Article
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db
ADD = reverse("admin:articles_article_add")
DEMO = (ROOT / "seeds" / "russia-direct-mosul-2016.txt").read_text(encoding="utf-8")
STORY = (
    "<html><head><title>Port reopens</title></head><body><article><h1>Port reopens</h1>"
    "<p>The port of Odesa handled 3.2 million tonnes of grain in March 2024, officials said.</p>"
    "<p>According to the ministry, exports rose by 40% compared with February.</p>"
    "</article></body></html>"
)


def post(client, **data):
    return client.post(ADD, {"title": "", "canonical_url": "", "body": "", "url": "", **data})


def test_paste_text_imports_article_and_claims(client, editor):
    client.force_login(editor)
    response = post(client, body=DEMO, title="Mosul")
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    assert article.claims.count() >= 10 and article.imported_by == editor
    again = post(client, body=DEMO)
    assert again.status_code == 302
    assert Article.objects.count() == 1
    page = client.get(again["Location"]).content.decode()
    assert "already imported as" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Give exactly one of: text, a file, or a URL."),
        ({"body": "   \n\t "}, "empty"),
        ({"body": "text", "url": "https://example.org/"}, "Give exactly one of"),
    ],
)
def test_bad_input_is_a_form_error(client, editor, data, message):
    client.force_login(editor)
    response = post(client, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_binary_file_is_refused(client, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 50)
    response = post(client, file=upload)
    assert response.status_code == 200
    assert "photo.jpg" in response.content.decode()
    assert not Article.objects.exists()


def test_file_upload(client, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("mosul.txt", DEMO.encode("utf-8"))
    assert post(client, file=upload).status_code == 302
    assert Article.objects.get().origin == Article.Origin.FILE


def test_url_import_through_the_safe_fetcher(client, editor, localweb_allowed):
    url = localweb_allowed.page("/stories/port", STORY)
    client.force_login(editor)
    assert post(client, url=url).status_code == 302
    article = Article.objects.get()
    assert (article.origin, article.canonical_url, article.title) == ("url", url, "Port reopens")
    assert "3.2 million tonnes" in article.body
    assert article.claims.filter(text__contains="3.2 million tonnes").exists()


def test_url_to_a_private_address_is_refused(client, editor, localweb):
    client.force_login(editor)
    response = post(client, url=localweb.page("/stories/private", STORY))
    assert response.status_code == 200
    assert "Could not fetch http://127.0.0.1:" in response.content.decode()
    assert "is not allowed" in response.content.decode()
    assert not Article.objects.exists()


def test_reviewer_without_add_permission_gets_403(client, django_user_model):
    user = django_user_model.objects.create_user("staffonly", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(ADD).status_code == 403


def test_export_action_opens_the_report_page(client, editor):
    a, b = (
        Article.objects.create(title=t, body=t, content_sha256=f"{i:064x}")
        for i, t in enumerate("ab")
    )
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "export_report", ACTION_CHECKBOX_NAME: [a.pk, b.pk]},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("report_export") + "?ids=")
    assert set(response["Location"].split("=")[1].split(",")) == {str(a.pk), str(b.pk)}
    assert client.get(response["Location"]).status_code == 200


def test_import_article_command_from_url(localweb_allowed, capsys):
    url = localweb_allowed.page("/stories/cmd", STORY)
    call_command("import_article", "--url", url)
    assert "Imported article" in capsys.readouterr().out
    assert Article.objects.get().canonical_url == url


def test_import_article_command_url_refused(localweb):
    with pytest.raises(CommandError, match="blocked"):
        call_command("import_article", "--url", localweb.page("/stories/cmd2", STORY))
    assert not Article.objects.exists()
