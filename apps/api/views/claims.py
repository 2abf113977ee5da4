"""Claims with public verdicts (filterable, paginated), their ClaimReview markup and the
ClaimReview DataFeed; staff read and add citations here."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from apps.api.exceptions import Refused
from apps.api.filters import ClaimFilter
from apps.api.permissions import role_required
from apps.api.schema import ClaimOut, ClaimReviewFeedOut, ClaimReviewOut
from apps.api.serializers import CitationCreateSerializer, CitationSerializer
from apps.api.views.base import ApiMixin, ConditionalGetMixin, JSONLDRenderer
from apps.api.views.priorchecks import ClaimDetailOut, PriorChecksMixin
from apps.claims.models import Claim
from apps.sources.models import Citation
from apps.verdicts.claimreview import claim_review, claim_review_feed
from apps.verdicts.claimsets import claims_payload
from apps.verdicts.models import Verdict
from apps.verdicts.priorlinks import prior_links_public
from apps.verdicts.selectors import (
    claim_reviewable_verdict,
    claims_published_annotated,
    verdicts_reviewable,
)


def claim_items(claims) -> list[dict]:
    """Claims as listed: their claim-set entries plus the article and the ClaimReview link (none
    once the verdict is retracted), in the order given."""
    ids = [c.pk for c in claims]
    payload = {item["id"]: item for item in claims_payload(claim_ids=ids, with_article=True)}
    items = []
    for pk in ids:
        item = payload[pk]
        reviewable = item["verdict"]["state"] in Verdict.LIVE_PUBLIC_STATES
        item["claimreview"] = f"/api/v1/claims/{pk}/claimreview/" if reviewable else None
        items.append(item)
    return items


class ClaimViewSet(
    PriorChecksMixin,
    ApiMixin,
    ConditionalGetMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Claims with a public verdict: published, corrected, or retracted (shown as retracted)."""

    filterset_class = ClaimFilter
    ordering_fields = ["id", "published_at"]
    ordering = ["-published_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return claims_published_annotated().only("id")

    @extend_schema(responses=ClaimOut(many=True))
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(claim_items(page))

    @extend_schema(responses=ClaimDetailOut, filters=False)
    def retrieve(self, request, pk=None):
        claim = get_object_or_404(self.get_queryset(), pk=pk)
        item = claim_items([claim])[0]
        item["prior_checks"] = prior_links_public([claim.pk]).get(claim.pk, [])
        return Response(item)

    @extend_schema(responses=ClaimReviewOut, filters=False)
    @action(
        detail=True,
        renderer_classes=[JSONRenderer, JSONLDRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def claimreview(self, request, pk=None):
        """The schema.org ClaimReview (JSON-LD) of the claim's published verdict."""
        verdict = claim_reviewable_verdict(claim_id=pk)
        if verdict is None:
            raise NotFound("This claim has no published review (or it was retracted).")
        return Response(claim_review(verdict))

    @extend_schema(methods=["GET"], responses=CitationSerializer(many=True), filters=False)
    @extend_schema(
        methods=["POST"], request=CitationCreateSerializer, responses={201: CitationSerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[
            role_required(read="sources.view_citation", write="sources.add_citation")
        ],
        filter_backends=[],
        pagination_class=None,
    )
    def citations(self, request, pk=None):
        """Staff: the claim's citations with reviewers' notes (GET), or cite a source (POST;
        archiving starts in the background)."""
        claim = get_object_or_404(Claim, pk=pk)
        if request.method == "POST":
            return self._citation_add(request, claim)
        citations = Citation.objects.filter(claim=claim).select_related(
            "source", "snapshot", "added_by"
        )
        return Response(CitationSerializer(citations, many=True).data)

    def _citation_add(self, request, claim: Claim) -> Response:
        from apps.sources.services import SourceError, citation_add

        form = CitationCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            citation = citation_add(claim=claim, by=request.user, **form.validated_data)
        except SourceError as exc:
            raise Refused(str(exc)) from exc
        data = CitationSerializer(citation, context={"with_active": True}).data
        return Response(data, status=status.HTTP_201_CREATED)


class ClaimReviewFeedView(ApiMixin, ConditionalGetMixin, GenericAPIView):
    """A schema.org DataFeed of every published ClaimReview, newest first."""

    renderer_classes = [JSONRenderer, JSONLDRenderer]
    filter_backends = []
    pagination_class = None

    @extend_schema(responses=ClaimReviewFeedOut)
    def get(self, request):
        return Response(claim_review_feed(verdicts_reviewable()))
