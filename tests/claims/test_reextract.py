"""Claims remember the model that scored them; `reextract_claims --all` moves every article to the
current model without touching reviewer work."""

import io

import pytest
from django.core.management import CommandError, call_command

from apps.articles.services import article_import
from apps.claims.extraction import extract, model
from apps.claims.models import Claim

pytestmark = pytest.mark.django_db

BODY = (
    "Senator Whitfield voted against the farm bill on Thursday.\n\n"
    "The council approved a budget of $4.2 million on Monday.\n\n"
    "Some people think this is a terrible idea."
)


def found_by_text(body):
    return {c.text: c for c in extract(body, threshold=0.5).claims}


def test_new_claims_record_the_model_version_and_contributions():
    article, _ = article_import(body=BODY)
    expected = found_by_text(BODY)
    claims = list(article.claims.all())
    assert sorted(c.text for c in claims) == sorted(expected)
    for claim in claims:
        assert claim.model_version == model.current().version
        assert claim.contributions == expected[claim.text].contributions
        assert claim.contributions and claim.reasons
    vote = article.claims.get(text__startswith="Senator Whitfield")
    assert "record: voted" in vote.reasons
    assert {"feature": "against", "weight": round(model.current().weights["against"], 3)} in (
        vote.contributions
    )


def test_reextract_all_rescores_claims_of_an_older_model_and_keeps_reviewer_work(
    django_user_model,
):
    reviewer = django_user_model.objects.create_user("rev")
    first, _ = article_import(body=BODY)
    second, _ = article_import(body="Unemployment rose to 6.5% in October, the bureau said.")
    # As an older model left them: another version, other contributions, another score.
    Claim.objects.update(model_version="lr-older", contributions=[], score=0.51)
    reviewed = first.claims.get(text__startswith="The council")
    Claim.objects.filter(pk=reviewed.pk).update(
        status=Claim.Status.NOT_CHECKWORTHY, assignee=reviewer
    )
    history_before = reviewed.history.count()

    out = io.StringIO()
    call_command("reextract_claims", "--all", stdout=out)

    assert f"#{first.pk} " in out.getvalue() and f"#{second.pk} " in out.getvalue()
    current = model.current().version
    assert set(Claim.objects.values_list("model_version", flat=True)) == {current}
    for article in (first, second):
        expected = found_by_text(article.body)
        for claim in article.claims.all():
            assert claim.score == expected[claim.text].score
            assert claim.contributions == expected[claim.text].contributions
    reviewed.refresh_from_db()
    assert (reviewed.status, reviewed.assignee) == (Claim.Status.NOT_CHECKWORTHY, reviewer)
    assert reviewed.history.count() == history_before + 1
    assert reviewed.history.first().model_version == current


def test_reextract_is_a_no_op_when_the_model_has_not_changed():
    article, _ = article_import(body=BODY)
    before = {c.pk: c.history.count() for c in article.claims.all()}
    call_command("reextract_claims", str(article.pk), stdout=io.StringIO())
    assert {c.pk: c.history.count() for c in article.claims.all()} == before


def test_reextract_refuses_unknown_ids_and_ambiguous_arguments():
    with pytest.raises(CommandError, match="no article with id 999999"):
        call_command("reextract_claims", "999999", stdout=io.StringIO())
    with pytest.raises(CommandError, match="not both or neither"):
        call_command("reextract_claims", stdout=io.StringIO())
