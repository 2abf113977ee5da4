"""The reviewers' desk: the claim queue and the claim page.

The changelist stays fast on 100k claims: related rows come by list_select_related, per-page
extras (citations with their archive state, the live verdict) are fetched in one query each for
the page shown, and the unfiltered table is never counted.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from simple_history.admin import SimpleHistoryAdmin

from apps.claims import extensions
from apps.claims.conversation import conversation_context
from apps.claims.evidence_admin import EvidenceAdminMixin, excerpt_links_html
from apps.claims.explanation import contribution_rows
from apps.claims.models import Claim
from apps.claims.selectors import article_model, verdict_model
from apps.claims.services import (
    ClaimError,
    claim_comment_add,
    claim_decide,
    claims_assign,
    claims_set_status,
)
from apps.sources.forms import CitationForm, CitationFormSet
from apps.sources.models import Citation, Snapshot
from apps.sources.quality import rendered_capture_html
from apps.sources.selectors import (
    citations_for_claims,
    citations_with_archive_state,
    snapshot_active,
)
from apps.sources.services import snapshot_request
from factcheck.admin import ServiceRefusalsAsMessages
from factcheck.errors import DomainError

ARCHIVE_BADGE_COLOURS = {
    Snapshot.State.ARCHIVED: "#1b7f3b",
    Snapshot.State.QUEUED: "#666",
    Snapshot.State.FETCHING: "#1f5fa8",
    Snapshot.State.FAILED: "#b00020",
    Snapshot.State.BLOCKED: "#b00020",
}
NOT_CHECKABLE = (Snapshot.State.FAILED, Snapshot.State.BLOCKED)
Verdict = verdict_model()


def archive_summary(states: list[str | None]) -> str:
    """Exact counts, e.g. "1 of 2 archived, 1 failed": never one source's failure for all."""
    total = len(states)
    parts = [f"{states.count(Snapshot.State.ARCHIVED)} of {total} archived"]
    for state, word in [
        (Snapshot.State.FAILED, "failed"),
        (Snapshot.State.BLOCKED, "blocked"),
        (Snapshot.State.FETCHING, "fetching"),
        (Snapshot.State.QUEUED, "queued"),
        (None, "not queued"),
    ]:
        if count := states.count(state):
            parts.append(f"{count} {word}")
    return ", ".join(parts)


def archive_badge(state: str | None, reason: str = "") -> str:
    if not state:
        return format_html('<span class="badge" style="color:#666">not queued</span>')
    label = Snapshot.State(state).label
    return format_html(
        '<span class="badge" title="{}" style="display:inline-block;padding:0 .5em;'
        'border-radius:.7em;color:#fff;background:{}">{}</span>',
        reason,
        ARCHIVE_BADGE_COLOURS.get(state, "#666"),
        label,
    )


def _back(request, default: str) -> str:
    """The POST's `next` when it is a page of this site, else default."""
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return default


def _verdict_exists(**filters) -> Exists:
    return Exists(Verdict.objects.filter(claim=OuterRef("pk"), **filters))


class QueueFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("mine", "Assigned to me"),
            ("unassigned", "Unassigned"),
            ("needs_sources", "Needs sources"),
            ("needs_verdict", "Needs a verdict"),
            ("needs_review", "Needs review"),
            ("ready", "Ready to publish"),
            ("published", "Published"),
        ]

    def queryset(self, request, queryset):
        open_claims = queryset.filter(status=Claim.Status.OPEN)
        match self.value():
            case "mine":
                return open_claims.filter(assignee=request.user)
            case "unassigned":
                return open_claims.filter(assignee__isnull=True)
            case "needs_sources":
                return open_claims.exclude(Exists(Citation.objects.filter(claim=OuterRef("pk"))))
            case "needs_verdict":
                return open_claims.exclude(_verdict_exists(state__in=Verdict.LIVE_STATES))
            case "needs_review":
                return queryset.filter(_verdict_exists(state=Verdict.State.SUBMITTED))
            case "ready":
                return queryset.filter(_verdict_exists(state=Verdict.State.APPROVED))
            case "published":
                return queryset.filter(_verdict_exists(state__in=Verdict.LIVE_PUBLIC_STATES))
        return queryset


