"""Deep links to excerpts: the archived text view marks and opens at the excerpt, the live link
carries a percent-encoded text fragment, and a health run that no longer finds the excerpt on the
live page says so on the citation."""

import pytest
from django.test import Client

from apps.sources import services
from apps.sources.deeplinks import citation_links, excerpt_locate, text_fragment_url
from apps.sources.evidence import citation_add_from_passage
from apps.sources.models import Citation, Passage, Snapshot
from tests.factories import ClaimFactory, SnapshotFactory
from tests.localweb import article_html

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "excerpt", "link"),
    [
        (
            "https://ex.org/a",
            "fell to 4.2 percent",
            "https://ex.org/a#:~:text=fell%20to%204.2%20percent",
        ),
        (
            "https://ex.org/a#top",
            "Costs, risks & the so-called “plan”",
            "https://ex.org/a#:~:text=Costs%2C%20risks%20%26%20the%20so%2Dcalled%20"
            "%E2%80%9Cplan%E2%80%9D",
        ),
        (
            "https://ex.org/a?x=1",
            "one two three four five six seven eight nine ten eleven twelve",
            "https://ex.org/a?x=1#:~:text=one%20two%20three%20four%20five,"
            "eight%20nine%20ten%20eleven%20twelve",
        ),
        ("https://ex.org/a", "   ", "https://ex.org/a"),
    ],
)
def test_text_fragment_links_are_percent_encoded(url, excerpt, link):
    assert text_fragment_url(url, excerpt) == link


def test_excerpt_is_located_despite_spacing_case_and_quotes():
    text = "He said:  \u201cThe Rate\nfell\u201d to 4.2 percent.  Then left."
    span = excerpt_locate('"the rate fell" to 4.2', text)
    assert span is not None and text[span[0] : span[1]] == "The Rate\nfell\u201d to 4.2"
    assert excerpt_locate("rose to 4.2", text) is None


def test_snapshot_text_view_marks_the_excerpt_and_escapes(admin_user):
    snapshot = SnapshotFactory(text="<b>Intro</b>. The rate fell to 4.2 percent. End.")
    client = Client()
    client.force_login(admin_user)
    start = snapshot.text.index("The rate")
    end = start + len("The rate fell to 4.2 percent.")
    page = client.get(f"/admin/sources/snapshot/{snapshot.pk}/text/?start={start}&end={end}")
    html = page.content.decode()
    assert '<mark id="excerpt">The rate fell to 4.2 percent.</mark>' in html
    assert "&lt;b&gt;Intro&lt;/b&gt;" in html
    for bad in ("start=5&end=2", "start=0&end=99999", "start=x&end=3", "start=-1&end=3"):
        html = client.get(f"/admin/sources/snapshot/{snapshot.pk}/text/?{bad}").content.decode()
        assert "<mark" not in html and "The rate fell" in html


def test_citation_links_use_pinned_offsets_or_find_the_excerpt(reviewer):
    snapshot = SnapshotFactory(text="Intro. The city had 30,000 residents in 2016. End.")
    typed = Citation.objects.create(
        claim=ClaimFactory(),
        source=snapshot.source,
        snapshot=snapshot,
        stance="supports",
        excerpt="30,000   residents",
        excerpt_found=True,
    )
    links = citation_links(typed)
    start = snapshot.text.index("30,000")
    assert links["archive"].endswith(f"?start={start}&end={start + 16}#excerpt")
    assert links["live"] == f"{snapshot.source.url}#:~:text=30%2C000%20residents"
    typed.excerpt_found = False
    assert citation_links(typed) is None


def test_health_run_says_when_a_cited_passage_is_gone_from_the_live_page(
    localweb_allowed, reviewer, admin_user
):
    url = localweb_allowed.page("/deeplinks/story", article_html("Lisbon"))
    snapshot = services.snapshot_archive_now(url=url)
    passage = Passage.objects.filter(snapshot=snapshot, text__contains="4.2 percent").first()
    claim = ClaimFactory()
    citation = citation_add_from_passage(
        claim=claim, passage_id=passage.pk, stance="supports", by=reviewer
    )
    services.source_check_health(source_id=snapshot.source_id)
    citation.refresh_from_db()
    assert citation.excerpt_still_found is True

    localweb_allowed.page("/deeplinks/story", article_html("Porto"))
    services.source_check_health(source_id=snapshot.source_id)
    citation.refresh_from_db()
    assert (citation.excerpt_found, citation.excerpt_still_found) == (True, False)
    client = Client()
    client.force_login(admin_user)
    html = client.get(f"/admin/claims/claim/{claim.pk}/change/").content.decode()
    assert "excerpt no longer present" in html
    assert "on the live page (gone at the last check)" in html
    archive_link = f"/admin/sources/snapshot/{snapshot.pk}/text/?start={passage.start}&amp;end="
    assert archive_link in html
    assert Snapshot.objects.filter(source_id=snapshot.source_id).count() == 1
