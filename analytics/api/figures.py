"""The dashboard's numbers over the API: ``GET /api/v1/figures/`` with the dashboard's filters gives
the totals (with the previous period of the same length), the series per day/week/month, and
optionally a breakdown by channel, network, department, campaign or theme. Summed from rollups,
scoped like the dashboard (liaisons: their departments)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics import permissions
from analytics.models import Period
from analytics.selectors import figures as selectors
from coe.errors import NotAllowed


class FiguresSerializer(serializers.Serializer):
    posts = serializers.IntegerField(help_text="Publications with activity (summed per period and row).")
    impressions = serializers.IntegerField()
    reach = serializers.IntegerField()
    likes = serializers.IntegerField()
    comments = serializers.IntegerField()
    shares = serializers.IntegerField()
    clicks = serializers.IntegerField()
    video_views = serializers.IntegerField()
    conversions = serializers.IntegerField()
    conversion_value = serializers.DecimalField(max_digits=20, decimal_places=2)
    engagements = serializers.IntegerField(help_text="likes + comments + shares + clicks")
    engagement_rate = serializers.DecimalField(
        max_digits=9, decimal_places=2, allow_null=True, help_text="engagements / impressions, in percent"
    )


class SeriesRowSerializer(FiguresSerializer):
    period_start = serializers.DateField()


class GroupRowSerializer(FiguresSerializer):
    key = serializers.CharField(
        allow_null=True, help_text="The channel, department, campaign or theme id; the network."
    )
    label = serializers.CharField()


class FiguresResponseSerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    period = serializers.ChoiceField(choices=Period.choices)
    previous_since = serializers.DateField(allow_null=True)
    previous_until = serializers.DateField(allow_null=True)
    totals = FiguresSerializer()
    previous = FiguresSerializer(allow_null=True)
    change = serializers.DictField(
        child=serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True),
        help_text="Change against the previous period in percent (engagement_rate: in points).",
    )
    series = SeriesRowSerializer(many=True)
    groups = GroupRowSerializer(many=True, allow_null=True)


class FiguresView(APIView):
    @extend_schema(
        operation_id="figures_retrieve",
        parameters=[
            OpenApiParameter("range", str, enum=[value for value, _ in selectors.PRESETS], description="Default 30d."),
            OpenApiParameter("since", str, description="YYYY-MM-DD (a custom range)."),
            OpenApiParameter("until", str, description="YYYY-MM-DD (a custom range; default today)."),
            OpenApiParameter("compare", str, enum=["0", "1"], description="With the previous period (default 1)."),
            OpenApiParameter("period", str, enum=list(Period.values), description="Default: by the range's length."),
            OpenApiParameter("group_by", str, enum=list(selectors.GROUPS), description="Add a breakdown."),
            OpenApiParameter("department", int, many=True),
            OpenApiParameter("channel", int, many=True),
            OpenApiParameter("campaign", int, many=True),
            OpenApiParameter("theme", int, many=True),
        ],
        responses=FiguresResponseSerializer,
    )
    def get(self, request):
        """Totals, previous period, series and an optional breakdown, as on the dashboard."""
        user = request.user
        if not permissions.can_view_dashboard(user):
            raise NotAllowed("Figures are for the CoE team, leadership and department liaisons.")
        filters = selectors.filters_from(request.query_params, user=user)
        if filters.errors:
            raise serializers.ValidationError({"since": list(filters.errors)})
        period = request.query_params.get("period") or filters.period
        if period not in Period.values:
            raise serializers.ValidationError({"period": ["Use day, week or month."]})
        group_by = request.query_params.get("group_by") or None
        if group_by is not None and group_by not in selectors.GROUPS:
            raise serializers.ValidationError({"group_by": [f"Use one of {', '.join(selectors.GROUPS)}."]})
        scope = filters.scope()
        totals = selectors.figures_totals(
            user=user, since=filters.since, until=filters.until, compare=filters.compare, **scope
        )
        series = selectors.figures_series(user=user, since=filters.since, until=filters.until, period=period, **scope)
        groups = (
            selectors.figures_totals(user=user, since=filters.since, until=filters.until, group_by=group_by, **scope)
            if group_by
            else None
        )
        previous_since, previous_until = filters.previous if filters.compare else (None, None)
        data = {
            "since": filters.since,
            "until": filters.until,
            "period": period,
            "previous_since": previous_since,
            "previous_until": previous_until,
            "totals": totals.current,
            "previous": totals.previous,
            "change": totals.change,
            "series": series,
            "groups": groups,
        }
        return Response(FiguresResponseSerializer(data).data)
