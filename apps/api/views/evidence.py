"""Staff: evidence suggestions for a claim, from the archive's passage index."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.views.base import ApiMixin
from apps.claims.models import Claim
from apps.sources.evidence import claim_evidence, evidence_payload


class ActiveStaffWithCitations(BasePermission):
    """Staff who may read citations: an account that lost staff status (or was deactivated)
    is refused even if its groups still grant the permission."""

    message = "Evidence suggestions are for newsroom staff."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.is_active and user.is_staff and user.has_perm("sources.view_citation")


class EvidenceReasonOut(serializers.Serializer):
    kind = serializers.CharField(help_text="search rank, matched terms, matched numbers, ...")
    found = serializers.ListField(child=serializers.CharField())
    effect = serializers.FloatField(help_text="What this reason added to the score.")


class EvidenceSourceOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    title = serializers.CharField()


class EvidenceSuggestionOut(serializers.Serializer):
    passage = serializers.IntegerField()
    group = serializers.ChoiceField(
        choices=["cited", "archive"],
        help_text="cited: a source already cited on the claim's article; archive: any other.",
    )
    score = serializers.FloatField()
    first_stage = serializers.FloatField(help_text="Full-text rank relative to the best one.")
    reasons = EvidenceReasonOut(many=True)
    text = serializers.CharField()
    html = serializers.CharField(help_text="The passage, HTML-escaped, findings in <mark>.")
    source = EvidenceSourceOut()
    snapshot = serializers.IntegerField()
    start = serializers.IntegerField(help_text="Offset of the passage in the snapshot's text.")
    end = serializers.IntegerField()
    archive_url = serializers.CharField(help_text="The archived text, scrolled to the passage.")
    live_url = serializers.URLField(help_text="The live page with a #:~:text= fragment.")
    already_cited = serializers.BooleanField()


class EvidenceOut(serializers.Serializer):
    problem = serializers.CharField(help_text="Why there are no suggestions, if there are none.")
    suggestions = EvidenceSuggestionOut(many=True)


class ClaimEvidenceView(ApiMixin, APIView):
    permission_classes = [ActiveStaffWithCitations]
    filter_backends = []
    pagination_class = None

    @extend_schema(operation_id="claims_evidence", responses=EvidenceOut)
    def get(self, request, pk: int):
        """Staff: the archived passages most likely to settle the claim, sources cited on its
        article first, each with its score and the reasons for it."""
        claim = get_object_or_404(Claim.objects.only("pk", "text", "article_id"), pk=pk)
        return Response(evidence_payload(claim_evidence(claim=claim)))
