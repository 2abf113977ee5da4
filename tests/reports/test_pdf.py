import shutil
import subprocess
import sys

import pytest

from apps.reports import pdf
from apps.reports.pdf import PdfUnavailableError, pdf_bytes
from apps.reports.services import report_render

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: run `make system-deps` (poppler-utils)")
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(text.split())


@pytest.mark.slow
def test_pdf_contains_the_published_claims_and_no_drafts(newsroom, tmp_path):
    data = b"".join(report_render(fmt="pdf", article_ids=[newsroom.article.pk]))
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    assert "City facts under review" in text
    assert "SUMMARY BY RATING" in text and "CLAIMS IN DETAIL" in text
    for claim in newsroom.published:
        assert claim.text in text
    assert newsroom.draft_text not in text and "DRAFT" not in text


@pytest.mark.slow
def test_pdf_with_drafts_marks_them(newsroom, tmp_path):
    data = b"".join(
        report_render(fmt="pdf", article_ids=[newsroom.article.pk], include_drafts=True)
    )
    text = pdf_text(data, tmp_path)
    assert newsroom.draft_text in text and "DRAFT" in text


def test_pdf_never_fetches_external_resources(monkeypatch):
    asked = []

    def refuse(url, *args, **kwargs):
        asked.append(url)
        raise ValueError("refused")

    monkeypatch.setattr(pdf, "_refuse_fetch", refuse)
    html = '<img src="http://127.0.0.1:9/x.png"><link rel=stylesheet href="file:///etc/passwd">'
    assert pdf_bytes(html).startswith(b"%PDF")
    assert sorted(asked) == ["file:///etc/passwd", "http://127.0.0.1:9/x.png"]


def test_pdf_shows_inline_screenshots(monkeypatch):
    """A cited source's screenshot comes as a data: URI, which is read, not fetched."""
    import base64
    import io

    from PIL import Image

    monkeypatch.setattr(pdf, "_refuse_fetch", lambda url, *a, **k: pytest.fail(f"fetched {url}"))
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), (200, 30, 30)).save(buffer, "JPEG")
    uri = "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()
    with_picture = pdf_bytes(f'<p>Source</p><img src="{uri}" width="120">')
    assert b"/Image" in with_picture
    assert b"/Image" not in pdf_bytes("<p>Source</p>")


def test_missing_weasyprint_gives_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(PdfUnavailableError, match="need WeasyPrint and the pango libraries"):
        pdf_bytes("<p>x</p>")
