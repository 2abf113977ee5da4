from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.claims.models import Claim


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["short_text", "article", "score", "kind", "status", "assignee"]
    list_filter = ["status", "kind"]
    search_fields = ["text"]
    list_select_related = ["article", "assignee"]
    autocomplete_fields = ["assignee"]
    raw_id_fields = ["article"]
    readonly_fields = ["article", "start", "end", "text", "reasons", "created_at", "updated_at"]

    @admin.display(description="Claim", ordering="text")
    def short_text(self, obj: Claim) -> str:
        return str(obj)
