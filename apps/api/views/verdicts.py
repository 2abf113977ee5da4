"""Staff work on verdicts: drafts and every other state, per the reader's permissions; create and
edit with optimistic locking; one POST action per step of the workflow table
(apps.verdicts.workflow)."""

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
from apps.verdicts.selectors import verdicts_visible, verdicts_with_public_names
from apps.verdicts.workflow import STEPS, Step


def _input_for(step: Step):
    """The request body a step takes: a public note (and, for a correction, the new rating and
    summary), or an optional comment."""
    if step.corrects:
        return CorrectionSerializer
    if step.public_note:
        return RetractionSerializer
    return TransitionSerializer


def _step_action(step: Step):
    """The POST /verdicts/<id>/<step>/ action for one row of the workflow table."""
    form_class = _input_for(step)

    def transition(self, request, pk=None):
        verdict = self.get_object()
        form = form_class(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        verdict = services.verdict_step(
            verdict=verdict,
            name=step.name,
            by=request.user,
            note=data.get("note", data.get("comment", "")),
            version=data.get("version"),
            rating=data.get("rating"),
            summary=data.get("summary"),
        )
        return Response(VerdictSerializer(self._reload(verdict)).data)

    transition.__name__ = step.name
    transition.__doc__ = step.help
    decorated = action(detail=True, methods=["post"], url_path=step.action, filter_backends=[])(
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
        return verdicts_with_public_names(
            verdicts_visible(user=self.request.user).select_related(
                "claim", "rating", "pending_rating", "author", "approver", "last_editor"
            )
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


# One action per row of the workflow table: a new step is offered here without a line of code.
for _step in STEPS:
    setattr(VerdictViewSet, _step.name, _step_action(_step))
