import re

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html

from apps.articles.exceptions import ArticleImportError
from apps.articles.forms import ArticleImportForm
from apps.articles.models import Article
from apps.articles.services import article_import, article_import_url
from apps.claims.highlight import body_stretches
from apps.claims.models import Claim
from apps.claims.selectors import claim_progress, claims_of_article
from apps.claims.services import claim_add, claims_extract
from factcheck.errors import BadInput, DomainError

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "language",
        "origin",
        "claim_count",
        "open_claim_count",
        "imported_at",
        "imported_by",
    ]
    list_filter = ["language", "origin", "imported_at"]
    search_fields = ["title", "canonical_url", "content_sha256"]
    list_select_related = ["imported_by"]
    readonly_fields = [
        "claims_in_context",
        "content_sha256",
        "imported_at",
        "imported_by",
        "extracted_at",
        "origin",
    ]
    date_hierarchy = "imported_at"
    actions = ["reextract_claims", "export_report"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_form_template = "admin/articles/article/change_form.html"

    class Media:
        css = {"all": ["claims/review.css"]}
        js = ["articles/claim-select.js"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _claim_count=Count("claims"),
                _open_claim_count=Count("claims", filter=Q(claims__status=Claim.Status.OPEN)),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        # The body is never edited in place: claim offsets index into it.
        if obj is not None:
            return ["body", *self.readonly_fields]
        return self.readonly_fields

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:
            return [f for f in fields if f != "claims_in_context"]
        return [
            "title",
            "claims_in_context",
            *[f for f in fields if f not in ("title", "body", "claims_in_context")],
        ]

    @admin.display(description="Claims", ordering="_claim_count")
    def claim_count(self, obj: Article) -> str:
        url = reverse("admin:claims_claim_changelist") + f"?article={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj._claim_count)

    @admin.display(description="Open", ordering="_open_claim_count")
    def open_claim_count(self, obj: Article) -> int:
        return obj._open_claim_count

    @admin.display(description="Text with claims")
    def claims_in_context(self, obj: Article) -> str:
        claims = list(claims_of_article(article=obj))
        for claim in claims:
            claim.progress = claim_progress(claim)
            colour = claim.latest_verdict_colour or ""
            claim.progress_colour = colour if HEX_COLOUR.fullmatch(colour) else ""
        return render_to_string(
            "articles/admin/claims_in_context.html",
            {
                "stretches": body_stretches(obj.body, claims),
                "claim_count": len(claims),
                "article": obj,
                "body_length": len(obj.body),
            },
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/claims/add/",
                view(self.claim_add_view),
                name="articles_article_claim_add",
            ),
            *super().get_urls(),
        ]

    def claim_add_view(self, request, pk: int):
        """Make the span the reviewer selected on the article page a claim (see claim-select.js);
        every refusal comes back as a message on the article page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        page = reverse("admin:articles_article_change", args=[article.pk])
        try:
            start, end = _offset(request.POST, "start"), _offset(request.POST, "end")
            claim = claim_add(article=article, start=start, end=end, by=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(page)
        self.message_user(
            request,
            format_html(
                'Added claim <a href="{}">#{}</a>: “{}”',
                reverse("admin:claims_claim_change", args=[claim.pk]),
                claim.pk,
                claim,
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(f"{page}#claim-{claim.pk}")

    @admin.action(description="Re-extract claims")
    def reextract_claims(self, request, queryset):
        for article in queryset:
            result = claims_extract(article=article, by=request.user)
            self.message_user(
                request,
                f"{article.title}: {result.added} added, {result.kept} kept, "
                f"{result.stale} marked stale.",
                messages.SUCCESS,
            )

    @admin.action(description="Export verdict report…", permissions=["view"])
    def export_report(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(f"{reverse('report_export')}?ids={ids}")

    def add_view(self, request, form_url="", extra_context=None):
        """Adding an article is importing it: pasted text, a file or a URL, with its claims."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ArticleImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            article = self._import(request, form)
            if article is not None:
                return HttpResponseRedirect(
                    reverse("admin:articles_article_change", args=[article.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": "Import an article",
            "form": form,
            "opts": self.model._meta,
            "has_view_permission": self.has_view_permission(request),
        }
        return render(request, "admin/articles/article/import.html", context)

    def _import(self, request, form) -> Article | None:
        data = form.cleaned_data
        common = {
            "title": data["title"],
            "canonical_url": data["canonical_url"],
            "by": request.user,
        }
        try:
            if data.get("url"):
                article, created = article_import_url(url=data["url"], **common)
            else:
                origin = Article.Origin.FILE if data.get("file") else Article.Origin.TEXT
                article, created = article_import(body=data["body"], origin=origin, **common)
        except ArticleImportError as exc:
            form.add_error("url" if data.get("url") else None, exc.message)
            return None
        if created:
            self.message_user(
                request,
                f"Imported “{article.title}” with {article.claims.count()} claims.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                f"This text was already imported as “{article.title}”; showing that article.",
                messages.WARNING,
            )
        return article


def _offset(data, name: str) -> int:
    value = data.get(name, "").strip()
    if not re.fullmatch(r"-?[0-9]{1,12}", value):
        raise BadInput(f"The {name} of the selection is missing or not a whole number.")
    return int(value)
