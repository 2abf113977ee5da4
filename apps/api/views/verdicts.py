"""Staff work on verdicts: drafts and every other state, per the reader's permissions; create and
edit with optimistic locking; the transitions of apps.verdicts.services, one POST each."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.api.filters import VerdictFilter
from apps.api.permissions import role_required
from apps.api.serializers import (
    CorrectionSerializer,
    RetractionSerializer,
    TransitionSerializer,
    VerdictCreateSerializer,
    VerdictSerializer,
    VerdictUpdateSerializer,
)
from apps.api.views.base import ApiMixin
from apps.verdicts import services
from apps.verdicts.selectors import verdicts_visible

# url name: (service, input serializer, what it does)
TRANSITIONS = {
    "submit": (services.verdict_submit, TransitionSerializer, "Submit a draft for review."),
    "request-changes": (
        services.verdict_request_changes,
        TransitionSerializer,
        "Send a submitted or approved verdict back to its author (a comment is required).",
    ),
    "reopen": (
        services.verdict_reopen,
        TransitionSerializer,
        "Back to draft after changes were requested.",
    ),
    "approve": (
        services.verdict_approve,
        TransitionSerializer,
        "Approve a submitted verdict; its author may not (two-person rule).",
    ),
    "publish": (
        services.verdict_publish,
        TransitionSerializer,
        "Publish an approved verdict; freezes a new version of the article's claim set.",
    ),
    "correct": (
        services.verdict_correct,
        CorrectionSerializer,
        "Correct a published verdict in public, with a note.",
    ),
    "retract": (
        services.verdict_retract,
        RetractionSerializer,
        "Retract a published verdict, with a public note.",
    ),
}


def _transition_action(url_path: str):
    service, form_class, doc = TRANSITIONS[url_path]

    def transition(self, request, pk=None):
        verdict = self.get_object()
        form = form_class(data=request.data)
        form.is_valid(raise_exception=True)
        verdict = service(verdict=verdict, by=request.user, **form.validated_data)
        return Response(VerdictSerializer(self._reload(verdict)).data)

    transition.__name__ = url_path.replace("-", "_")
    transition.__doc__ = doc
    decorated = action(detail=True, methods=["post"], url_path=url_path, filter_backends=[])(
        transition
    )
    return extend_schema(request=form_class, responses=VerdictSerializer)(decorated)


class VerdictViewSet(
    ApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Verdicts in every state, for staff who may view verdicts."""

    permission_classes = [
        role_required(read="verdicts.view_verdict", write="verdicts.view_verdict")
    ]
    serializer_class = VerdictSerializer
    filterset_class = VerdictFilter
    ordering_fields = ["id", "updated_at"]
    ordering = ["-id"]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return verdicts_visible(user=self.request.user).select_related(
            "claim", "rating", "author", "approver"
        )

    def _reload(self, verdict):
        return self.get_queryset().get(pk=verdict.pk)

    @extend_schema(request=VerdictCreateSerializer, responses={201: VerdictSerializer})
    def create(self, request):
        """Write a draft verdict on a claim."""
        form = VerdictCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        verdict = services.verdict_create(by=request.user, **form.validated_data)
        return Response(
            VerdictSerializer(self._reload(verdict)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=VerdictUpdateSerializer, responses=VerdictSerializer)
    def update(self, request, pk=None):
        """Edit a draft. Send the `version` you loaded: if the verdict changed since, 409."""
        verdict = self.get_object()
        form = VerdictUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        verdict = services.verdict_update(
            verdict=verdict,
            by=request.user,
            version=data["version"],
            rating=data.get("rating", verdict.rating),
            summary=data.get("summary", verdict.summary),
            archive_override=data.get("archive_override", verdict.archive_override),
        )
        return Response(VerdictSerializer(self._reload(verdict)).data)

    @extend_schema(request=VerdictUpdateSerializer, responses=VerdictSerializer)
    def partial_update(self, request, pk=None):
        """Same as PUT: fields left out keep their value."""
        return self.update(request, pk=pk)

    submit = _transition_action("submit")
    request_changes = _transition_action("request-changes")
    reopen = _transition_action("reopen")
    approve = _transition_action("approve")
    publish = _transition_action("publish")
    correct = _transition_action("correct")
    retract = _transition_action("retract")
