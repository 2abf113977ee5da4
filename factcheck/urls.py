from django.contrib import admin
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import include, path
from django.views import defaults
from django.views.generic import RedirectView

from apps.reports.views import report_export
from apps.sources.views import capture_public_key
from factcheck.health import health_full

admin.site.site_header = "Fact-check Workbench"
admin.site.site_title = "Fact-check Workbench"
admin.site.index_title = "Newsroom desk"


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the container healthcheck: the app answers and the database responds.
    With `?full=1`, every dependency (see factcheck.health): 503 only when the database is
    down, 200 with the degraded parts named otherwise."""
    if request.GET.get("full") == "1":
        status, report = health_full()
        return JsonResponse(report, status=status)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return JsonResponse({"status": "down", "error": str(exc)[:300]}, status=503)
    return JsonResponse({"status": "ok"})


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico before reading any page; the icon is a static file."""
    return HttpResponseRedirect(static("factcheck/favicon.ico"))


def server_error(request: HttpRequest):
    """A 500 under /api/ is JSON like every other API error; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"status": 500, "code": "server_error", "detail": "Internal server error."},
            status=500,
        )
    return defaults.server_error(request)


handler500 = server_error


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(".well-known/factcheck-capture-key.pem", capture_public_key, name="capture_public_key"),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("favicon.ico", favicon),
    path(
        "admin/reports/export/",
        admin.site.admin_view(report_export),
        name="report_export",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("apps.api.urls")),
]
