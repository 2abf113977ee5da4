from django.contrib import admin
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.generic import RedirectView

from apps.reports.views import report_export

admin.site.site_header = "Fact-check Workbench"
admin.site.site_title = "Fact-check Workbench"
admin.site.index_title = "Newsroom desk"


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the container healthcheck: the app answers and the database responds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path(
        "admin/reports/export/",
        admin.site.admin_view(report_export),
        name="report_export",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("apps.api.urls")),
]
