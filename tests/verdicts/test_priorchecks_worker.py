"""Extraction hands new claims to the prior-check task, which a real worker runs after the
commit (tests/conftest.py starts it on the test Redis and PostgreSQL)."""

import pytest

from apps.articles.models import Article
from apps.articles.services import article_import
from apps.claims.services import claims_extract
from apps.verdicts.models import PriorCheckMatch
from tests.conftest import wait_for
from tests.factories import ArticleFactory, ClaimFactory, cite_archived, verdict_published

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_imported_and_reextracted_claims_are_matched_by_the_worker(
    celery_worker_process, reviewer, editor
):
    prior = ClaimFactory(
        article=ArticleFactory(body="Knife crime in London rose by 20% last year, police said.")
    )
    cite_archived(prior)
    verdict_published(prior, author=reviewer, approver=editor, label="Mostly false")

    article, _created = article_import(
        body="Last year knife crime in London went up by 20 per cent, police figures show.",
        title="Knife crime follow-up",
        origin=Article.Origin.TEXT,
    )
    match = wait_for(lambda: PriorCheckMatch.objects.filter(claim__article=article).first())
    assert match.prior_claim_id == prior.pk

    # Re-extraction sends the kept claims again; the decision stays and nothing is duplicated.
    PriorCheckMatch.objects.filter(pk=match.pk).delete()
    claims_extract(article=article)
    again = wait_for(lambda: PriorCheckMatch.objects.filter(claim__article=article).first())
    assert again.prior_claim_id == prior.pk
    assert PriorCheckMatch.objects.filter(claim__article=article).count() == 1
