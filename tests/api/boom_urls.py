"""The project's URLs plus one view that fails, to see what a 500 looks like."""

from django.urls import path

from factcheck.urls import handler500
from factcheck.urls import urlpatterns as project_urls


def boom(request, where: str = ""):
    raise RuntimeError("a bug")


urlpatterns = [
    path("api/v1/boom/", boom),
    path("boom/", boom),
    *project_urls,
]
__all__ = ["handler500", "urlpatterns"]
