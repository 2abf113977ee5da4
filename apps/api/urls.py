from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from apps.api.views.articles import ArticleViewSet
from apps.api.views.base import not_found
from apps.api.views.claims import ClaimReviewFeedView, ClaimViewSet
from apps.api.views.evidence import ClaimEvidenceView
from apps.api.views.snapshots import SnapshotWaczView, SnapshotWarcView
from apps.api.views.verdicts import VerdictViewSet

app_name = "api"

router = DefaultRouter()
router.register("articles", ArticleViewSet, basename="article")
router.register("claims", ClaimViewSet, basename="claim")
router.register("verdicts", VerdictViewSet, basename="verdict")

urlpatterns = [
    path("", include("apps.reports.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script, so the
    # Content-Security-Policy needs no 'unsafe-inline' for the docs.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("claimreview/", ClaimReviewFeedView.as_view(), name="claimreview-feed"),
    path("claims/<int:pk>/evidence/", ClaimEvidenceView.as_view(), name="claim-evidence"),
    path("snapshots/<int:pk>/warc/", SnapshotWarcView.as_view(), name="snapshot-warc"),
    path("snapshots/<int:pk>/wacz/", SnapshotWaczView.as_view(), name="snapshot-wacz"),
    path("", include(router.urls)),
    re_path(r"^(?P<path>.*)$", not_found),
]
