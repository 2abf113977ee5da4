"""NUL and control characters are looked for in the whole imported text, whichever door it came
through (file, paste in the admin, the API), before any row is written: a NUL past the first
64 KiB used to reach PostgreSQL, which refuses it with a DataError (a 500)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from apps.articles.exceptions import ArticleImportError
from apps.articles.models import Article
from apps.articles.services import article_import
from apps.articles.textinput import TextInputError, text_check, text_decode
from apps.claims.models import Claim

pytestmark = pytest.mark.django_db

PROSE = "The city had 40,000 residents in 2020, the census office said. " * 1200  # ~74 kB
LATE_NUL = PROSE + "\x00" + "More text."
# Control characters spread thinly at first, then densely past the first 64 KiB.
LATE_CONTROLS = PROSE + "\x01\x02\x03\x04" * 2000


def _nothing_written():
    assert not Article.objects.exists() and not Claim.objects.exists()


@pytest.mark.parametrize("text", [LATE_NUL, LATE_CONTROLS])
def test_text_check_reads_the_whole_text(text):
    assert len(PROSE) > 65536
    with pytest.raises(TextInputError, match="looks like binary data"):
        text_check(text)


def test_decode_refuses_a_nul_byte_anywhere():
    with pytest.raises(TextInputError, match="NUL"):
        text_decode(LATE_NUL.encode())


def test_service_refuses_a_late_nul_before_writing():
    with pytest.raises(ArticleImportError, match=f"NUL character at offset {len(PROSE):,}"):
        article_import(body=LATE_NUL)
    _nothing_written()


def test_import_command_refuses_a_late_nul(tmp_path):
    path = tmp_path / "long.txt"
    path.write_bytes(LATE_NUL.encode())
    with pytest.raises(CommandError, match="binary"):
        call_command("import_article", str(path), stdout=io.StringIO())
    _nothing_written()


def test_api_paste_with_late_control_characters_or_nul_is_400(editor):
    client = APIClient()
    client.force_authenticate(editor)
    response = client.post("/api/v1/articles/", {"body": LATE_CONTROLS}, format="json")
    assert response.status_code == 400
    assert "control characters" in response.json()["detail"]
    response = client.post("/api/v1/articles/", {"body": LATE_NUL}, format="json")
    assert response.status_code == 400, response.content[:300]
    assert "Null characters are not allowed" in response.json()["detail"]
    _nothing_written()


def test_admin_paste_and_file_with_a_late_nul_are_form_errors(client, editor):
    client.force_login(editor)
    add = reverse("admin:articles_article_add")
    fields = {"title": "", "canonical_url": "", "body": "", "url": ""}
    response = client.post(add, {**fields, "body": LATE_CONTROLS})
    assert response.status_code == 200 and "control characters" in response.content.decode()
    upload = SimpleUploadedFile("long.txt", LATE_NUL.encode())
    response = client.post(add, {**fields, "file": upload})
    assert response.status_code == 200 and "long.txt" in response.content.decode()
    _nothing_written()
