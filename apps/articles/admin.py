from django.contrib import admin
from django.db.models import Count

from apps.articles.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "origin", "claim_count", "imported_at", "imported_by"]
    list_filter = ["language", "origin", "imported_at"]
    search_fields = ["title", "canonical_url", "content_sha256"]
    list_select_related = ["imported_by"]
    readonly_fields = ["content_sha256", "imported_at", "imported_by", "extracted_at", "origin"]
    date_hierarchy = "imported_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_claim_count=Count("claims"))

    @admin.display(description="Claims", ordering="_claim_count")
    def claim_count(self, obj: Article) -> int:
        return obj._claim_count
