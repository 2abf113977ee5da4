"""The reviewer has the last word: claims added from a span of the text, sentences marked not a
claim, and both surviving re-extraction (through the service and the reextract_claims command)."""

import pytest
from django.core.management import call_command

from apps.articles.services import article_import
from apps.claims.models import Claim
from apps.claims.services import claim_add, claim_decide, claims_extract
from apps.verdicts.models import Verdict
from factcheck.errors import BadInput, Conflict, NotFound, NotPermitted, Refused
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SKIPPED = "The plan has been scrapped."
BODY = (
    "Unemployment rose to 6.5% in October, the statistics office said.\n\n"
    f"{SKIPPED} Some people think this is a terrible idea.\n\n"
    "The council approved a budget of $4.2 million on Monday."
)


@pytest.fixture
def article():
    article, _ = article_import(body=BODY)
    assert not article.claims.filter(text=SKIPPED).exists()  # the scorer skipped it
    return article


def span(text, body=BODY):
    start = body.index(text)
    return start, start + len(text)


def test_a_reviewer_makes_a_skipped_sentence_a_claim(article, reviewer):
    start, end = span(SKIPPED)
    before = article.claims.count()
    claim = claim_add(article=article, start=start, end=end, by=reviewer)
    assert (claim.start, claim.end, claim.text) == (start, end, SKIPPED)
    assert BODY[claim.start : claim.end] == claim.text
    assert claim.origin == Claim.Origin.REVIEWER and claim.status == Claim.Status.OPEN
    assert claim.reasons == ["added by reviewer"]
    assert claim.reviewed_at is not None
    assert article.claims.count() == before + 1
    record = claim.history.get()
    assert record.history_user == reviewer and record.history_change_reason == "added by reviewer"


def test_the_scorer_still_scores_an_added_claim(article, reviewer):
    from apps.claims.extraction import scoring

    start, end = span(SKIPPED)
    claim = claim_add(article=article, start=start, end=end, by=reviewer)
    assessment = scoring.assess(SKIPPED)
    assert (claim.score, claim.kind) == (assessment.score, assessment.kind)


def test_surrounding_whitespace_is_trimmed_so_the_offsets_stay_exact(article, reviewer):
    start, end = span(SKIPPED)
    claim = claim_add(article=article, start=start - 2, end=end + 1, by=reviewer)  # "\n\n" and " "
    assert (claim.start, claim.end, claim.text) == (start, end, SKIPPED)


def test_part_of_a_sentence_can_be_a_claim(article, reviewer):
    start, end = span("has been scrapped")
    claim = claim_add(article=article, start=start, end=end, by=reviewer)
    assert claim.text == "has been scrapped"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (5, 5, "not a span"),
        (10, 4, "not a span"),
        (-3, 4, "not a span"),
        (0, len(BODY) + 1, "not a span"),
        ("4", 10, "whole numbers"),
        (None, 10, "whole numbers"),
        (True, 10, "whole numbers"),
    ],
)
def test_a_span_outside_the_text_is_refused(article, reviewer, start, end, message):
    count = Claim.objects.count()
    with pytest.raises(BadInput, match=message):
        claim_add(article=article, start=start, end=end, by=reviewer)
    assert Claim.objects.count() == count


def test_a_whitespace_selection_is_refused(article, reviewer):
    gap = BODY.index("\n\n")
    with pytest.raises(BadInput, match="only whitespace"):
        claim_add(article=article, start=gap, end=gap + 2, by=reviewer)


def test_a_selection_too_long_for_one_claim_is_refused(reviewer):
    body = "It rained. " + "word " * 400
    article = ArticleFactory(body=body)
    with pytest.raises(BadInput, match="at most 1,500"):
        claim_add(article=article, start=0, end=len(body), by=reviewer)


def test_a_span_already_a_claim_or_overlapping_one_is_refused(article, reviewer):
    existing = article.claims.order_by("start").first()
    with pytest.raises(Conflict, match=f"already claim #{existing.pk}"):
        claim_add(article=article, start=existing.start, end=existing.end, by=reviewer)
    with pytest.raises(Conflict, match=f"overlaps claim #{existing.pk}"):
        claim_add(article=article, start=existing.end - 5, end=existing.end + 10, by=reviewer)
    # A stale or not-a-claim claim still owns its words.
    Claim.objects.filter(pk=existing.pk).update(status=Claim.Status.STALE)
    with pytest.raises(Conflict, match="stale"):
        claim_add(article=article, start=existing.start + 3, end=existing.end, by=reviewer)
    assert article.claims.filter(origin=Claim.Origin.REVIEWER).count() == 0


def test_only_a_reviewer_may_add_a_claim(article, django_user_model):
    outsider = django_user_model.objects.create_user("reader", is_staff=True)
    start, end = span(SKIPPED)
    with pytest.raises(NotPermitted):
        claim_add(article=article, start=start, end=end, by=outsider)
    with pytest.raises(NotPermitted):
        claim_add(article=article, start=start, end=end, by=None)
    assert not article.claims.filter(origin=Claim.Origin.REVIEWER).exists()


