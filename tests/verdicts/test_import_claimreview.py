"""import_claimreview: other organisations' ClaimReview JSON-LD becomes external prior checks."""

import json

import pytest
from django.core.management import CommandError, call_command

from apps.reports.claimreview_export import claimreview_bytes
from apps.verdicts.models import ExternalFactCheck, Verdict
from tests.factories import ArticleFactory, ClaimFactory, cite_archived, verdict_published

pytestmark = pytest.mark.django_db


def review(n: int, **extra) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://checks.example.net/{n}",
        "claimReviewed": f"Claim number {n} about 5G masts.",
        "datePublished": "2024-03-01",
        "author": {"@type": "Organization", "name": "Example Checks"},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "False",
        },
        **extra,
    }


def run(tmp_path, document, name="feed.json") -> tuple[str, str]:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    out, err = _Capture(), _Capture()
    call_command("import_claimreview", str(path), stdout=out, stderr=err)
    return out.text, err.text


class _Capture:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_single_review_is_stored_with_its_fields(tmp_path):
    out, _err = run(tmp_path, review(1))
    assert "Imported 1 new" in out
    fc = ExternalFactCheck.objects.get()
    assert (fc.url, fc.claim_text, fc.rating, fc.organization) == (
        "https://checks.example.net/1",
        "Claim number 1 about 5G masts.",
        "False",
        "Example Checks",
    )
    assert (fc.rating_value, fc.best_rating, str(fc.published_on)) == (1, 5, "2024-03-01")


def test_list_with_bad_records_reports_positions_and_imports_the_rest(tmp_path):
    records = [
        review(1),
        review(2, claimReviewed=""),
        {"@type": "Article", "url": "https://x.example/a"},
        review(3, url="ftp://checks.example.net/3"),
        review(4, datePublished="last Tuesday"),
        review(5, reviewRating={"ratingValue": "low"}),
        "just a string",
        review(6),
    ]
    out, err = run(tmp_path, records)
    assert "Imported 2 new, 0 updated, 0 unchanged, 6 skipped." in out
    assert "skipped [1]: claimReviewed is missing or empty" in err
    assert "skipped [2]: not a ClaimReview (found 'Article')" in err
    assert "skipped [3]: url is missing or not an http(s) address" in err
    assert "skipped [4]: datePublished 'last Tuesday' is not a date" in err
    assert "skipped [5]: ratingValue 'low' is not a number" in err
    assert "skipped [6]: not a ClaimReview (found 'str')" in err
    assert set(ExternalFactCheck.objects.values_list("url", flat=True)) == {
        "https://checks.example.net/1",
        "https://checks.example.net/6",
    }


def test_reimport_is_idempotent_by_url_and_updates_a_changed_rating(tmp_path):
    run(tmp_path, [review(1), review(2)])
    out, _err = run(tmp_path, [review(1), review(2)])
    assert "Imported 0 new, 0 updated, 2 unchanged" in out
    changed = review(2, reviewRating={"alternateName": "Mostly false", "ratingValue": 2})
    out, _err = run(tmp_path, [review(1), changed])
    assert "Imported 0 new, 1 updated, 1 unchanged" in out
    assert ExternalFactCheck.objects.count() == 2
    assert ExternalFactCheck.objects.get(url__endswith="/2").rating == "Mostly false"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ('[{"@type": "ClaimReview",', "Not JSON: Expecting"),
        (
            '{"@type": "Person", "name": "x"}',
            "Expected a ClaimReview, a list of them or a DataFeed",
        ),
        ('{"@type": "DataFeed", "dataFeedElement": 3}', "The DataFeed has no dataFeedElement"),
        ("42", "Expected a ClaimReview, a list of them or a DataFeed"),
    ],
)
def test_malformed_file_exits_2_and_loses_nothing(tmp_path, document, message):
    run(tmp_path, [review(1)], name="good.json")
    with pytest.raises(CommandError) as failure:
        run(tmp_path, document)
    assert failure.value.returncode == 2
    assert message in str(failure.value) and "Nothing was imported" in str(failure.value)
    assert list(ExternalFactCheck.objects.values_list("url", flat=True)) == [
        "https://checks.example.net/1"
    ]


def test_not_utf8_and_missing_file_exit_2(tmp_path):
    (tmp_path / "latin.json").write_bytes(b'{"claimReviewed": "caf\xe9"}')
    with pytest.raises(CommandError, match="Not UTF-8") as failure:
        call_command("import_claimreview", str(tmp_path / "latin.json"))
    assert failure.value.returncode == 2
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_claimreview", str(tmp_path / "absent.json"))


def test_our_own_feed_round_trips(tmp_path, reviewer, editor):
    verdicts = []
    for text, label in [
        ("Knife crime in London rose by 20% last year.", "False"),
        ("Only 9% of plastic ever made has been recycled.", "True"),
        ("Rents in Dublin have risen 80% in ten years.", "Mostly true"),
    ]:
        claim = ClaimFactory(article=ArticleFactory(body=text))
        cite_archived(claim)
        verdicts.append(verdict_published(claim, author=reviewer, approver=editor, label=label))
    feed = Verdict.objects.select_related("claim__article", "rating")
    (tmp_path / "ours.json").write_bytes(claimreview_bytes(feed))
    call_command("import_claimreview", str(tmp_path / "ours.json"))
    imported = set(ExternalFactCheck.objects.values_list("claim_text", "rating", "rating_value"))
    assert imported == {
        (v.claim.text, v.rating.alternate_name, v.rating.rating_value) for v in verdicts
    }


def test_url_goes_through_the_guarded_fetcher(localweb_allowed):
    url = localweb_allowed.page(
        "/feed.json", json.dumps([review(1), review(2)]), content_type="application/ld+json"
    )
    call_command("import_claimreview", url)
    assert ExternalFactCheck.objects.count() == 2
    with pytest.raises(CommandError, match=r"cannot fetch .*HTTP 404") as failure:
        call_command("import_claimreview", localweb_allowed.url("/status/404"))
    assert failure.value.returncode == 2


def test_private_address_is_refused(localweb):
    """Without the test exemption, 127.0.0.1 is off limits to the fetcher (SSRF guard)."""
    url = localweb.page("/feed2.json", json.dumps([review(1)]))
    with pytest.raises(CommandError, match="cannot fetch") as failure:
        call_command("import_claimreview", url)
    assert failure.value.returncode == 2
    assert not ExternalFactCheck.objects.exists()
