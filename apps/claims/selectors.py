from django.db.models import Count, QuerySet

from apps.claims.models import Claim


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
