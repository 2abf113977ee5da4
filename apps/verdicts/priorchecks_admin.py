"""Admin for prior checks: imported fact-checks, the matches, and the reviewer's two buttons
(also shown on the claim page, see `prior_checks_panel`), which call the decide service."""

from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme

from apps.verdicts.models import ExternalFactCheck, PriorCheckMatch
from apps.verdicts.priorchecks import DECISIONS, prior_check_decide
from apps.verdicts.priorscore import prior_reasons_text
from factcheck.errors import DomainError


def _target(match: PriorCheckMatch) -> str:
    if match.external_id:
        fc = match.external
        return format_html(
            '“{}” — <a href="{}" rel="noopener noreferrer">{}</a>{}',
            fc.claim_text,
            fc.url,
            fc.organization or "external fact-check",
            format_html(", rated <strong>{}</strong>", fc.rating) if fc.rating else "",
        )
    verdict = getattr(match, "prior_verdict", None)
    return format_html(
        '“<a href="{}">{}</a>” in {}{}',
        reverse("admin:claims_claim_change", args=[match.prior_claim_id]),
        match.prior_claim.text,
        match.prior_claim.article,
        format_html(
            ', verdict <a href="{}"><strong>{}</strong></a> ({})',
            reverse("admin:verdicts_verdict_change", args=[verdict.pk]),
            verdict.rating,
            verdict.get_state_display().lower(),
        )
        if verdict
        else "",
    )


def _buttons(match: PriorCheckMatch, back: str) -> str:
    if match.state != PriorCheckMatch.State.SUGGESTED:
        who = match.decided_by or "a reviewer"
        return format_html('<span class="help">{} by {}</span>', match.get_state_display(), who)
    url = reverse("admin:verdicts_priorcheckmatch_decide", args=[match.pk])
    # Buttons of the page's own form, posting elsewhere: a form inside the admin's change form
    # would be invalid HTML.
    return format_html_join(
        " ",
        '<button type="submit" class="button" formaction="{}?next={}" formmethod="post" '
        'name="decision" value="{}">{}</button>',
        ((url, back, action, label) for action, (_s, _t, label) in DECISIONS.items()),
    )


def prior_checks_panel(matches: list[PriorCheckMatch], *, back: str, flag: float) -> str:
    """The claim page's "possibly already checked" panel: each earlier check with its verdict
    and rating, the score, why, and the reviewer's buttons."""
    if not matches:
        return "—"
    rows = format_html_join(
        "",
        '<li class="prior-check"><strong>{}</strong> (score {}): {}<br>'
        '<span class="help">{}</span><br>{}</li>',
        (
            (
                "Likely repeat"
                if match.score >= flag or match.state == PriorCheckMatch.State.CONFIRMED
                else "Possibly already checked",
                f"{match.score:.2f}",
                _target(match),
                prior_reasons_text(match.reasons),
                _buttons(match, back),
            )
            for match in matches
        ),
    )
    return format_html("<ul>{}</ul>", rows)


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