def test_an_article_deleted_meanwhile_is_not_found(article, reviewer):
    start, end = span(SKIPPED)
    article.__class__.objects.filter(pk=article.pk).delete()
    with pytest.raises(NotFound):
        claim_add(article=article, start=start, end=end, by=reviewer)


def test_not_a_claim_and_undo_are_recorded_with_who_did_it(article, reviewer):
    claim = article.claims.order_by("start").first()
    decided = claim_decide(claim=claim, checkworthy=False, by=reviewer)
    assert decided.status == Claim.Status.NOT_CHECKWORTHY and decided.reviewed_at is not None
    undone = claim_decide(claim=claim, checkworthy=True, by=reviewer)
    assert undone.status == Claim.Status.OPEN and undone.reviewed_at >= decided.reviewed_at
    latest = claim.history.order_by("-history_date")[:2]
    assert [(h.status, h.history_user) for h in latest] == [
        (Claim.Status.OPEN, reviewer),
        (Claim.Status.NOT_CHECKWORTHY, reviewer),
    ]


def test_a_decision_that_changes_nothing_says_why(article, reviewer, django_user_model):
    claim = article.claims.order_by("start").first()
    with pytest.raises(Refused, match="already open"):
        claim_decide(claim=claim, checkworthy=True, by=reviewer)
    Verdict.objects.create(claim=claim, author=reviewer, summary="s", state="submitted")
    with pytest.raises(Refused, match="verdict is under way"):
        claim_decide(claim=claim, checkworthy=False, by=reviewer)
    outsider = django_user_model.objects.create_user("reader")
    with pytest.raises(NotPermitted):
        claim_decide(claim=claim, checkworthy=False, by=outsider)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.OPEN


# --- decisions survive re-extraction and a stricter or different scorer ------------------------


def test_reextraction_never_marks_a_reviewer_claim_stale(article, reviewer):
    start, end = span(SKIPPED)
    added = claim_add(article=article, start=start, end=end, by=reviewer)
    # Threshold 1.0 stands for a scorer that no longer flags anything in this text.
    result = claims_extract(article=article, threshold=1.0)
    added.refresh_from_db()
    assert added.status == Claim.Status.OPEN and added.origin == Claim.Origin.REVIEWER
    assert result.stale == article.claims.filter(origin=Claim.Origin.EXTRACTED).count() == 2
    assert claims_extract(article=article).stale == 0
    added.refresh_from_db()
    assert (added.start, added.end, added.status) == (start, end, Claim.Status.OPEN)


def test_a_not_a_claim_decision_survives_when_the_scorer_changes_its_mind(article, reviewer):
    claim = article.claims.order_by("start").first()
    claim_decide(claim=claim, checkworthy=False, by=reviewer)
    claims_extract(article=article, threshold=1.0)  # no longer flagged: not marked stale
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NOT_CHECKWORTHY
    claims_extract(article=article)  # flagged again: not reopened
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NOT_CHECKWORTHY
    assert article.claims.filter(text=claim.text).count() == 1  # and not added again


def test_a_decision_whose_text_is_gone_from_its_span_is_marked_stale(reviewer):
    article = ArticleFactory(body=BODY)
    # A claim left over from an older, different body layout: its words are not at its span.
    ghost = Claim.objects.create(
        article=article,
        text="Nothing like this is in the text.",
        start=0,
        end=33,
        score=0.9,
        kind=Claim.Kind.EVENT,
        origin=Claim.Origin.REVIEWER,
    )
    claims_extract(article=article)
    ghost.refresh_from_db()
    assert ghost.status == Claim.Status.STALE


def test_reextract_command_keeps_reviewer_decisions(article, reviewer, capsys):
    start, end = span(SKIPPED)
    added = claim_add(article=article, start=start, end=end, by=reviewer)
    rejected = article.claims.filter(origin=Claim.Origin.EXTRACTED).order_by("start").first()
    claim_decide(claim=rejected, checkworthy=False, by=reviewer)
    Claim.objects.filter(article=article).exclude(pk__in=[added.pk, rejected.pk]).update(
        text="stale leftover", start=0, end=3
    )
    call_command("reextract_claims", "--all")
    assert "1 added, 1 kept, 1 stale" in capsys.readouterr().out
    added.refresh_from_db()
    rejected.refresh_from_db()
    assert added.status == Claim.Status.OPEN
    assert rejected.status == Claim.Status.NOT_CHECKWORTHY


def test_a_sentence_cut_differently_does_not_come_back_over_a_decision(reviewer):
    # An older splitter stopped before the closing period; the sentence is now found whole.
    article = ArticleFactory(body=BODY)
    start, end = span("Unemployment rose to 6.5% in October, the statistics office said")
    rejected = Claim.objects.create(
        article=article,
        text=BODY[start:end],
        start=start,
        end=end,
        score=0.9,
        kind=Claim.Kind.STATISTIC,
        status=Claim.Status.NOT_CHECKWORTHY,
    )
    start, end = span("The council approved a budget")
    added = claim_add(article=article, start=start, end=end, by=reviewer)

    result = claims_extract(article=article)

    assert (result.added, result.stale) == (0, 0)
    assert set(article.claims.values_list("pk", "status")) == {
        (rejected.pk, Claim.Status.NOT_CHECKWORTHY),
        (added.pk, Claim.Status.OPEN),
    }
