"""Investment and value settings over the API.

``/api/v1/investments/``: entries read by the CoE team and leadership (every department) and
liaisons (their departments), written by the CoE team; ``cost`` is computed (amount + hours ×
loaded rate + FTE share × yearly cost / 12). ``/api/v1/investment-imports/``: POST a CSV
(multipart ``file``, ``mode``) and get the import report, every bad row with its line, column and
reason. ``/api/v1/value-settings/``: what an engagement and a lead are worth (GET for whoever reads
ROI or investment, PUT/PATCH for the CoE team).
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics import permissions
from analytics.models import Investment, InvestmentCategory, ValueSettings
from analytics.models.imports import MetricImport  # the same two import modes as metric imports
from analytics.selectors import investment as selectors
from analytics.services import investment as services
from coe.api.serializers import StrictFieldsMixin
from coe.models import Department


class InvestmentSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """An entry: a department (slug), a month (any day of it; stored as the 1st), a category and
    its money: ``amount``, ``hours`` × ``loaded_rate``, ``fte_share`` × ``fte_yearly_cost`` / 12."""

    department = serializers.SlugRelatedField(slug_field="slug", queryset=Department.objects.all())
    department_name = serializers.CharField(source="department.name", read_only=True)
    category = serializers.ChoiceField(choices=InvestmentCategory.choices)
    cost = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    created_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = Investment
        fields = [
            "id",
            "department",
            "department_name",
            "month",
            "category",
            "amount",
            "hours",
            "loaded_rate",
            "fte_share",
            "fte_yearly_cost",
            "cost",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        validators: list = []  # the service checks the rules, with people's words


class InvestmentFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__slug")
    month_from = django_filters.DateFilter(field_name="month", lookup_expr="gte", help_text="YYYY-MM-01 or later.")
    month_to = django_filters.DateFilter(field_name="month", lookup_expr="lte")

    class Meta:
        model = Investment
        fields = ["department", "category", "month", "month_from", "month_to"]


class InvestmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Investment entries, newest month first. Entries of departments the caller does not see do
    not exist for them (404)."""

    serializer_class = InvestmentSerializer
    filterset_class = InvestmentFilter
    ordering_fields = ["month", "category"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the model
            return Investment.objects.none()
        if not permissions.can_view_investment(self.request.user):
            raise PermissionDenied(selectors.INVESTMENT_AUDIENCE)
        return (
            selectors.investments_visible_to(self.request.user)
            .select_related("department", "created_by")
            .order_by("-month", "department__name", "category", "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.investment_create(actor=self.request.user, values=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.investment_update(
            actor=self.request.user, investment=serializer.instance, values=serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.investment_delete(actor=self.request.user, investment=instance)


class InvestmentImportProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The file's line; 1 is the header.")
    column = serializers.CharField()
    message = serializers.CharField()


class InvestmentImportResultSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=MetricImport.Mode.choices)
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    total_cost = serializers.DecimalField(max_digits=18, decimal_places=2)
    bad_lines = serializers.ListField(child=serializers.IntegerField())
    errors = InvestmentImportProblemSerializer(many=True)


class InvestmentImportSerializer(StrictFieldsMixin, serializers.Serializer):
    file = serializers.FileField(help_text=f"CSV with the columns {', '.join(services.IMPORT_COLUMNS)}.")
    mode = serializers.ChoiceField(choices=MetricImport.Mode.choices, default=services.MODES[0])


class InvestmentImportViewSet(viewsets.GenericViewSet):
    """Import investment entries from CSV (CoE team). ``all_or_nothing`` (default): one bad row and
    nothing is imported (201 with ``created: 0`` and the errors); ``good_rows``: the good rows are."""

    serializer_class = InvestmentImportSerializer
    parser_classes = [MultiPartParser, FormParser]
    queryset = Investment.objects.none()
    pagination_class = None
    filterset_class = None

    @extend_schema(request=InvestmentImportSerializer, responses={201: InvestmentImportResultSerializer})
    def create(self, request, *args, **kwargs):
        if not permissions.can_manage_investment(request.user):
            raise PermissionDenied("Only the CoE team records investment.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.investments_import(
            actor=request.user, file=serializer.validated_data["file"], mode=serializer.validated_data["mode"]
        )
        return Response(InvestmentImportResultSerializer(report).data, status=status.HTTP_201_CREATED)


class ValueSettingsSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    changed_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = ValueSettings
        fields = ["currency", "value_per_engagement", "value_per_lead", "changed_by", "changed_at"]
        read_only_fields = ["changed_at"]


class ValueSettingsView(APIView):
    """What results are worth in the ROI report: ``currency``, ``value_per_engagement`` and
    ``value_per_lead`` (per conversion). Read by whoever reads ROI or investment; set by the CoE."""

    serializer_class = ValueSettingsSerializer

    def _check_read(self, user) -> None:
        if not (permissions.can_view_roi(user) or permissions.can_view_investment(user)):
            raise PermissionDenied("Value settings are for the CoE team, leadership and liaisons.")

    @extend_schema(operation_id="value_settings_retrieve", responses=ValueSettingsSerializer)
    def get(self, request):
        self._check_read(request.user)
        return Response(ValueSettingsSerializer(ValueSettings.current()).data)

    def _write(self, request, *, partial: bool):
        if not permissions.can_manage_value_settings(request.user):
            raise PermissionDenied("Only the CoE team sets what results are worth.")
        serializer = ValueSettingsSerializer(ValueSettings.current(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        updated = services.value_settings_update(actor=request.user, values=serializer.validated_data)
        return Response(ValueSettingsSerializer(updated).data)

    @extend_schema(
        operation_id="value_settings_update", request=ValueSettingsSerializer, responses=ValueSettingsSerializer
    )
    def put(self, request):
        return self._write(request, partial=False)

    @extend_schema(
        operation_id="value_settings_partial_update", request=ValueSettingsSerializer, responses=ValueSettingsSerializer
    )
    def patch(self, request):
        return self._write(request, partial=True)
