"""Articles: the public list and verified claim sets (live and frozen versions), and import from
text or URL for staff."""

from django.db.models import Max
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.api.filters import ArticleFilter
from apps.api.permissions import role_required
from apps.api.schema import VERSION_PARAMETER, ArticleOut, ClaimSetOut, VersionOut
from apps.api.serializers import ArticleImportedSerializer, ArticleImportSerializer
from apps.api.views.base import ApiMixin, ConditionalGetMixin
from apps.articles.models import Article
from apps.articles.services import article_import, article_import_url
from apps.verdicts.claimsets import claim_set_payload
from apps.verdicts.models import ClaimSetVersion
from apps.verdicts.selectors import article_rating_counts, articles_visible


def article_url(article_id: int) -> str:
    return f"/api/v1/articles/{article_id}/"


def article_item(article: Article, counts: dict) -> dict:
    return {
        "id": article.pk,
        "url": article_url(article.pk),
        "title": article.title,
        "canonical_url": article.canonical_url,
        "language": article.language,
        "author": article.author,
        "published_on": article.published_on.isoformat() if article.published_on else None,
        "claims": sum(counts["ratings"].values()),
        "ratings": counts["ratings"],
        "retracted": counts["retracted"],
        "latest_version": article.latest_version,
    }


class _VersionQuery(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class ArticleViewSet(
    ApiMixin,
    ConditionalGetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Articles with published verdicts (staff see every article)."""

    permission_classes = [role_required(write="articles.add_article")]
    filterset_class = ArticleFilter
    ordering_fields = ["id"]
    ordering = ["-id"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return articles_visible(user=self.request.user)

    @extend_schema(responses=ArticleOut(many=True))
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset()).annotate(
            latest_version=Max("claim_set_versions__number")
        )
        page = self.paginate_queryset(queryset)
        counts = article_rating_counts(article_ids=[a.pk for a in page])
        return self.get_paginated_response([article_item(a, counts[a.pk]) for a in page])

    @extend_schema(parameters=[VERSION_PARAMETER], responses=ClaimSetOut)
    def retrieve(self, request, *args, **kwargs):
        """The verified claim set: every claim with a public verdict, its citations and archived
        copies. With `?version=N`, the set exactly as frozen at that publication."""
        query = _VersionQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        article = self.get_object()
        number = query.validated_data.get("version")
        if number is None:
            return Response(claim_set_payload(article))
        version = get_object_or_404(
            ClaimSetVersion.objects.only("payload"), article=article, number=number
        )
        return Response(version.payload)

    @extend_schema(responses=VersionOut(many=True), filters=False)
    @action(detail=True, pagination_class=None, filter_backends=[])
    def versions(self, request, pk=None):
        """Every frozen version of the claim set, oldest first (one per publication,
        correction or retraction)."""
        article = self.get_object()
        versions = article.claim_set_versions.order_by("number").values(
            "number", "created_at", "reason"
        )
        return Response(
            [
                {
                    **v,
                    "created_at": v["created_at"].isoformat(),
                    "url": f"{article_url(article.pk)}?version={v['number']}",
                }
                for v in versions
            ]
        )

    @extend_schema(request=ArticleImportSerializer, responses=ArticleImportedSerializer)
    def create(self, request, *args, **kwargs):
        """Import an article from pasted text or a URL; claims are extracted at once."""
        form = ArticleImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        common = {
            "title": data["title"],
            "canonical_url": data["canonical_url"],
            "by": request.user,
        }
        if "url" in data:
            article, created = article_import_url(url=data["url"], **common)
        else:
            article, created = article_import(body=data["body"], **common)
        article.created = created
        return Response(
            ArticleImportedSerializer(article).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
