from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from apps.claims.models import Claim


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = [
        "short_text",
        "article",
        "score",
        "kind",
        "status",
        "assignee",
        "citation_count",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["text"]
    list_select_related = ["article", "assignee"]
    autocomplete_fields = ["assignee"]
    raw_id_fields = ["article"]
    readonly_fields = [
        "article_link",
        "start",
        "end",
        "text",
        "score",
        "reason_list",
        "created_at",
        "updated_at",
    ]
    exclude = ["article", "reasons"]

    def has_add_permission(self, request):
        return False  # claims come from extraction, tied to a span of an article

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_citation_count=Count("citations"))

    @admin.display(description="Claim", ordering="text")
    def short_text(self, obj: Claim) -> str:
        return str(obj)

    @admin.display(description="Citations", ordering="_citation_count")
    def citation_count(self, obj: Claim) -> int:
        return obj._citation_count

    @admin.display(description="Article")
    def article_link(self, obj: Claim) -> str:
        url = reverse("admin:articles_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article)

    @admin.display(description="Why it was flagged")
    def reason_list(self, obj: Claim) -> str:
        if not obj.reasons:
            return "—"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((r,) for r in obj.reasons))
        )
