"""The ROI report for leadership (and the CoE team): quarters, departments, the executive
summary, the chart, the table, printable, and its CSV export. Filters live in the URL so a view of
the report can be shared."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from analytics import permissions
from analytics.selectors import roi as selectors
from analytics.selectors.roi import MAX_QUARTERS, Quarter
from coe.exports import csv_response
from coe.models import Department

QUARTER_CHOICES = [1, 2, 4, 6, 8, 12]
EXPORT_COLUMNS = [
    "quarter",
    "department",
    "investment",
    "funds",
    *[f"funds_{category}" for category in selectors.FUND_CATEGORIES],
    "people",
    "conversion_value",
    "engagements",
    "conversions",
    "value",
    "roi_percent",
    "cost_per_engagement",
    "cost_per_conversion",
    "currency",
]


@dataclass
class RoiFilters:
    quarters: int
    end: Quarter
    departments: list[Department]

    def as_query(self) -> dict[str, object]:
        return {"quarters": self.quarters, "end": self.end.key, "department": [d.slug for d in self.departments]}

    @property
    def department_ids(self) -> list[int] | None:
        return [d.pk for d in self.departments] if self.departments else None

    @property
    def query_string(self) -> str:
        parts = [f"quarters={self.quarters}", f"end={self.end.key}"]
        parts += [f"department={d.slug}" for d in self.departments]
        return "&".join(parts)


def roi_filters(query: Mapping, *, user) -> RoiFilters:
    """How many quarters (1–12, default 4), the last quarter (``2026-Q3``, default the current
    one) and departments by slug (any of those the person sees; unknown ones are ignored)."""
    try:
        count = int(query.get("quarters") or 4)
    except (TypeError, ValueError):
        count = 4
    end = Quarter.parse(query.get("end") or "") or Quarter.of(timezone.localdate())
    slugs = query.getlist("department") if hasattr(query, "getlist") else [query.get("department")]
    slugs = [slug for slug in slugs if slug]
    visible = permissions.department_ids_visible_to(user)
    departments = Department.objects.filter(slug__in=slugs).order_by("name") if slugs else Department.objects.none()
    if visible is not None:
        departments = departments.filter(pk__in=visible)
    return RoiFilters(quarters=max(1, min(MAX_QUARTERS, count)), end=end, departments=list(departments))


def _require_roi(user) -> None:
    if not permissions.can_view_roi(user):
        raise PermissionDenied(selectors.ROI_AUDIENCE)


def end_choices(today=None) -> list[Quarter]:
    current = Quarter.of(today or timezone.localdate())
    return [current.shift(-offset) for offset in range(12)]


@require_GET
def roi(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_roi(user)
    filters = roi_filters(request.GET, user=user)
    report = selectors.roi_report(
        user=user, quarters=filters.quarters, department_ids=filters.department_ids, end=filters.end
    )
    visible = permissions.department_ids_visible_to(user)
    departments = Department.objects.order_by("name")
    if visible is not None:
        departments = departments.filter(pk__in=visible)
    context = {
        "report": report,
        "summary": selectors.roi_summary(report),
        "filters": filters,
        "selected": {d.pk for d in filters.departments},
        "quarter_choices": QUARTER_CHOICES,
        "end_choices": end_choices(),
        "departments": departments,
        "chart": report.chart_data(),
        "can_manage_values": permissions.can_manage_value_settings(user),
        "can_view_investment": permissions.can_view_investment(user),
    }
    return render(request, "analytics/roi.html", context)


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}"


def _export_rows(report):
    for row in report.rows:
        cells = [*row.cells, ("total", row.total)]
        for quarter, figures in cells:
            yield _export_row(quarter if quarter == "total" else quarter.key, row.department.name, figures, report)
    for quarter, figures in report.quarter_cells:
        yield _export_row(quarter.key, "All departments", figures, report)
    yield _export_row("total", "All departments", report.total, report)


def _export_row(quarter: str, department: str, figures, report) -> list:
    return [
        quarter,
        department,
        _money(figures.investment),
        _money(figures.funds_total),
        *[_money(figures.funds.get(category, 0)) for category in selectors.FUND_CATEGORIES],
        _money(figures.people),
        _money(figures.conversion_value),
        figures.engagements,
        figures.conversions,
        _money(figures.value),
        "" if figures.roi_percent is None else f"{figures.roi_percent:.1f}",
        _money(figures.cost_per_engagement),
        _money(figures.cost_per_conversion),
        report.currency,
    ]


@require_GET
def roi_export(request: HttpRequest) -> HttpResponse:
    """The report's table as CSV: a row per department and quarter, its total, and the totals of
    all departments; streamed, every cell formula-safe."""
    user = request.user
    _require_roi(user)
    filters = roi_filters(request.GET, user=user)
    report = selectors.roi_report(
        user=user, quarters=filters.quarters, department_ids=filters.department_ids, end=filters.end
    )
    name = f"roi-{report.first.key}-{report.last.key}.csv"
    return csv_response(EXPORT_COLUMNS, _export_rows(report), name)
