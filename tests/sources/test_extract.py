"""Text and title extraction from captured payloads (no database, no network)."""

import pytest

from apps.sources.extract import excerpt_match, split_content_type, text_extract
from tests.localweb import article_html, news_html


def html_extract(payload: bytes, charset: str | None = "utf-8"):
    return text_extract(payload=payload, mime_type="text/html", charset=charset)


def test_news_page_gives_the_article_text_without_menus_or_footer():
    extracted = html_extract(news_html("budget"))
    assert extracted.title.endswith("what the new figures say about budget")
    assert "percent" in extracted.text
    assert "About page 3" not in extracted.text
    assert "dataLayer" not in extracted.text
    assert "We use cookies" not in extracted.text


@pytest.mark.parametrize(
    ("head", "title"),
    [
        (
            '<meta property="og:title" content="The &amp; piece"><title>Site | x</title>',
            "The & piece",
        ),
        ("<meta content='Reversed order' property='og:title'><title>T</title>", "Reversed order"),
        (
            '<meta property="og:title" content="  "><title>\n Fallback\n  title </title>',
            "Fallback title",
        ),
        ('<meta name="description" content="not a title"><title>Only title</title>', "Only title"),
        ("", ""),
    ],
)
def test_title_is_og_title_else_the_title_element(head, title):
    page = f"<html><head>{head}</head><body><p>Some words in a paragraph.</p></body></html>"
    assert html_extract(page.encode()).title == title


def test_title_is_decoded_with_the_declared_charset():
    page = "<html><head><title>Café Zürich</title></head><body><p>x</p></body></html>"
    assert html_extract(page.encode("latin-1"), charset="iso-8859-1").title == "Café Zürich"


def test_small_test_page_keeps_its_paragraphs():
    extracted = html_extract(article_html("inline"))
    assert extracted.title == "Article inline"
    assert "unemployment fell to 4.2 percent in inline" in extracted.text


@pytest.mark.parametrize(
    "payload",
    [b"", b"   ", b"<html", b"\x00\xff\xfe<<<>>>", b"<html><body></body></html>", b"<p>" * 5000],
)
def test_odd_markup_gives_empty_or_some_text_never_an_error(payload):
    extracted = html_extract(payload)
    assert isinstance(extracted.text, str) and isinstance(extracted.title, str)


def test_plain_text_is_kept_and_unread_kinds_are_empty():
    plain = text_extract(payload=b"Line one.\nLine two.\n", mime_type="text/plain")
    assert (plain.title, plain.text) == ("", "Line one.\nLine two.")
    pdf = text_extract(payload=b"%PDF-1.4 ...", mime_type="application/pdf")
    assert (pdf.title, pdf.text) == ("", "")


def test_content_type_split():
    assert split_content_type('text/HTML; Charset="UTF-8"') == ("text/html", "UTF-8")
    assert split_content_type("") == ("", None)


@pytest.mark.parametrize(
    ("excerpt", "text", "found"),
    [
        ("fell to 4.2 PERCENT", "Unemployment fell to 4.2 percent.", True),
        ("\u201ca turning point\u201d", 'He said "a turning point" today.', True),
        ("rose to 5 percent", "Unemployment fell to 4.2 percent.", False),
        ("", "anything", None),
        ("something", "", None),
    ],
)
def test_excerpt_match(excerpt, text, found):
    assert excerpt_match(excerpt, text) is found