class ArticleFilter(admin.SimpleListFilter):
    """The claims of one article, the recent articles listed with their counts."""

    title = "article"
    parameter_name = "article"
    shown = 30

    def lookups(self, request, model_admin):
        Article = article_model()
        chosen = self.article_id()
        # One query, counting the claims of the listed articles only (never the whole table).
        recent = (
            Article.objects.filter(Exists(Claim.objects.filter(article=OuterRef("pk"))))
            .order_by("-pk")
            .values("pk")[: self.shown]
        )
        articles = (
            Article.objects.filter(Q(pk__in=recent) | Q(pk=chosen))
            .annotate(
                claim_total=Count("claims"),
                claim_open=Count("claims", filter=Q(claims__status=Claim.Status.OPEN)),
            )
            .filter(claim_total__gt=0)
            .order_by("-pk")
        )
        return [
            (str(a.pk), f"{a.title[:50]} ({a.claim_total} claims, {a.claim_open} open)")
            for a in articles
        ]

    def article_id(self) -> int | None:
        """The chosen article's id, or None when the parameter is not one (a hand-edited URL)."""
        value = self.value() or ""
        if value.isascii() and value.isdigit() and int(value) < 2**63:
            return int(value)
        return None

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        chosen = self.article_id()
        return queryset.none() if chosen is None else queryset.filter(article_id=chosen)


class PriorCheckFilter(admin.SimpleListFilter):
    """Claims that may repeat one already checked here or elsewhere (rejected matches aside)."""

    title = "prior checks"
    parameter_name = "prior"

    def lookups(self, request, model_admin):
        return [("possible", "Possibly already checked"), ("repeat", "Likely repeat")]

    def queryset(self, request, queryset):
        hooks = extensions.prior_checks
        if hooks is None:
            return queryset
        match self.value():
            case "possible":
                return hooks.claims_with(queryset, minimum=settings.PRIOR_CHECK_SUGGEST)
            case "repeat":
                return hooks.claims_with(queryset, minimum=settings.PRIOR_CHECK_FLAG)
        return queryset


class ClaimChangeList(ChangeList):
    """Fetch the page's citations (with archive state) and live verdicts in one query each."""

    def get_results(self, request):
        super().get_results(request)
        claims = list(self.result_list)
        ids = [claim.pk for claim in claims]
        citations = citations_for_claims(ids)
        verdicts = {
            v.claim_id: v
            for v in Verdict.objects.filter(claim_id__in=ids, state__in=Verdict.LIVE_STATES).only(
                "pk", "claim_id", "state"
            )
        }
        hooks = extensions.prior_checks
        prior = hooks.best_for_claims(ids) if hooks else {}
        for claim in claims:
            claim.page_citations = citations.get(claim.pk, [])
            claim.page_verdict = verdicts.get(claim.pk)
            claim.page_prior = prior.get(claim.pk)
        self.result_list = claims


class CitationInline(admin.StackedInline):
    """Attach a source by URL; saving queues its archiving (apps.sources.services.citation_add)."""

    model = Citation
    form = CitationForm
    formset = CitationFormSet
    extra = 1
    fields = ["url", "stance", "excerpt", "note", "archive", "excerpt_check"]
    readonly_fields = ["archive", "excerpt_check"]
    verbose_name = "source"
    verbose_name_plural = "Sources cited"

    def get_queryset(self, request):
        return citations_with_archive_state()

    @admin.display(description="Archive")
    def archive(self, obj: Citation) -> str:
        if not obj.pk:
            return "Queued for archiving once saved."
        return live_cell(obj, "archive", archive_cell(obj))

    @admin.display(description="Excerpt in archived copy")
    def excerpt_check(self, obj: Citation) -> str:
        return live_cell(obj, "excerpt", excerpt_cell(obj)) if obj.pk else "not checked yet"


def live_cell(citation: Citation, part: str, html: str) -> str:
    """A cell that archive-live.js refreshes from the claim's archive-state endpoint."""
    return format_html(
        '<span class="archive-live" data-citation="{}" data-part="{}" data-state="{}">{}</span>',
        citation.pk,
        part,
        getattr(citation, "archive_state", None) or "",
        html,
    )


