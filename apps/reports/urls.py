"""Report downloads; included under /api/v1/ (see apps/api/urls.py). The staff export page is
an admin page (factcheck/urls.py)."""

from django.urls import path

from apps.reports import views
from apps.reports.views import API_EXTENSIONS

app_name = "reports"

urlpatterns = [
    *(
        path(
            f"articles/<int:pk>/report.{extension}",
            views.ArticleReportView.for_extension(extension),
            name=f"article-report-{extension}",
        )
        for extension in API_EXTENSIONS
    ),
]
