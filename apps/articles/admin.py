from django.contrib import admin, messages
from django.db.models import Count, Q
from django.template.loader import render_to_string

from apps.articles.models import Article
from apps.claims.highlight import body_stretches
from apps.claims.models import Claim
from apps.claims.selectors import claims_of_article
from apps.claims.services import claims_extract


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
    actions = ["reextract_claims"]

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
    def claim_count(self, obj: Article) -> int:
        return obj._claim_count

    @admin.display(description="Open", ordering="_open_claim_count")
    def open_claim_count(self, obj: Article) -> int:
        return obj._open_claim_count

    @admin.display(description="Text with claims")
    def claims_in_context(self, obj: Article) -> str:
        claims = list(claims_of_article(article=obj))
        return render_to_string(
            "articles/admin/claims_in_context.html",
            {"stretches": body_stretches(obj.body, claims), "claim_count": len(claims)},
        )

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
