import hashlib

import factory

from apps.articles.models import Article


class ArticleFactory(factory.django.DjangoModelFactory):
    """An article row as stored (no claims: use article_import for the real pipeline)."""

    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    body = factory.Sequence(
        lambda n: f"Article number {n}. The city had 30,000 residents in 2016, officials said."
    )
    content_sha256 = factory.LazyAttribute(
        lambda a: hashlib.sha256(a.body.encode("utf-8")).hexdigest()
    )
