"""Reads of claims that more than one caller needs.

Articles and verdicts sit above claims (they import apps.claims; claims never imports them). Where
claims code must touch one of them (lock a claim's article, ask whether a claim has a live
verdict) it reaches the model through the relation that already joins them, so the rule about
which states count as live stays on the Verdict model and is not copied here.
"""

from django.db import models
from django.db.models import Count, QuerySet

from apps.claims.models import Claim


def article_model() -> type[models.Model]:
    """The Article model, through Claim.article."""
    return Claim._meta.get_field("article").related_model


def verdict_model() -> type[models.Model]:
    """The Verdict model, through the reverse relation Claim.verdicts; it names its state sets
    (LIVE_STATES, UNDER_WAY_STATES, ...)."""
    return Claim._meta.get_field("verdicts").related_model


def claims_of_article(*, article, include_stale: bool = True) -> QuerySet[Claim]:
    """An article's claims in reading order, with what the admin and reports show beside them."""
    claims = (
        Claim.objects.filter(article=article)
        .select_related("assignee")
        .annotate(citation_count=Count("citations", distinct=True))
        .order_by("start", "end")
    )
    if not include_stale:
        claims = claims.exclude(status=Claim.Status.STALE)
    return claims
