from django.contrib import admin, messages
from django.db.models import Count
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from apps.sources import selectors, services
from apps.sources.models import Citation, Snapshot, SnapshotState, Source
from apps.sources.quality import rendered_capture_html
from apps.sources.selectors import wacz_url
from apps.sources.views import snapshot_render_file, snapshot_text, snapshot_wacz, snapshot_warc
from factcheck.admin import ServiceRefusalsAsMessages
from factcheck.errors import Conflict


def _snapshot_links(snapshot: Snapshot) -> str:
    if snapshot.state != Snapshot.State.ARCHIVED:
        return "-"
    return format_html(
        '<a href="{}">text</a> · <a href="{}">WARC</a> · <a href="{}">WACZ</a>',
        reverse("admin:sources_snapshot_text", args=[snapshot.pk]),
        reverse("admin:sources_snapshot_warc", args=[snapshot.pk]),
        wacz_url(snapshot),
    )


class LatestStateFilter(admin.SimpleListFilter):
    title = "archive state"
    parameter_name = "archive_state"

    def lookups(self, request, model_admin):
        return SnapshotState.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(latest_state=self.value())
        return queryset


class SnapshotInline(admin.TabularInline):
    model = Snapshot
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["state", "reason", "http_status", "sha256", "size", "fetched_at", "links"]
    readonly_fields = fields
    ordering = ["-queued_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Archive")
    def links(self, obj: Snapshot) -> str:
        return _snapshot_links(obj)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["url", "domain", "title", "latest", "health", "citation_count", "created_at"]
    list_filter = [LatestStateFilter, "health", "domain"]
    search_fields = ["url", "title", "publisher"]
    readonly_fields = ["domain", "health", "health_reason", "health_checked_at", "created_at"]
    inlines = [SnapshotInline]
    actions = ["re_archive"]

    def get_queryset(self, request):
        return selectors.sources_with_latest_state().annotate(
            n_citations=Count("citations", distinct=True)
        )

    def has_add_permission(self, request) -> bool:
        return False  # sources come from citations, one per normalised URL

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "url"]

    @admin.display(description="Latest capture", ordering="latest_state")
    def latest(self, obj) -> str:
        if not obj.latest_state:
            return "-"
        state = SnapshotState(obj.latest_state).label
        return f"{state}: {obj.latest_reason}" if obj.latest_reason else state

    @admin.display(description="Citations", ordering="n_citations")
    def citation_count(self, obj) -> int:
        return obj.n_citations

    @admin.action(description="Re-archive selected sources now", permissions=["change"])
    def re_archive(self, request, queryset):
        queued = sum(
            1 for source in queryset if services.snapshot_request(source=source, force=True)
        )
        self.message_user(request, f"Archiving queued for {queued} source(s).", messages.SUCCESS)


class SnapshotDomainFilter(admin.SimpleListFilter):
    title = "domain"
    parameter_name = "domain"

    def lookups(self, request, model_admin):
        domains = Source.objects.order_by("domain").values_list("domain", flat=True).distinct()
        return [(d, d) for d in domains[:200]]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(source__domain=self.value())
        return queryset


_RENDER_FILES = ("screenshot", "thumbnail", "pdf", "dom", "render_warc", "render_report")


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = [
        "source",
        "state",
        "reason",
        "render_state",
        "http_status",
        "size",
        "queued_at",
        "links",
    ]
    list_filter = ["state", "render_state", SnapshotDomainFilter]
    search_fields = ["source__url", "final_url", "sha256"]
    list_select_related = ["source"]
    exclude = ["text", "warc", *_RENDER_FILES]
    readonly_fields = [
        "rendered_capture",
        *(f.name for f in Snapshot._meta.fields if f.name not in ("text", "warc", *_RENDER_FILES)),
        "missing_subresources",
        "links",
    ]

    actions = ["render_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_render_permission(self, request) -> bool:
        """Who may re-archive a source may render its captures again."""
        return request.user.has_perm("sources.change_source")

    @admin.action(description="Render selected captures again", permissions=["render"])
    def render_again(self, request, queryset):
        queued, refused = 0, []
        for snapshot in queryset:
            try:
                services.snapshot_render_request(snapshot=snapshot)
                queued += 1
            except Conflict as exc:
                refused.append(f"#{snapshot.pk}: {exc.message}")
        self.message_user(request, f"Render queued for {queued} capture(s).", messages.SUCCESS)
        if refused:
            self.message_user(request, " ".join(refused), messages.WARNING)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/text/", view(snapshot_text), name="sources_snapshot_text"),
            path("<int:pk>/warc/", view(snapshot_warc), name="sources_snapshot_warc"),
            path(
                "<int:pk>/rendered/<str:kind>/",
                view(snapshot_render_file),
                name="sources_snapshot_render_file",
            ),
            path("<int:pk>/wacz/", view(snapshot_wacz), name="sources_snapshot_wacz"),
            *super().get_urls(),
        ]

    @admin.display(description="Archive")
    def links(self, obj: Snapshot) -> str:
        return _snapshot_links(obj)

    @admin.display(description="Rendered capture")
    def rendered_capture(self, obj: Snapshot) -> str:
        return rendered_capture_html(obj)

    @admin.display(description="Subresources failed or refused")
    def missing_subresources(self, obj: Snapshot) -> str:
        missing = [
            (item["outcome"], item["url"], item.get("reason", ""))
            for item in obj.render_report.get("subresources", [])
            if item["outcome"] != "ok"
        ]
        if not missing:
            return "-"
        rows = format_html_join("", "<li>{}: {} <span class='help'>{}</span></li>", missing)
        return format_html("<ul>{}</ul>", rows)


@admin.register(Citation)
class CitationAdmin(ServiceRefusalsAsMessages, SimpleHistoryAdmin):
    list_display = [
        "claim",
        "source",
        "stance",
        "excerpt_found",
        "excerpt_still_found",
        "added_by",
        "created_at",
    ]
    list_filter = ["stance", "excerpt_found", "excerpt_still_found", "source__health"]
    search_fields = ["claim__text", "source__url", "excerpt"]
    list_select_related = ["claim", "source", "added_by"]
    autocomplete_fields = ["claim", "source"]
    readonly_fields = [
        "claim",
        "source",
        "snapshot",
        "excerpt_found",
        "excerpt_still_found",
        "added_by",
        "created_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False  # citations are added on the claim page, through CitationForm

    def save_model(self, request, obj, form, change):
        saved = Citation.objects.select_related("snapshot").get(pk=obj.pk)
        services.citation_update(
            citation=saved, stance=obj.stance, excerpt=obj.excerpt, note=obj.note, by=request.user
        )

    def delete_model(self, request, obj):
        services.citation_delete(citation=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for citation in queryset.select_related("source"):
            services.citation_delete(citation=citation, by=request.user)
