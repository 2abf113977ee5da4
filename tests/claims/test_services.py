import pytest

from apps.articles.services import article_import
from apps.claims.models import Claim
from apps.claims.services import claims_extract
from apps.verdicts.models import Verdict
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory

pytestmark = pytest.mark.django_db

BODY = (
    "Unemployment rose to 6.5% in October, the statistics office said.\n\n"
    "The council approved a budget of $4.2 million on Monday.\n\n"
    "Some people think this is a terrible idea."
)


def sentence(body, opening):
    start = body.index(opening)
    end = body.find("\n\n", start)
    return start, len(body) if end < 0 else end


def test_reextraction_of_an_unchanged_article_keeps_everything():
    article, _ = article_import(body=BODY)
    before = {(c.pk, c.start, c.end, c.status) for c in article.claims.all()}
    assert len(before) == 2
    result = claims_extract(article=article)
    assert (result.added, result.kept, result.stale) == (0, 2, 0)
    assert {(c.pk, c.start, c.end, c.status) for c in article.claims.all()} == before
    article.refresh_from_db()
    assert article.extracted_at is not None


def test_reextraction_keeps_reviewer_work_adds_new_and_marks_vanished_stale(django_user_model):
    article = ArticleFactory(body=BODY)
    user = django_user_model.objects.create_user("rev")
    start, end = sentence(BODY, "Unemployment")
    kept = ClaimFactory(article=article, start=start, end=end, status=Claim.Status.NOT_CHECKWORTHY)
    citation = CitationFactory(claim=kept)
    # A claim over a span the extractor no longer flags, with a verdict and an assignee on it.
    start, end = sentence(BODY, "Some people")
    vanished = ClaimFactory(article=article, start=start, end=end, assignee=user)
    verdict = Verdict.objects.create(claim=vanished, author=user, summary="draft")
    # A claim with no reviewer work whose span is no longer a sentence.
    gone = ClaimFactory(article=article, start=0, end=12)

    result = claims_extract(article=article)

    assert (result.added, result.kept, result.stale) == (1, 1, 2)
    kept.refresh_from_db()
    vanished.refresh_from_db()
    gone.refresh_from_db()
    assert kept.status == Claim.Status.NOT_CHECKWORTHY  # the reviewer's call stands
    assert kept.reasons and kept.kind == "statistic"
    assert list(kept.citations.all()) == [citation]
    assert vanished.status == Claim.Status.STALE and vanished.assignee == user
    assert list(vanished.verdicts.all()) == [verdict]
    assert gone.status == Claim.Status.STALE  # marked, never deleted
    added = article.claims.get(text__startswith="The council")
    assert added.status == Claim.Status.OPEN


def test_a_stale_claim_that_is_found_again_is_reopened():
    article, _ = article_import(body=BODY)
    claim = article.claims.first()
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.STALE)
    result = claims_extract(article=article)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.OPEN
    assert (result.added, result.kept, result.stale) == (0, 2, 0)


def test_a_claim_whose_span_moved_is_kept_by_its_text():
    body = "Prices rose 5% in May, the bureau said. Prices rose 5% in May, the bureau said."
    article = ArticleFactory(body=body)
    # An older extraction put the claim on the second copy only.
    moved = ClaimFactory(article=article, start=40, end=len(body))
    CitationFactory(claim=moved)
    result = claims_extract(article=article)
    assert (result.added, result.kept, result.stale) == (1, 1, 0)
    moved.refresh_from_db()
    assert body[moved.start : moved.end] == moved.text
    assert moved.citations.count() == 1


def test_a_higher_threshold_marks_weaker_claims_stale_without_deleting():
    article, _ = article_import(body=BODY)
    result = claims_extract(article=article, threshold=1.0)
    assert (result.added, result.kept, result.stale) == (0, 0, 2)
    assert article.claims.count() == 2


def test_reextraction_is_idempotent_and_records_history():
    article, _ = article_import(body=BODY)
    claims_extract(article=article, threshold=1.0)
    claims_extract(article=article)
    second = claims_extract(article=article)
    assert (second.added, second.kept, second.stale) == (0, 2, 0)
    claim = article.claims.first()
    assert claim.history.count() == 3  # created, marked stale, reopened


def test_reextraction_query_count_does_not_grow_with_claims(django_assert_max_num_queries):
    body = "\n\n".join(f"Sales rose {n}% in 2023 in Ohio, the firm said." for n in range(40))
    article, _ = article_import(body=body)
    assert article.claims.count() == 40
    with django_assert_max_num_queries(12):
        claims_extract(article=article, threshold=1.0)
