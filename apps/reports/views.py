"""The web doors to apps.reports.services.report_render:

* /api/v1/articles/<id>/report.{csv,json,jsonld,html,pdf}: anyone may download the published
  report of an article that has published verdicts; `?include_drafts=1` is for staff who may view
  verdicts (403 for everyone else). Unknown articles, and articles with nothing published for
  those who may not see unpublished work, are 404, so titles under review do not leak.
* /admin/reports/export/, the staff-only export page behind the articles admin's "Export
  verdict report" action: `?ids=1,2,3` shows a format choice, and submitting it returns the file.
  It is an admin page (wrapped in the admin's login and CSRF handling in factcheck/urls.py),
  not part of the API.
"""

import re

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.views import APIView

from apps.articles.models import Article
from apps.reports.pdf import PdfUnavailableError
from apps.reports.selectors import report_articles_visible
from apps.reports.services import FORMATS, ReportError, report_render
from apps.verdicts.roles import staff_may
from apps.verdicts.selectors import articles_visible

# The API's file extensions and the report formats they serve.
API_EXTENSIONS = {
    "csv": "csv",
    "json": "json",
    "jsonld": "claimreview",
    "html": "html",
    "pdf": "pdf",
}
FORMAT_LABELS = {
    "pdf": "PDF (to print or send)",
    "html": "HTML page (self-contained)",
    "csv": "CSV spreadsheet (one row per claim)",
    "json": "JSON (documented shape, for scripts)",
    "claimreview": "ClaimReview JSON-LD (schema.org DataFeed)",
}
VERDICT_VIEW_PERMISSION = "verdicts.view_verdict"
UNPUBLISHED_VIEW_PERMISSION = "articles.view_article"
# An HTML report runs no script and loads nothing; say so to the browser too.
HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"


def may_include_drafts(user) -> bool:
    return staff_may(user, VERDICT_VIEW_PERMISSION)


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def report_response(
    *, fmt: str, article_ids: list[int], include_drafts: bool, bom: bool = False, download: bool
) -> HttpResponse | StreamingHttpResponse:
    """The report as an HTTP response: CSV streamed, the rest whole."""
    report_format = FORMATS[fmt]
    try:
        chunks = report_render(
            fmt=fmt, article_ids=article_ids, include_drafts=include_drafts, bom=bom
        )
        if fmt == "csv":
            response = StreamingHttpResponse(chunks, content_type=report_format.content_type)
        else:
            response = HttpResponse(b"".join(chunks), content_type=report_format.content_type)
    except PdfUnavailableError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    stem = (
        f"article-{article_ids[0]}-report"
        if len(article_ids) == 1
        else f"verdict-report-{len(article_ids)}-articles"
    )
    if include_drafts:
        stem += "-DRAFT"
        response["Cache-Control"] = "private, no-store"
    disposition = "attachment" if download or report_format.binary or fmt == "csv" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{stem}.{report_format.extension}"'
    if fmt == "html":
        response["Content-Security-Policy"] = HTML_CSP
    return response


class ArticleReportView(APIView):
    """One article's verdict report in one format (set per URL, see urls.py)."""

    fmt = "json"

    @classmethod
    def for_extension(cls, extension: str):
        fmt = API_EXTENSIONS[extension]
        media_type = FORMATS[fmt].content_type.split(";")[0]
        schema = extend_schema(
            operation_id=f"article_report_{extension}",
            summary=f"Verdict report of an article as {extension.upper()}",
            parameters=[
                OpenApiParameter(
                    "include_drafts",
                    OpenApiTypes.BOOL,
                    description="Add unpublished verdicts, marked DRAFT (staff only; else 403).",
                )
            ],
            responses={
                (200, media_type): OpenApiTypes.BINARY if fmt == "pdf" else OpenApiTypes.STR,
                403: OpenApiResponse(description="Drafts asked for without permission."),
                404: OpenApiResponse(description="No such article, or nothing published yet."),
            },
            tags=["reports"],
        )

        def get(self, request, pk: int):
            return cls.get(self, request, pk)

        view = type(
            f"ArticleReport{extension.title()}View", (cls,), {"fmt": fmt, "get": schema(get)}
        )
        return view.as_view()

    def get(self, request, pk: int):
        user = request.user
        include_drafts = _flag(request.query_params.get("include_drafts"))
        if include_drafts and not may_include_drafts(user):
            raise PermissionDenied("Only staff who may view verdicts can include drafts.")
        if not Article.objects.filter(pk=pk).exists():
            raise Http404("No such article.")
        may_see_unpublished = staff_may(user, UNPUBLISHED_VIEW_PERMISSION)
        if not may_see_unpublished and not report_articles_visible(article_ids=[pk]):
            raise Http404("No such article.")
        return report_response(
            fmt=self.fmt, article_ids=[pk], include_drafts=include_drafts, download=False
        )


