"""factory-boy factories for the core models, shared by every test package."""

import datetime
import hashlib

import factory
from django.utils import timezone

from apps.articles.models import Article
from apps.claims.models import Claim
from apps.sources.models import Citation, Snapshot, Source
from apps.verdicts.models import Rating, Verdict
from apps.verdicts.scale import rating_scale_seed


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    body = factory.Sequence(
        lambda n: f"Article number {n}. The city had 30,000 residents in 2016, officials said."
    )
    content_sha256 = factory.LazyAttribute(
        lambda a: hashlib.sha256(a.body.encode("utf-8")).hexdigest()
    )


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim spanning the article's second sentence (or the whole body when it has one)."""

    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    start = factory.LazyAttribute(
        lambda c: c.article.body.find(". ") + 2 if ". " in c.article.body else 0
    )
    end = factory.LazyAttribute(lambda c: len(c.article.body))
    text = factory.LazyAttribute(lambda c: c.article.body[c.start : c.end])
    score = 0.8
    kind = Claim.Kind.STATISTIC
    reasons = factory.LazyFunction(lambda: ["number: 30,000", "date: 2016"])


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://news.example.org/story-{n}")
    domain = "news.example.org"
    title = factory.Sequence(lambda n: f"Story {n}")


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Snapshot

    source = factory.SubFactory(SourceFactory)
    state = Snapshot.State.ARCHIVED
    http_status = 200
    final_url = factory.LazyAttribute(lambda s: s.source.url)
    content_type = "text/html"
    sha256 = factory.Sequence(lambda n: hashlib.sha256(str(n).encode()).hexdigest())
    size = 1234
    warc = factory.Sequence(lambda n: f"archives/{n:064x}.warc.gz")
    text = "The city had 30,000 residents in 2016."
    fetched_at = factory.LazyFunction(timezone.now)


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    stance = Citation.Stance.SUPPORTS
    excerpt = "30,000 residents"


def rating(label: str = "True") -> Rating:
    found = Rating.objects.filter(label=label).first()
    if found is None:
        rating_scale_seed()  # a transactional test's flush removed the migration's scale
        found = Rating.objects.get(label=label)
    return found


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verdict

    claim = factory.SubFactory(ClaimFactory)
    rating = factory.LazyFunction(rating)
    summary = "Census figures confirm the number."
    author = None


def cite_archived(claim: Claim, **fields) -> Citation:
    """Cite a freshly archived source on the claim (what publishing requires)."""
    snapshot = SnapshotFactory()
    return CitationFactory(claim=claim, source=snapshot.source, snapshot=snapshot, **fields)


def verdict_published(
    claim: Claim, *, author, approver, label: str = "True", summary: str = ""
) -> Verdict:
    """A verdict taken through the real workflow to publication."""
    from apps.verdicts import services

    verdict = services.verdict_create(
        claim=claim, by=author, rating=rating(label), summary=summary or f"Summary of {claim.pk}."
    )
    services.verdict_submit(verdict=verdict, by=author)
    services.verdict_approve(verdict=verdict, by=approver)
    return services.verdict_publish(verdict=verdict, by=approver)


def verdicts_published_bulk(claims: list[Claim], *, author, approver, label: str = "True") -> None:
    """Published verdicts with an archived, cited source for each claim, straight into the
    tables (the services are exercised elsewhere; this is for large sets)."""
    now = timezone.now()
    sources = Source.objects.bulk_create(
        Source(url=f"https://stats.example.org/{c.article_id}/{c.pk}", domain="stats.example.org")
        for c in claims
    )
    snapshots = Snapshot.objects.bulk_create(
        Snapshot(
            source=s,
            state=Snapshot.State.ARCHIVED,
            sha256=hashlib.sha256(s.url.encode()).hexdigest(),
            warc=f"archives/{s.pk}.warc.gz",
            fetched_at=now,
            http_status=200,
        )
        for s in sources
    )
    Citation.objects.bulk_create(
        Citation(claim=c, source=s, snapshot=snap, stance="supports", excerpt="residents")
        for c, s, snap in zip(claims, sources, snapshots, strict=True)
    )
    r = rating(label)
    Verdict.objects.bulk_create(
        Verdict(
            claim=c,
            rating=r,
            summary=f"Checked claim {c.pk}.",
            state=Verdict.State.PUBLISHED,
            author=author,
            approver=approver,
            approved_at=now,
            published_at=now - datetime.timedelta(seconds=i),
        )
        for i, c in enumerate(claims)
    )


def correction_published(verdict: Verdict, *, by, approver, note: str, **changes) -> Verdict:
    """A correction drafted by `by`, approved by another editor and published by `by`."""
    from apps.verdicts import services

    verdict = services.verdict_correct(verdict=verdict, by=by, note=note, **changes)
    verdict = services.verdict_approve_correction(verdict=verdict, by=approver)
    return services.verdict_publish_correction(verdict=verdict, by=by)