def archive_cell(obj: Citation) -> str:
    """The badge, links to the archived copy, the reason of a failure and a retry button (it
    submits the page's #citation-retry form, outside the claim form)."""
    state = getattr(obj, "archive_state", None)
    reason = getattr(obj, "archive_reason", "") or ""
    badge = archive_badge(state, reason)
    links = ""
    if obj.snapshot_id and obj.snapshot.state == Snapshot.State.ARCHIVED:
        links = format_html(
            ' <a href="{}">snapshot</a> · <a href="{}">text</a> · <a href="{}">WARC</a>'
            ' <span class="help">sha256 {}…</span>',
            reverse("admin:sources_snapshot_change", args=[obj.snapshot_id]),
            reverse("admin:sources_snapshot_text", args=[obj.snapshot_id]),
            reverse("admin:sources_snapshot_warc", args=[obj.snapshot_id]),
            obj.snapshot.sha256[:12],
        )
    detail = format_html(" <span class='help'>{}</span>", reason) if reason else ""
    retry = ""
    if state not in Snapshot.ACTIVE_STATES:
        retry = format_html(
            '<button type="submit" class="button archive-retry" form="citation-retry" '
            'formaction="{}">Archive again</button>',
            reverse("admin:claims_claim_rearchive", args=[obj.claim_id, obj.pk]),
        )
    rendered = rendered_capture_html(obj.snapshot) if obj.snapshot_id else ""
    return format_html("{}{}{}{}{}", badge, links, detail, retry, rendered)


def excerpt_cell(obj: Citation) -> str:
    if getattr(obj, "archive_state", None) in NOT_CHECKABLE:
        return format_html(
            '<span class="not-checkable">{}</span>',
            "not checkable: there is no archived copy (archive it again, or cite another source)",
        )
    if obj.excerpt_found is None:
        return "not checked yet"
    text = "found" if obj.excerpt_found else "NOT found"
    if obj.excerpt_still_found is False:
        text += " — source changed since it was cited: excerpt no longer present"
    return format_html("{}{}", text, excerpt_links_html(obj))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .order_by("username"),
        required=False,
        empty_label="(nobody — unassign)",
    )