NO_IDS = "Choose articles: ids must be numbers separated by commas."


MAX_ID = 2**63 - 1
_EXPORT_ID = re.compile(r"^[0-9]{1,19}$")


def export_ids(text: str) -> list[int] | None:
    """The article ids of a comma-separated list, in order without repeats; None unless every
    part is an ASCII number that fits the id column (a longer one would be a database error)."""
    raw = [part.strip() for part in text.split(",") if part.strip()]
    if not raw or not all(_EXPORT_ID.match(part) for part in raw):
        return None
    ids = list(dict.fromkeys(int(part) for part in raw))
    if not all(1 <= pk <= MAX_ID for pk in ids):
        return None
    return ids


def export_articles(user, ids: list[int]):
    """The chosen articles this user may see: any article for staff who may view articles,
    otherwise only the published ones, so no hidden title is shown on the export page."""
    return articles_visible(user=user).filter(pk__in=ids)


class ExportForm(forms.Form):
    ids = forms.CharField(widget=forms.HiddenInput, error_messages={"required": NO_IDS})
    format = forms.ChoiceField(
        choices=[(name, FORMAT_LABELS[name]) for name in FORMATS],
        initial="pdf",
        widget=forms.RadioSelect,
    )
    include_drafts = forms.BooleanField(
        required=False, label="Include drafts (each marked DRAFT; for internal use only)"
    )
    bom = forms.BooleanField(
        required=False, label="CSV for Excel: start with a UTF-8 byte-order mark"
    )

    def __init__(self, *args, may_include_drafts: bool, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not may_include_drafts:
            del self.fields["include_drafts"]

    def clean_ids(self) -> list[int]:
        ids = export_ids(self.cleaned_data["ids"])
        if ids is None:
            raise forms.ValidationError(NO_IDS)
        found = set(export_articles(self.user, ids).values_list("pk", flat=True))
        unknown = [str(pk) for pk in ids if pk not in found]
        if unknown:
            raise forms.ValidationError(f"No article with id {', '.join(unknown)}.")
        return ids


def report_export(request):
    """The admin's export page: pick a format for the chosen articles, get the file."""
    allowed_drafts = may_include_drafts(request.user)
    if "format" in request.GET:
        form = ExportForm(request.GET, may_include_drafts=allowed_drafts, user=request.user)
        if _flag(request.GET.get("include_drafts")) and not allowed_drafts:
            raise PermissionDenied("Only staff who may view verdicts can include drafts.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                return report_response(
                    fmt=data["format"],
                    article_ids=data["ids"],
                    include_drafts=data.get("include_drafts", False),
                    bom=data["bom"],
                    download=True,
                )
            except ReportError as exc:
                form.add_error(None, str(exc))
    else:
        form = ExportForm(
            initial={"ids": request.GET.get("ids", "")}, may_include_drafts=allowed_drafts
        )
    ids = export_ids(request.GET.get("ids", "")) or []
    context = {
        **admin.site.each_context(request),
        "title": "Export verdict report",
        "form": form,
        "articles": export_articles(request.user, ids).order_by("title")[:200],
        "article_count": len(set(ids)),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "reports/export.html", context, status=status)
