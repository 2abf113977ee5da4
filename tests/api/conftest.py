"""A newsroom with verdicts in every state, built through the services where the state matters,
and bulk builders for large claim sets."""

import datetime
import itertools
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from apps.articles.models import Article
from apps.claims.models import Claim
from apps.verdicts import services
from apps.verdicts.models import Verdict
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    cite_archived,
    correction_published,
    rating,
    verdict_published,
)

# Strings that must never reach an anonymous client.
SECRETS = {
    "draft": "SECRET-draft-summary",
    "submitted": "SECRET-submitted-summary",
    "approved": "SECRET-approved-summary",
    "changes": "SECRET-changes-requested-summary",
    "note": "SECRET-reviewer-note",
    "override": "SECRET-archive-override",
    "unpublished_article": "SECRET-unpublished-article-title",
    "unpublished_claim": "SECRET unpublished claim text",
}


@pytest.fixture
def api():
    return APIClient()


_articles = itertools.count()


def article_with_sentences(n: int, *, title: str = "") -> Article:
    """An article of n sentences, each a claim; bodies differ between calls."""
    k = next(_articles)
    sentences = [f"Claim {i} of {k} says the city had {i * 1000} residents." for i in range(n)]
    return ArticleFactory(title=title or f"Article with {n} claims", body=" ".join(sentences))


def claims_for(article: Article, n: int) -> list[Claim]:
    """One claim per sentence of an article made by article_with_sentences."""
    claims, start = [], 0
    while len(claims) < n:
        end = article.body.index(".", start) + 1
        claims.append(ClaimFactory.build(article=article, start=start, end=end))
        start = end + 1
    return Claim.objects.bulk_create(claims)


def cited_claim(article: Article, claim: Claim | None = None, *, note: str = "") -> Claim:
    claim = claim or ClaimFactory(article=article)
    cite_archived(claim, note=note)
    return claim


def publish(claim: Claim, *, author, editor, label: str = "True", summary: str = "") -> Verdict:
    return verdict_published(claim, author=author, approver=editor, label=label, summary=summary)


@dataclass
class Newsroom:
    article: Article
    published: Claim
    corrected: Claim
    retracted: Claim
    draft: Claim
    submitted: Claim
    approved: Claim
    changes: Claim
    unpublished_article: Article
    draft_verdict: Verdict
    submitted_verdict: Verdict
    approved_verdict: Verdict


@pytest.fixture
def newsroom(reviewer, editor, editor2) -> Newsroom:
    """One article with a claim in every verdict state, and one article with only a draft."""
    article = article_with_sentences(7, title="The census story")
    article.author = "Jane Reporter"
    article.canonical_url = "https://paper.example.com/census"
    article.published_on = datetime.date(2024, 3, 1)
    article.save()
    published, corrected, retracted, draft, submitted, approved, changes = claims_for(article, 7)
    for claim in (published, corrected, retracted, draft, submitted, approved, changes):
        cited_claim(article, claim, note=SECRETS["note"])

    publish(published, author=reviewer, editor=editor, label="True")
    publish(corrected, author=reviewer, editor=editor, label="Mostly true")
    v = Verdict.objects.get(claim=corrected)
    correction_published(
        v, by=editor, approver=editor2, note="Corrected the year.", rating=rating("Half true")
    )
    publish(retracted, author=reviewer, editor=editor, label="False")
    v = Verdict.objects.get(claim=retracted)
    services.verdict_retract(verdict=v, by=editor, note="The source was wrong.")

    draft_verdict = services.verdict_create(
        claim=draft, by=reviewer, rating=rating("False"), summary=SECRETS["draft"]
    )
    Verdict.objects.filter(pk=draft_verdict.pk).update(archive_override=SECRETS["override"])
    submitted_verdict = services.verdict_create(
        claim=submitted, by=reviewer, rating=rating("False"), summary=SECRETS["submitted"]
    )
    services.verdict_submit(verdict=submitted_verdict, by=reviewer)
    approved_verdict = services.verdict_create(
        claim=approved, by=reviewer, rating=rating("False"), summary=SECRETS["approved"]
    )
    services.verdict_submit(verdict=approved_verdict, by=reviewer)
    services.verdict_approve(verdict=approved_verdict, by=editor2)
    changes_verdict = services.verdict_create(
        claim=changes, by=reviewer, rating=rating("False"), summary=SECRETS["changes"]
    )
    services.verdict_submit(verdict=changes_verdict, by=reviewer)
    services.verdict_request_changes(verdict=changes_verdict, by=editor, comment="More sources.")

    hidden = ArticleFactory(
        title=SECRETS["unpublished_article"], body=SECRETS["unpublished_claim"] + "."
    )
    hidden_claim = ClaimFactory(article=hidden, start=0, end=len(hidden.body), text=hidden.body)
    cited_claim(hidden, hidden_claim, note=SECRETS["note"])
    services.verdict_create(claim=hidden_claim, by=reviewer, rating=rating(), summary="x")

    return Newsroom(
        article=article,
        published=published,
        corrected=corrected,
        retracted=retracted,
        draft=draft,
        submitted=submitted,
        approved=approved,
        changes=changes,
        unpublished_article=hidden,
        draft_verdict=Verdict.objects.get(pk=draft_verdict.pk),
        submitted_verdict=Verdict.objects.get(pk=submitted_verdict.pk),
        approved_verdict=Verdict.objects.get(pk=approved_verdict.pk),
    )
