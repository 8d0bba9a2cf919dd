"""KPIs and their targets over the API. Everyone who sees figures reads the KPIs in their scope
(liaisons: their departments'), each with its current ``status`` (actual, target, on/off track,
trend); ``kpis/status/`` lists them with their recent periods. The CoE creates, changes and
deactivates KPIs and sets targets (an upsert per period)."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from analytics import permissions
from analytics.models import Kpi, KpiTarget
from analytics.selectors import kpis as selectors
from analytics.services import kpis as services
from coe.api.serializers import StrictFieldsMixin
from coe.errors import NotAllowed
from coe.models import Department, Objective


class PeriodStatusSerializer(serializers.Serializer):
    period_start = serializers.DateField(source="start")
    label = serializers.CharField()
    actual = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    target = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    expected = serializers.DecimalField(
        max_digits=20,
        decimal_places=4,
        allow_null=True,
        help_text="The target the actual is judged against (pro rata for a sum in the current period).",
    )
    status = serializers.ChoiceField(choices=selectors.STATUS_CHOICES)


class KpiStatusSerializer(serializers.Serializer):
    actual = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    target = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    status = serializers.ChoiceField(choices=selectors.STATUS_CHOICES)
    on_track = serializers.BooleanField(allow_null=True)
    trend = serializers.ChoiceField(choices=["up", "down", "flat", "none"], help_text="Against the previous period.")
    period = PeriodStatusSerializer(source="current")


class KpiStatusListSerializer(KpiStatusSerializer):
    kpi = serializers.IntegerField(source="kpi.pk")
    name = serializers.CharField(source="kpi.name")
    history = PeriodStatusSerializer(many=True, help_text="Oldest first; the current period last.")


class KpiSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    objective = serializers.PrimaryKeyRelatedField(queryset=Objective.objects.all(), allow_null=True, required=False)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), allow_null=True, required=False)
    metric = serializers.ChoiceField(choices=selectors.KPI_METRIC_CHOICES)
    denominator = serializers.ChoiceField(choices=selectors.KPI_METRIC_CHOICES, required=False, allow_blank=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Kpi
        fields = [
            "id",
            "name",
            "description",
            "objective",
            "department",
            "metric",
            "denominator",
            "aggregation",
            "cadence",
            "direction",
            "unit",
            "is_active",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "created_at", "updated_at"]

    @extend_schema_field(KpiStatusSerializer(allow_null=True))
    def get_status(self, kpi):
        found = self.context.get("statuses", {}).get(kpi.pk)
        return KpiStatusSerializer(found).data if found is not None else None


class KpiFilter(django_filters.FilterSet):
    class Meta:
        model = Kpi
        fields = ["is_active", "department", "objective", "aggregation", "cadence"]


class KpiViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """KPIs in the caller's scope with their current status. CoE staff create and change them
    (PATCH), and ``deactivate`` one (it stays, with its targets, for the record)."""

    serializer_class = KpiSerializer
    queryset = Kpi.objects.none()  # each request's is scoped in get_queryset
    filterset_class = KpiFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Kpi.objects.none()
        if not permissions.can_view_dashboard(self.request.user):
            raise NotAllowed("KPIs are for the CoE team, leadership and department liaisons.")
        return selectors.kpis_visible_to(self.request.user).order_by("name", "id")

    def _context(self, kpis) -> dict:
        statuses = selectors.kpi_statuses(user=self.request.user, on=timezone.localdate(), periods_back=1, kpis=kpis)
        return {**self.get_serializer_context(), "statuses": {row.kpi.pk: row for row in statuses}}

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        kpis = list(page if page is not None else queryset)
        data = KpiSerializer(kpis, many=True, context=self._context(kpis)).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        kpi = self.get_object()
        return Response(KpiSerializer(kpi, context=self._context([kpi])).data)

    def _present(self, kpi, code=status.HTTP_200_OK) -> Response:
        kpi = self.get_queryset().get(pk=kpi.pk)
        return Response(KpiSerializer(kpi, context=self._context([kpi])).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kpi = services.kpi_create(actor=request.user, fields=dict(serializer.validated_data))
        return self._present(kpi, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        kpi = self.get_object()
        serializer = self.get_serializer(kpi, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        kpi = services.kpi_update(actor=request.user, kpi=kpi, changes=dict(serializer.validated_data))
        return self._present(kpi)

    @extend_schema(request=None, responses=KpiSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        kpi = services.kpi_deactivate(actor=request.user, kpi=self.get_object())
        return self._present(kpi)

    @extend_schema(
        parameters=[
            OpenApiParameter("on", str, description="A day of the current period (YYYY-MM-DD); default today."),
            OpenApiParameter("periods_back", int, description="Earlier periods to include (0–24, default 6)."),
        ],
        responses=KpiStatusListSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="status", url_name="status")
    def status_list(self, request):
        """Every active KPI in scope: actual, target, status and trend, with its recent periods."""
        from datetime import date

        try:
            on = date.fromisoformat(request.query_params["on"]) if request.query_params.get("on") else None
            back = int(request.query_params.get("periods_back", 6))
        except ValueError as exc:
            raise serializers.ValidationError({"on": ["Give a date as YYYY-MM-DD and a whole number."]}) from exc
        kpis = self.filter_queryset(self.get_queryset()).filter(is_active=True)
        statuses = selectors.kpi_statuses(
            user=request.user, on=on or timezone.localdate(), periods_back=max(0, min(back, 24)), kpis=kpis
        )
        return Response(KpiStatusListSerializer(statuses, many=True).data)


class KpiTargetSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    kpi = serializers.PrimaryKeyRelatedField(queryset=Kpi.objects.none())
    period_start = serializers.DateField(help_text="Any day of the period; stored as the period's first day.")

    class Meta:
        model = KpiTarget
        fields = ["id", "kpi", "period_start", "target"]
        read_only_fields = ["id"]
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["kpi"].queryset = selectors.kpis_visible_to(request.user)


class KpiTargetFilter(django_filters.FilterSet):
    period_start_after = django_filters.DateFilter(field_name="period_start", lookup_expr="gte")
    period_start_before = django_filters.DateFilter(field_name="period_start", lookup_expr="lte")

    class Meta:
        model = KpiTarget
        fields = ["kpi", "period_start_after", "period_start_before"]


class KpiTargetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Targets of the KPIs in the caller's scope. POST sets a period's target (replacing the one
    there); DELETE removes it. CoE staff only for writes."""

    serializer_class = KpiTargetSerializer
    queryset = KpiTarget.objects.none()
    filterset_class = KpiTargetFilter
    ordering_fields = ["period_start"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return KpiTarget.objects.none()
        if not permissions.can_view_dashboard(self.request.user):
            raise NotAllowed("KPIs are for the CoE team, leadership and department liaisons.")
        kpis = selectors.kpis_visible_to(self.request.user)
        return KpiTarget.objects.filter(kpi__in=kpis).order_by("kpi_id", "period_start")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        row = services.kpi_target_set(
            actor=request.user, kpi=data["kpi"], period_start_on=data["period_start"], target=data["target"]
        )
        return Response(KpiTargetSerializer(row).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        row = self.get_object()
        services.kpi_target_set(actor=request.user, kpi=row.kpi, period_start_on=row.period_start, target=None)
        return Response(status=status.HTTP_204_NO_CONTENT)
