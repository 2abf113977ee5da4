from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.verdicts.models import Rating, Verdict, VerdictTransition


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["label", "order", "colour", "rating_value", "alternate_name"]
    list_editable = ["order"]
    search_fields = ["label", "alternate_name"]


class VerdictTransitionInline(admin.TabularInline):
    model = VerdictTransition
    extra = 0
    can_delete = False
    fields = ["from_state", "to_state", "by", "at", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Verdict)
class VerdictAdmin(SimpleHistoryAdmin):
    list_display = ["claim", "rating", "state", "author", "approver", "updated_at", "published_at"]
    list_filter = ["state", "rating"]
    search_fields = ["claim__text", "summary"]
    list_select_related = ["claim", "rating", "author", "approver"]
    autocomplete_fields = ["claim"]
    readonly_fields = [
        "state",
        "author",
        "approver",
        "version",
        "created_at",
        "updated_at",
        "submitted_at",
        "approved_at",
        "published_at",
        "corrected_at",
        "retracted_at",
    ]
    inlines = [VerdictTransitionInline]
