"""An article with verdicts in every state a report must handle, made through the verdict
services (so the data is what the workbench itself would produce)."""

import hashlib
from dataclasses import dataclass

import pytest

from apps.articles.models import Article
from apps.claims.models import Claim
from apps.verdicts import services
from apps.verdicts.models import StaffProfile, Verdict
from tests.factories import (
    ArticleFactory,
    cite_archived,
    rating,
    verdict_published,
)

BODY = (
    "Officials say the city had 30,000 residents in 2016.\n\n"
    "The mayor claimed unemployment fell by half in a year. Critics disagree.\n\n"
    '=HYPERLINK("http://evil.example/x") was painted on the wall, police said.\n\n'
    "The new bridge will open in 2030, according to the ministry."
)


def claim_on(article: Article, text: str, **extra) -> Claim:
    start = article.body.index(text)
    return Claim.objects.create(
        article=article, text=text, start=start, end=start + len(text), score=0.9,
        kind=extra.pop("kind", Claim.Kind.STATISTIC), **extra,
    )  # fmt: skip


def cite(claim: Claim, *, stance: str = "supports", excerpt: str = "30,000 residents"):
    return cite_archived(claim, stance=stance, excerpt=excerpt)


def publish(claim: Claim, *, author, approver, label: str, summary: str) -> Verdict:
    return verdict_published(claim, author=author, approver=approver, label=label, summary=summary)


@dataclass
class Newsroom:
    article: Article
    published: list[Claim]
    draft: Claim
    draft_text: str


def make_article(body: str = BODY, **fields) -> Article:
    return ArticleFactory(
        body=body, content_sha256=hashlib.sha256(body.encode()).hexdigest(), **fields
    )


@pytest.fixture
def newsroom(reviewer, editor) -> Newsroom:
    """Three published claims (one hostile to spreadsheets) and one draft, in one article."""
    StaffProfile.objects.create(user=editor, public_name="Eddie Editor")
    article = make_article(
        title="City facts under review", canonical_url="https://paper.example/city",
        author="A. Writer",
    )  # fmt: skip
    residents = claim_on(article, "the city had 30,000 residents in 2016")
    cite(residents)
    unemployment = claim_on(article, "unemployment fell by half in a year")
    cite(unemployment, stance="refutes", excerpt="@SUM(1+1) unemployment fell 10%")
    formula = claim_on(article, '=HYPERLINK("http://evil.example/x") was painted on the wall')
    cite(formula, stance="context", excerpt="-2+3 painted")
    draft_text = "The new bridge will open in 2030"
    bridge = claim_on(article, draft_text, kind=Claim.Kind.PREDICTION)
    cite(bridge)
    publish(residents, author=reviewer, approver=editor, label="True",
            summary="Census figures confirm the number.")  # fmt: skip
    publish(unemployment, author=reviewer, approver=editor, label="False",
            summary="+10% is the official figure, not half.")  # fmt: skip
    publish(formula, author=reviewer, approver=editor, label="Half true",
            summary="=1+1 the wall said something else.")  # fmt: skip
    services.verdict_create(claim=bridge, by=reviewer, rating=rating("Unverifiable"),
                            summary="SECRET DRAFT SUMMARY")  # fmt: skip
    return Newsroom(article, [residents, unemployment, formula], bridge, draft_text)


def article_with_published_claims(n: int, *, author, approver, label: str = "Mostly true"):
    """An article of n paragraphs, one published claim in each, each citing two sources."""
    article = make_article("\n\n".join(f"Claim number {i} says {i} things." for i in range(n)))
    for i in range(n):
        claim = claim_on(article, f"{i} says {i} things")
        cite(claim)
        cite(claim, stance="refutes", excerpt="other")
        publish(claim, author=author, approver=approver, label=label, summary="s")
    return article
