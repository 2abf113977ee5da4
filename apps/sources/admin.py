from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.sources.models import Citation, Snapshot, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["url", "domain", "title", "publisher", "health", "created_at"]
    list_filter = ["health", "domain"]
    search_fields = ["url", "title", "publisher"]
    readonly_fields = ["domain", "health", "health_checked_at", "created_at"]


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["source", "state", "reason", "http_status", "size", "queued_at", "fetched_at"]
    list_filter = ["state"]
    search_fields = ["source__url", "final_url", "sha256"]
    list_select_related = ["source"]
    readonly_fields = [f.name for f in Snapshot._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    list_display = ["claim", "source", "stance", "excerpt_found", "added_by", "created_at"]
    list_filter = ["stance", "excerpt_found"]
    search_fields = ["claim__text", "source__url", "excerpt"]
    list_select_related = ["claim", "source", "added_by"]
    autocomplete_fields = ["claim", "source"]
    readonly_fields = ["snapshot", "excerpt_found", "excerpt_still_found", "added_by", "created_at"]
