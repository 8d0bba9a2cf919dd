"""Metrics in: the CSV upload page (CoE staff), an import's progress and report (polled with htmx
while a worker processes a large file), and the template CSV."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from analytics import permissions
from analytics.forms.metrics import MetricImportForm
from analytics.selectors import metrics as selectors
from analytics.services import imports as services
from analytics.services.ingest import CSV_COLUMNS, csv_template
from coe.errors import DomainError
from coe.forms import form_add_domain_error

RECENT_IMPORTS = 10


def _require_manage(user) -> None:
    if not permissions.can_manage_analytics(user):
        raise PermissionDenied("Only the CoE team imports metrics.")


@require_http_methods(["GET", "POST"])
def metrics_import(request: HttpRequest) -> HttpResponse:
    _require_manage(request.user)
    form = MetricImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.metric_import_start(
                actor=request.user, file=form.cleaned_data["file"], mode=form.cleaned_data["mode"]
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            # The import's page says how it went (and follows a large file's progress).
            return redirect("analytics:metrics_import_detail", pk=job.pk)
    context = {
        "form": form,
        "columns": CSV_COLUMNS,
        "imports": selectors.metric_imports_visible_to(request.user)[:RECENT_IMPORTS],
        "inline_rows": f"{services.INLINE_ROWS:,}",
    }
    return render(request, "analytics/metrics_import.html", context)


@require_GET
def metrics_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manage(request.user)
    job = get_object_or_404(selectors.metric_imports_visible_to(request.user), pk=pk)
    context = {"job": job}
    if request.htmx:
        return render(request, "analytics/partials/_metric_import_status.html", context)
    return render(request, "analytics/metrics_import_detail.html", context)


@require_GET
def metrics_import_template(request: HttpRequest) -> HttpResponse:
    _require_manage(request.user)
    response = HttpResponse(csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="metrics-template.csv"'
    return response
