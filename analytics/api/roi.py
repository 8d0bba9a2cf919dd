"""The ROI report over the API: ``GET /api/v1/roi/`` with the page's filters (``quarters``,
``end``, ``department``) gives the same report as ``/analytics/roi/``: per department and quarter
the investment (funds by category, people), value, ROI %, cost per engagement and per conversion,
the totals per quarter and overall, and the executive summary. Leadership and the CoE team only."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics import permissions
from analytics.selectors import roi as selectors
from analytics.views.roi import roi_filters

MONEY = {"max_digits": 18, "decimal_places": 2}


class RoiFiguresSerializer(serializers.Serializer):
    investment = serializers.DecimalField(**MONEY)
    funds = serializers.DictField(
        child=serializers.DecimalField(**MONEY), help_text="Cost per category (ads, tools …), people excluded."
    )
    funds_total = serializers.DecimalField(**MONEY)
    people = serializers.DecimalField(**MONEY, help_text="Hours × loaded rate and FTE shares.")
    conversion_value = serializers.DecimalField(**MONEY)
    engagements = serializers.IntegerField(help_text="likes + comments + shares + clicks")
    conversions = serializers.IntegerField()
    value = serializers.DecimalField(
        **MONEY, help_text="conversion_value + engagements × value_per_engagement + conversions × value_per_lead"
    )
    roi_percent = serializers.DecimalField(
        max_digits=12,
        decimal_places=1,
        allow_null=True,
        help_text="(value − investment) / investment; null: none invested.",
    )
    cost_per_engagement = serializers.DecimalField(**MONEY, allow_null=True)
    cost_per_conversion = serializers.DecimalField(**MONEY, allow_null=True)


class RoiQuarterFiguresSerializer(RoiFiguresSerializer):
    quarter = serializers.CharField(help_text="e.g. 2026-Q3")


class RoiDepartmentSerializer(serializers.Serializer):
    department = serializers.CharField(source="department.slug")
    department_name = serializers.CharField(source="department.name")
    quarters = serializers.SerializerMethodField()
    total = RoiFiguresSerializer()
    trend_points = serializers.DecimalField(
        source="trend",
        max_digits=12,
        decimal_places=1,
        allow_null=True,
        help_text="ROI change, last vs previous quarter.",
    )

    @extend_schema_field(RoiQuarterFiguresSerializer(many=True))
    def get_quarters(self, row) -> list[dict]:
        return [_quarter(quarter, figures) for quarter, figures in row.cells]


def _quarter(quarter, figures) -> dict:
    return {"quarter": quarter.key, **RoiFiguresSerializer(figures).data}


class RoiReportSerializer(serializers.Serializer):
    quarters = serializers.SerializerMethodField()
    currency = serializers.CharField()
    value_per_engagement = serializers.DecimalField(max_digits=10, decimal_places=4)
    value_per_lead = serializers.DecimalField(max_digits=10, decimal_places=2)
    summary = serializers.SerializerMethodField()
    departments = RoiDepartmentSerializer(many=True, source="rows")
    quarter_totals = serializers.SerializerMethodField()
    total = RoiFiguresSerializer()
    generated_at = serializers.DateTimeField()

    def get_quarters(self, report) -> list[str]:
        return [quarter.key for quarter in report.quarters]

    def get_summary(self, report) -> list[str]:
        return selectors.roi_summary(report)

    @extend_schema_field(RoiQuarterFiguresSerializer(many=True))
    def get_quarter_totals(self, report) -> list[dict]:
        return [_quarter(quarter, figures) for quarter, figures in report.quarter_cells]


class RoiView(APIView):
    @extend_schema(
        operation_id="roi_retrieve",
        parameters=[
            OpenApiParameter("quarters", int, description="How many quarters (1–12, default 4)."),
            OpenApiParameter("end", str, description="The last quarter, e.g. 2026-Q3 (default: the current one)."),
            OpenApiParameter("department", str, many=True, description="Department slugs (default: all)."),
        ],
        responses=RoiReportSerializer,
    )
    def get(self, request):
        user = request.user
        if not permissions.can_view_roi(user):
            raise PermissionDenied(selectors.ROI_AUDIENCE)
        filters = roi_filters(request.query_params, user=user)
        report = selectors.roi_report(
            user=user, quarters=filters.quarters, department_ids=filters.department_ids, end=filters.end
        )
        return Response(RoiReportSerializer(report).data)
