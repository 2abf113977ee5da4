"""Report downloads; included under /api/v1/ (see apps/api/urls.py)."""

app_name = "reports"

urlpatterns: list = []