@admin.register(Claim)
class ClaimAdmin(EvidenceAdminMixin, ServiceRefusalsAsMessages, SimpleHistoryAdmin):
    list_display = [
        "short_text",
        "article_title",
        "score",
        "kind",
        "assignee",
        "sources",
        "archive_status",
        "verdict_state",
        "prior_check",
        "status",
    ]
    list_filter = [
        QueueFilter,
        ArticleFilter,
        PriorCheckFilter,
        "status",
        "origin",
        "kind",
        ("assignee", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["text", "article__title"]
    list_select_related = ["article", "assignee"]
    list_per_page = 50
    show_full_result_count = False
    ordering = ["-score", "pk"]
    autocomplete_fields = ["assignee"]
    fields = [
        "in_context",
        "article_link",
        "score",
        "kind",
        "reason_list",
        "contribution_bars",
        "model_version",
        "origin",
        "status",
        "assignee",
        "prior_checks",
        "verdict_panel",
        "evidence_panel",
        "created_at",
        "updated_at",
    ]
    readonly_fields = [f for f in fields if f != "assignee"]
    inlines = [CitationInline]
    actions = ["assign_to_me", "assign_to", "mark_not_checkworthy", "reopen"]
    change_form_template = "admin/claims/claim/change_form.html"

    class Media:
        css = {"all": ["claims/review.css"]}
        js = ["claims/archive-live.js"]

    def has_add_permission(self, request):
        return False  # claims come from extraction, tied to a span of an article

    def get_changelist(self, request, **kwargs):
        return ClaimChangeList

    def get_urls(self):
        return [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="claims_claim_decide",
            ),
            path(
                "<int:pk>/comment/",
                self.admin_site.admin_view(self.comment_view),
                name="claims_claim_comment",
            ),
            path(
                "<int:pk>/archive-state/",
                self.admin_site.admin_view(self.archive_state_view),
                name="claims_claim_archive_state",
            ),
            path(
                "<int:pk>/rearchive/<int:citation_id>/",
                self.admin_site.admin_view(self.rearchive_view),
                name="claims_claim_rearchive",
            ),
            *super().get_urls(),
        ]

    def comment_view(self, request, pk: int):
        """Post a comment to the claim's staff conversation; back to the page it came from."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = get_object_or_404(Claim, pk=pk)
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        back = _back(request, reverse("admin:claims_claim_change", args=[claim.pk]))
        try:
            claim_comment_add(claim=claim, body=request.POST.get("body", ""), by=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, "Your comment was added.", messages.SUCCESS)
        return HttpResponseRedirect(back + "#conversation")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(conversation_context(request, claim_id=obj.pk))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def archive_state_view(self, request, pk: int):
        """The claim's cited sources as the page shows them, for archive-live.js to refresh the
        badges while a capture runs (staff only: it is an admin view)."""
        claim = get_object_or_404(Claim, pk=pk)
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        citations = citations_with_archive_state().filter(claim=claim).order_by("pk")
        return JsonResponse(
            {
                "citations": [
                    {
                        "id": c.pk,
                        "state": c.archive_state or "",
                        "archive": archive_cell(c),
                        "excerpt": excerpt_cell(c),
                    }
                    for c in citations
                ]
            }
        )

    def rearchive_view(self, request, pk: int, citation_id: int):
        """Capture one cited source again; back to the page it was asked from."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        citation = get_object_or_404(
            Citation.objects.select_related("source"), pk=citation_id, claim_id=pk
        )
        back = _back(request, reverse("admin:claims_claim_change", args=[pk]))
        if not request.user.has_perm("sources.change_source"):
            self.message_user(
                request,
                "You may not archive sources again: that needs the permission to change "
                "sources (ask an editor).",
                messages.ERROR,
            )
            return HttpResponseRedirect(back)
        if snapshot_active(source=citation.source):
            self.message_user(
                request, f"{citation.source.url} is already being archived.", messages.WARNING
            )
        else:
            snapshot_request(source=citation.source, force=True)
            self.message_user(
                request,
                f"{citation.source.url} was queued for archiving again; its state updates "
                "on this page by itself.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(back)

    def decide_view(self, request, pk: int):
        """A reviewer's call on one claim, from its page or from the article text: not a claim
        (checkworthy=no) or, undoing that, a claim (checkworthy=yes). Back to where they were."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = get_object_or_404(Claim, pk=pk)
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        back = _back(request, reverse("admin:claims_claim_change", args=[claim.pk]))
        choice = request.POST.get("checkworthy")
        if choice not in ("yes", "no"):
            self.message_user(request, "Say whether it is a claim (yes or no).", messages.ERROR)
            return HttpResponseRedirect(back)
        try:
            claim = claim_decide(claim=claim, checkworthy=choice == "yes", by=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            what = "is a claim again" if choice == "yes" else "is marked not a claim"
            self.message_user(request, f"“{claim}” {what}.", messages.SUCCESS)
        return HttpResponseRedirect(back)

    # --- list columns -------------------------------------------------------------------

    @admin.display(description="Claim", ordering="text")
    def short_text(self, obj: Claim) -> str:
        return str(obj)

    @admin.display(description="Article", ordering="article__title")
    def article_title(self, obj: Claim) -> str:
        title = obj.article.title
        return title if len(title) <= 40 else title[:39] + "…"

    @admin.display(description="Sources")
    def sources(self, obj: Claim) -> int:
        return len(getattr(obj, "page_citations", []))

    @admin.display(description="Archive")
    def archive_status(self, obj: Claim) -> str:
        citations = getattr(obj, "page_citations", [])
        if not citations:
            return "—"
        states = [c.archive_state for c in citations]
        summary = archive_summary(states)
        archived = states.count(Snapshot.State.ARCHIVED)
        if archived == len(states):
            colour = ARCHIVE_BADGE_COLOURS[Snapshot.State.ARCHIVED]
        elif any(state in NOT_CHECKABLE for state in states):
            colour = ARCHIVE_BADGE_COLOURS[Snapshot.State.FAILED]
        else:
            colour = ARCHIVE_BADGE_COLOURS[Snapshot.State.QUEUED]
        return format_html(
            '<span class="archive-summary" style="color:{}">{}</span>', colour, summary
        )

    @admin.display(description="Verdict")
    def verdict_state(self, obj: Claim) -> str:
        verdict = getattr(obj, "page_verdict", None)
        return verdict.get_state_display() if verdict else "—"

    @admin.display(description="Prior check")
    def prior_check(self, obj: Claim) -> str:
        best = getattr(obj, "page_prior", None)
        if best is None:
            return ""
        if best >= settings.PRIOR_CHECK_FLAG:
            return format_html('<strong class="prior-flag">{}</strong>', "likely repeat")
        return "possibly already checked"

    # --- claim page ---------------------------------------------------------------------

    @admin.display(description="Possibly already checked")
    def prior_checks(self, obj: Claim) -> str:
        back = reverse("admin:claims_claim_change", args=[obj.pk])
        hooks = extensions.prior_checks
        if hooks is None:
            return "—"
        matches = hooks.matches_for_claims([obj.pk]).get(obj.pk, [])
        return hooks.panel(matches, back=back, flag=settings.PRIOR_CHECK_FLAG)

    @admin.display(description="Claim in its paragraph")
    def in_context(self, obj: Claim) -> str:
        body = obj.article.body
        start = body.rfind("\n\n", 0, obj.start)
        start = 0 if start < 0 else start + 2
        end = body.find("\n\n", obj.end)
        end = len(body) if end < 0 else end
        return format_html(
            '<div class="claim-context" style="max-width:60em;line-height:1.6;font-size:14px">'
            '{}<mark id="claim-span" style="background:#fff3c4;border-bottom:2px solid #d9a400">'
            "{}</mark>{}</div>",
            body[start : obj.start],
            body[obj.start : obj.end],
            body[obj.end : end],
        )

    @admin.display(description="Article")
    def article_link(self, obj: Claim) -> str:
        url = reverse("admin:articles_article_change", args=[obj.article_id]) + f"#claim-{obj.pk}"
        return format_html(
            '<a href="{}">{}</a> <span class="help">characters {} to {}</span>',
            url,
            obj.article,
            obj.start,
            obj.end,
        )

    @admin.display(description="Why it was flagged")
    def reason_list(self, obj: Claim) -> str:
        if not obj.reasons:
            return "—"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((r,) for r in obj.reasons))
        )

    @admin.display(description="What moved the score")
    def contribution_bars(self, obj: Claim) -> str:
        return render_to_string(
            "admin/claims/claim/contributions.html",
            {"rows": contribution_rows(obj.contributions), "claim": obj},
        )

    @admin.display(description="Verdict")
    def verdict_panel(self, obj: Claim) -> str:
        verdicts = list(
            obj.verdicts.select_related("rating", "author", "approver").order_by("-created_at")
        )
        rows = format_html_join(
            "",
            '<li><a href="{}">{} — {}</a> <span class="help">by {}{}</span></li>',
            (
                (
                    reverse("admin:verdicts_verdict_change", args=[v.pk]),
                    v.get_state_display(),
                    v.rating or "unrated",
                    v.author,
                    f", approved by {v.approver}" if v.approver else "",
                )
                for v in verdicts
            ),
        )
        live = [v for v in verdicts if v.state in Verdict.LIVE_STATES]
        add = ""
        if not live and obj.status == Claim.Status.OPEN:
            add = format_html(
                '<a class="button" href="{}?claim={}">Write a verdict</a>',
                reverse("admin:verdicts_verdict_add"),
                obj.pk,
            )
        return format_html("<ul>{}</ul>{}", rows, add) if verdicts else (add or "—")

    # --- actions ------------------------------------------------------------------------

    def _report(self, request, changed: int, what: str) -> None:
        self.message_user(request, f"{changed} claim{'s' if changed != 1 else ''} {what}.")

    def _assign(self, request, queryset, assignee) -> None:
        try:
            changed = claims_assign(
                claim_ids=list(queryset.values_list("pk", flat=True)),
                assignee=assignee,
                by=request.user,
            )
        except ClaimError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        whom = "you" if assignee == request.user else (assignee or "nobody")
        self._report(request, changed, f"assigned to {whom}")

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        self._assign(request, queryset, request.user)

    @admin.action(description="Assign to a reviewer…", permissions=["change"])
    def assign_to(self, request, queryset):
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._assign(request, queryset, form.cleaned_data["assignee"])
            return None
        return render(
            request,
            "admin/claims/claim/assign.html",
            {
                **self.admin_site.each_context(request),
                "title": "Assign claims",
                "form": form,
                "claims": queryset.select_related("article")[:200],
                "count": queryset.count(),
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                "opts": self.model._meta,
            },
        )

    @admin.action(description="Mark not check-worthy", permissions=["change"])
    def mark_not_checkworthy(self, request, queryset):
        self._set_status(request, queryset, Claim.Status.NOT_CHECKWORTHY, "marked not check-worthy")

    @admin.action(description="Reopen", permissions=["change"])
    def reopen(self, request, queryset):
        self._set_status(request, queryset, Claim.Status.OPEN, "reopened")

    def _set_status(self, request, queryset, status: str, what: str) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        try:
            changed = claims_set_status(claim_ids=ids, status=status, by=request.user)
        except ClaimError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self._report(request, changed, what)
        if changed < len(ids):
            self.message_user(
                request,
                f"{len(ids) - changed} left as they were (already so, or a verdict is under way).",
                messages.WARNING,
            )
