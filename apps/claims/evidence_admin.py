"""The claim page's evidence panel and its "cite this passage" buttons.

The panel sits among the claim's read-only fields, inside the admin's change form, so each
button posts that form (with its CSRF token) to the cite view through `formaction`; the view
reads only the button's value and never saves the claim form."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html

from apps.claims.models import Claim
from apps.sources.deeplinks import citation_links
from apps.sources.evidence import citation_add_from_passage, claim_evidence
from apps.sources.models import Citation
from factcheck.errors import DomainError


def excerpt_links_html(citation: Citation) -> str:
    """Links to a found excerpt: in the archived text (marked) and on the live page (a text
    fragment); the live link says when the last health check did not find it there."""
    links = citation_links(citation)
    if links is None:
        return ""
    gone = " (gone at the last check)" if citation.excerpt_still_found is False else ""
    return format_html(
        ' · <a class="excerpt-archive" href="{}">in the archived copy</a>'
        ' · <a class="excerpt-live" href="{}" rel="noopener noreferrer">on the live page{}</a>',
        links["archive"],
        links["live"],
        gone,
    )


class EvidenceAdminMixin:
    """Mixed into ClaimAdmin: the `evidence_panel` field and the cite view."""

    def get_urls(self):
        return [
            path(
                "<int:pk>/cite-passage/",
                self.admin_site.admin_view(self.cite_passage_view),
                name="claims_claim_cite_passage",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="Evidence suggestions")
    def evidence_panel(self, obj: Claim) -> str:
        if not obj.pk:
            return "—"
        evidence = claim_evidence(claim=obj)
        return render_to_string(
            "admin/claims/claim/evidence.html",
            {
                "claim": obj,
                "evidence": evidence,
                "cited": evidence.group("cited"),
                "archive": evidence.group("archive"),
                "stances": Citation.Stance.choices,
            },
        )

    def cite_passage_view(self, request, pk: int):
        """Cite one suggested passage with the stance its button names, then back to the claim."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = get_object_or_404(Claim, pk=pk)
        if not (
            self.has_view_permission(request, claim)
            and request.user.has_perm("sources.add_citation")
        ):
            raise PermissionDenied
        back = reverse("admin:claims_claim_change", args=[claim.pk])
        passage_id, _, stance = request.POST.get("cite", "").partition(":")
        if not passage_id.isdigit() or stance not in Citation.Stance.values:
            self.message_user(request, "Choose a passage and a stance to cite.", messages.ERROR)
            return HttpResponseRedirect(back)
        try:
            citation = citation_add_from_passage(
                claim=claim, passage_id=int(passage_id), stance=stance, by=request.user
            )
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(
                request,
                f"Cited {citation.source} ({citation.get_stance_display().lower()}).",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(back)
