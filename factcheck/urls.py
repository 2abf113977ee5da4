from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Fact-check Workbench"
admin.site.site_title = "Fact-check Workbench"
admin.site.index_title = "Newsroom desk"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("apps.api.urls")),
]
