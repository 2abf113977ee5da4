"""Prior checks in the claim API: staff see a claim's matches (suggested, confirmed, rejected)
and decide them; the public sees, on a published claim, only the confirmed links to earlier
published claims (apps.verdicts.priorlinks decides both)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.api.permissions import role_required
from apps.api.schema import ClaimOut
from apps.claims.models import Claim
from apps.verdicts.models import PriorCheckMatch
from apps.verdicts.priorchecks import DECISIONS, prior_check_decide
from apps.verdicts.priorlinks import prior_matches_for_claims
from apps.verdicts.priorscore import prior_reasons_text


class PriorLinkOut(serializers.Serializer):
    claim = serializers.IntegerField(help_text="The earlier claim with a published verdict.")
    article = serializers.IntegerField()
    rating = serializers.CharField(allow_null=True)


class ClaimDetailOut(ClaimOut):
    prior_checks = PriorLinkOut(
        many=True, help_text="Earlier published checks of this claim, confirmed by a reviewer."
    )


class PriorMatchOut(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=PriorCheckMatch.State.choices)
    score = serializers.FloatField()
    likely_repeat = serializers.BooleanField()
    why = serializers.CharField()
    reasons = serializers.DictField()
    prior_claim = serializers.DictField(allow_null=True)
    external = serializers.DictField(allow_null=True)
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class PriorDecisionIn(serializers.Serializer):
    match = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=list(DECISIONS))


def prior_match_payload(match: PriorCheckMatch, *, flag: float) -> dict:
    prior = None
    if match.prior_claim_id:
        verdict = match.prior_verdict
        prior = {
            "id": match.prior_claim_id,
            "article": match.prior_claim.article_id,
            "text": match.prior_claim.text,
            "verdict": verdict.pk if verdict else None,
            "rating": verdict.rating.label if verdict and verdict.rating else None,
        }
    external = None
    if match.external_id:
        fc = match.external
        external = {
            "url": fc.url,
            "claim_text": fc.claim_text,
            "rating": fc.rating,
            "organization": fc.organization,
            "published_on": fc.published_on.isoformat() if fc.published_on else None,
        }
    return {
        "id": match.pk,
        "state": match.state,
        "score": match.score,
        "likely_repeat": match.score >= flag or match.state == PriorCheckMatch.State.CONFIRMED,
        "why": prior_reasons_text(match.reasons),
        "reasons": match.reasons,
        "prior_claim": prior,
        "external": external,
        "decided_by": match.decided_by.get_username() if match.decided_by else None,
        "decided_at": match.decided_at,
    }


class PriorChecksMixin:
    @extend_schema(methods=["GET"], responses=PriorMatchOut(many=True), filters=False)
    @extend_schema(methods=["POST"], request=PriorDecisionIn, responses=PriorMatchOut)
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="prior-checks",
        permission_classes=[role_required(read="claims.view_claim", write="claims.change_claim")],
        filter_backends=[],
        pagination_class=None,
    )
    def prior_checks(self, request, pk=None):
        """Staff: earlier checks this claim may repeat, with score and why (GET, any claim), or
        a reviewer's decision on one of them (POST {"match": id, "decision": "confirm"})."""
        from django.conf import settings

        claim = get_object_or_404(Claim, pk=pk)
        flag = settings.PRIOR_CHECK_FLAG
        if request.method == "POST":
            form = PriorDecisionIn(data=request.data)
            form.is_valid(raise_exception=True)
            match = get_object_or_404(PriorCheckMatch, pk=form.validated_data["match"], claim=claim)
            # A refusal is a domain error: the API's exception handler answers it by its kind.
            prior_check_decide(match=match, action=form.validated_data["decision"], by=request.user)
            decided = prior_matches_for_claims([claim.pk], decided=True).get(claim.pk, [])
            return Response(
                prior_match_payload(*[m for m in decided if m.pk == match.pk], flag=flag)
            )
        matches = prior_matches_for_claims([claim.pk]).get(claim.pk, [])
        return Response([prior_match_payload(m, flag=flag) for m in matches])
