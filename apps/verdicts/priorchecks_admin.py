"""Admin for prior checks: imported fact-checks, the matches, and the view behind the reviewer's
two buttons on the claim page (apps.verdicts.priorpanel), which calls the decide service."""

from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from apps.verdicts.models import ExternalFactCheck, PriorCheckMatch
from apps.verdicts.priorchecks import prior_check_decide
from apps.verdicts.priorscore import prior_reasons_text
from factcheck.errors import DomainError


@admin.register(ExternalFactCheck)
class ExternalFactCheckAdmin(admin.ModelAdmin):
    list_display = ["claim_text", "rating", "organization", "published_on", "url"]
    search_fields = ["claim_text", "organization", "url"]
    list_filter = ["organization"]
    readonly_fields = ["imported_at", "updated_at"]


@admin.register(PriorCheckMatch)
class PriorCheckMatchAdmin(admin.ModelAdmin):
    list_display = ["claim", "score", "state", "prior_claim", "external", "decided_by"]
    list_filter = ["state"]
    list_select_related = ["claim", "prior_claim", "external", "decided_by"]
    raw_id_fields = ["claim", "prior_claim", "external"]
    fields = ["claim", "prior_claim", "external", "score", "why", "state", "decided_by"]
    readonly_fields = fields
    ordering = ["-score", "pk"]

    def has_add_permission(self, request) -> bool:
        return False  # matches come from matching, decisions from the buttons

    @admin.display(description="Why")
    def why(self, obj: PriorCheckMatch) -> str:
        return prior_reasons_text(obj.reasons)

    def get_urls(self):
        return [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="verdicts_priorcheckmatch_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        # Staff only (admin_view); the service checks the reviewer's permission itself.
        match = get_object_or_404(PriorCheckMatch, pk=pk)
        back = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("admin:claims_claim_change", args=[match.claim_id])
        try:
            decision = request.POST.get("decision", "")
            prior_check_decide(match=match, action=decision, by=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            what = "the same claim" if decision == "confirm" else "not the same"
            self.message_user(request, f"Marked {what}.", messages.SUCCESS)
        return HttpResponseRedirect(back)
