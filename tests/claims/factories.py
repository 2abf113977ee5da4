import factory

from apps.claims.models import Claim
from apps.sources.models import Citation, Source
from tests.articles.factories import ArticleFactory


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim over the article's whole body unless start/end are given."""

    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    start = 0
    end = factory.LazyAttribute(lambda c: len(c.article.body))
    text = factory.LazyAttribute(lambda c: c.article.body[c.start : c.end])
    score = 0.8
    kind = Claim.Kind.STATISTIC
    reasons = factory.LazyFunction(lambda: ["number: 30,000"])


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://news.example.org/claims-{n}")
    domain = "news.example.org"


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    stance = Citation.Stance.SUPPORTS
