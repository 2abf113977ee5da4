from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from apps.claims.conversation import conversation_context
from apps.sources.models import Source
from apps.sources.services import snapshot_request
from apps.verdicts import selectors, services
from apps.verdicts.forms import TransitionForm, VerdictForm
from apps.verdicts.models import (
    ClaimSetVersion,
    Rating,
    StaffProfile,
    Verdict,
    VerdictTransition,
)
from apps.verdicts.workflow import PERM_PUBLISH, STEPS_BY_NAME
from factcheck.admin import ServiceRefusalsAsMessages
from factcheck.errors import DomainError

State = Verdict.State


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["label", "order", "colour_swatch", "rating_value", "alternate_name", "uses"]
    list_editable = ["order"]
    search_fields = ["label", "alternate_name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_uses=Count("verdicts"))

    @admin.display(description="Colour")
    def colour_swatch(self, obj: Rating):
        return format_html(
            '<span style="display:inline-block;width:1em;height:1em;background:{};'
            'vertical-align:middle;border:1px solid #999"></span> {}',
            obj.colour,
            obj.colour,
        )

    @admin.display(description="Verdicts", ordering="_uses")
    def uses(self, obj: Rating) -> int:
        return obj._uses


class VerdictTransitionInline(admin.TabularInline):
    model = VerdictTransition
    extra = 0
    can_delete = False
    fields = ["from_state", "to_state", "kind", "by", "at", "comment"]
    readonly_fields = fields
    verbose_name_plural = "Workflow log"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(Verdict)
class VerdictAdmin(ServiceRefusalsAsMessages, SimpleHistoryAdmin):
    form = VerdictForm
    change_form_template = "admin/verdicts/verdict/change_form.html"
    list_display = [
        "claim_excerpt",
        "article",
        "rating",
        "state",
        "author",
        "approver",
        "updated_at",
        "published_at",
    ]
    list_filter = ["state", "rating", ("author", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["claim__text", "summary", "claim__article__title"]
    list_select_related = ["claim__article", "rating", "author", "approver"]
    autocomplete_fields = ["claim"]
    date_hierarchy = "updated_at"
    show_full_result_count = False
    readonly_fields = Verdict.SERVICE_FIELDS
    fieldsets = [
        (None, {"fields": ["claim", "rating", "summary", "archive_override", "expected_version"]}),
        (
            "Workflow",
            {
                "fields": [
                    "state",
                    "author",
                    "approver",
                    "version",
                    "last_editor",
                    "correction_note",
                    ("pending_rating", "correction_approver"),
                    "pending_summary",
                    "pending_note",
                    ("created_at", "updated_at"),
                    ("submitted_at", "approved_at"),
                    ("published_at", "corrected_at", "retracted_at"),
                ]
            },
        ),
    ]
    inlines = [VerdictTransitionInline]

    @admin.display(description="Claim", ordering="claim__text")
    def claim_excerpt(self, obj: Verdict) -> str:
        return str(obj.claim)

    @admin.display(description="Article", ordering="claim__article__title")
    def article(self, obj: Verdict) -> str:
        return obj.claim.article.title

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("claim")
            if obj.state not in Verdict.EDITABLE_STATES:
                fields += ["rating", "summary", "archive_override"]
        return fields

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "claim" in request.GET:
            initial["claim"] = request.GET["claim"]
        return initial

    def has_change_permission(self, request, obj=None) -> bool:
        """Only drafts are edited in the form; later states change through the workflow buttons."""
        if obj is not None and obj.state not in Verdict.EDITABLE_STATES:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return bool(obj is None or obj.state == State.DRAFT) and super().has_delete_permission(
            request, obj
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A workflow button pressed in the edit form saves the edits and takes the step in one
        transaction; if the service refuses either, nothing is written and the form comes back
        filled in, with the refusal on top (never a redirect that drops what was typed)."""
        base = super(ServiceRefusalsAsMessages, self)
        try:
            return base.changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            if request.method != "POST":
                raise
            request.verdict_refusal = exc.message
            return base.changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "verdict_refusal", "")
        if not refusal:
            return form

        class Refused(form):
            def clean(self):
                super().clean()
                raise ValidationError(refusal)

        return Refused

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            updated = services.verdict_update(
                verdict=obj,
                by=request.user,
                version=data.get("expected_version") or obj.version,
                rating=data.get("rating"),
                summary=data.get("summary", ""),
                archive_override=data.get("archive_override", ""),
            )
            step = STEPS_BY_NAME.get(request.POST.get("_step", ""))
            if step is not None:
                updated = services.verdict_step(
                    verdict=updated,
                    name=step.name,
                    by=request.user,
                    note=request.POST.get("_step_note", ""),
                    version=updated.version,
                )
                self.message_user(request, step.done, messages.SUCCESS)
        else:
            updated = services.verdict_create(
                claim=data["claim"],
                by=request.user,
                rating=data.get("rating"),
                summary=data.get("summary", ""),
            )
            if data.get("archive_override"):
                updated = services.verdict_update(
                    verdict=updated,
                    by=request.user,
                    version=updated.version,
                    rating=updated.rating,
                    summary=updated.summary,
                    archive_override=data["archive_override"],
                )
        obj.pk = updated.pk
        obj.refresh_from_db()

    def response_change(self, request, obj):
        if "_step" in request.POST:
            return HttpResponseRedirect(reverse("admin:verdicts_verdict_change", args=[obj.pk]))
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            offers = services.verdict_steps_offered(verdict=obj, user=request.user)
            context.update(
                offers=offers,
                in_form=obj.state in Verdict.EDITABLE_STATES
                and super().has_change_permission(request, obj),
                transition_form=TransitionForm(initial={"expected_version": obj.version}),
                evidence=selectors.verdict_evidence(claim_id=obj.claim_id),
                paragraph=selectors.claim_paragraph(claim=obj.claim),
                scale=Rating.objects.all(),
                may_override=request.user.has_perm(PERM_PUBLISH),
                in_correction=obj.state in Verdict.CORRECTION_STATES,
                **conversation_context(request, claim_id=obj.claim_id),
            )
            if obj.state in (State.APPROVED, State.CORRECTION_APPROVED, *Verdict.EDITABLE_STATES):
                context["blockers"] = services.verdict_publish_check(verdict=obj).blockers
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        custom = [
            path(
                "<path:object_id>/transition/<str:action>/",
                self.admin_site.admin_view(self.transition_view),
                name="verdicts_verdict_transition",
            ),
            path(
                "<path:object_id>/override/",
                self.admin_site.admin_view(self.override_view),
                name="verdicts_verdict_override",
            ),
            path(
                "<path:object_id>/rearchive/<int:source_id>/",
                self.admin_site.admin_view(self.rearchive_view),
                name="verdicts_verdict_rearchive",
            ),
        ]
        return custom + super().get_urls()

    def override_view(self, request, object_id: str):
        """An editor's reason to publish without an archived copy, in the state it is needed."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        verdict = get_object_or_404(Verdict, pk=object_id)
        form = TransitionForm(request.POST)
        form.is_valid()
        try:
            services.verdict_override_set(
                verdict=verdict,
                by=request.user,
                reason=request.POST.get("archive_override", ""),
                version=form.cleaned_data.get("expected_version"),
            )
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, "The archive override was saved.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:verdicts_verdict_change", args=[verdict.pk]))

    def rearchive_view(self, request, object_id: str, source_id: int):
        """Capture a cited source again (a blocker's fix), then come back to the verdict."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        verdict = get_object_or_404(Verdict, pk=object_id)
        if not request.user.has_perm("sources.change_source"):
            raise PermissionDenied
        source = get_object_or_404(Source, pk=source_id, citations__claim_id=verdict.claim_id)
        snapshot_request(source=source, force=True)
        self.message_user(
            request, f"{source.url} was queued for archiving again.", messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:verdicts_verdict_change", args=[verdict.pk]))

    def transition_view(self, request, object_id: str, action: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not object_id.isascii() or not object_id.isdigit() or int(object_id) >= 2**63:
            raise Http404("No verdict with that id.")  # a hand-edited URL, not a server error
        verdict = get_object_or_404(Verdict, pk=object_id)
        if not self.has_view_permission(request, verdict):
            raise PermissionDenied
        change_url = reverse("admin:verdicts_verdict_change", args=[verdict.pk])
        form = TransitionForm(request.POST)
        step = STEPS_BY_NAME.get(action)
        if step is None or not form.is_valid():
            self.message_user(request, "That action is not available.", messages.ERROR)
            return HttpResponseRedirect(change_url)
        data = form.cleaned_data
        try:
            services.verdict_step(
                verdict=verdict,
                name=step.name,
                by=request.user,
                note=data.get("comment") or "",
                version=data.get("expected_version"),
                rating=data.get("rating"),
                summary=data.get("summary"),
            )
        except services.VerdictError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, step.done, messages.SUCCESS)
        return HttpResponseRedirect(change_url)


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    """The name each staff member is shown under in reports and the API."""

    list_display = ["user", "public_name"]
    list_select_related = ["user"]
    search_fields = ["user__username", "public_name"]
    raw_id_fields = ["user"]


@admin.register(ClaimSetVersion)
class ClaimSetVersionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "created_at", "created_by", "reason"]
    list_select_related = ["article", "created_by"]
    search_fields = ["article__title"]
    readonly_fields = ["article", "number", "created_at", "created_by", "reason", "payload"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


from apps.verdicts import priorchecks_admin  # noqa: E402, F401  (registers the prior-check admin)
