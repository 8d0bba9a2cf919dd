"""Metrics in over the API, and the BI export.

- ``POST /api/v1/metric-snapshots/bulk/``: up to 5,000 snapshots per request (CoE staff).
  Idempotent: the same snapshot twice is stored once (counted in ``duplicates``). ``mode``
  ``all_or_nothing`` (default: one bad row stores nothing, 400 with every row's problem) or
  ``good_rows`` (the good rows are stored, the bad ones reported with their index).
- ``GET /api/v1/metric-snapshots/``: snapshots of the channels whose figures the caller sees.
- ``POST /api/v1/metric-imports/`` (multipart ``file``, ``mode``) and
  ``GET /api/v1/metric-imports/<id>/``: a CSV import, its progress and its bad rows.
- ``GET /api/v1/exports/rollups.csv`` and ``.json``: rollup rows, streamed, token or session auth,
  filtered by ``period``, ``since``, ``until``, ``department``, ``channel``.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import django_filters
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics import permissions
from analytics.models import MetricImport, MetricSnapshot, Period
from analytics.selectors import metrics as selectors
from analytics.services import imports as import_services
from analytics.services.ingest import BATCH_SIZE, snapshots_ingest
from coe.api.serializers import StrictFieldsMixin
from coe.exports import csv_response

MODES = [choice[0] for choice in MetricImport.Mode.choices]


def _require_view(user) -> None:
    if not permissions.can_view_dashboard(user):
        raise PermissionDenied("Figures are for the CoE team, leadership and liaisons.")


def _require_manage(user) -> None:
    if not permissions.can_manage_analytics(user):
        raise PermissionDenied("Only the CoE team sends metrics in.")


# --- snapshots ----------------------------------------------------------------------------------


class MetricSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricSnapshot
        fields = [
            "id",
            "channel",
            "publication",
            "captured_at",
            "impressions",
            "reach",
            "likes",
            "comments",
            "shares",
            "clicks",
            "video_views",
            "conversions",
            "conversion_value",
            "followers",
            "source",
            "received_at",
        ]
        read_only_fields = fields


class MetricSnapshotFilter(django_filters.FilterSet):
    since = django_filters.IsoDateTimeFilter(field_name="captured_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="captured_at", lookup_expr="lt")

    class Meta:
        model = MetricSnapshot
        fields = ["channel", "publication", "source", "since", "until"]


class SnapshotRowSerializer(serializers.Serializer):
    """One snapshot as sent: a publication (or only a channel, for followers), when, the counts."""

    publication_id = serializers.IntegerField(required=False, allow_null=True)
    channel_id = serializers.IntegerField(required=False, allow_null=True)
    captured_at = serializers.CharField(help_text="ISO 8601 with a zone, e.g. 2026-03-02T09:00:00Z.")
    impressions = serializers.IntegerField(required=False, min_value=0)
    reach = serializers.IntegerField(required=False, min_value=0)
    likes = serializers.IntegerField(required=False, min_value=0)
    comments = serializers.IntegerField(required=False, min_value=0)
    shares = serializers.IntegerField(required=False, min_value=0)
    clicks = serializers.IntegerField(required=False, min_value=0)
    video_views = serializers.IntegerField(required=False, min_value=0)
    conversions = serializers.IntegerField(required=False, min_value=0)
    conversion_value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    followers = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class BulkInputSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=MetricImport.Mode.choices, default=MODES[0])
    rows = SnapshotRowSerializer(many=True, help_text=f"At most {BATCH_SIZE} rows per request.")


class RowErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The row's position in ``rows`` (0-based).")
    column = serializers.CharField()
    reason = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField(help_text="Rows already stored (same publication or channel and time).")
    rejected = serializers.IntegerField(help_text="Rows with a problem.")
    stored = serializers.BooleanField(help_text="False when all_or_nothing refused the batch.")
    errors = RowErrorSerializer(many=True)


class MetricSnapshotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Snapshots as networks reported them (cumulative counters), newest first; the ``bulk`` action
    sends them in."""

    serializer_class = MetricSnapshotSerializer
    filterset_class = MetricSnapshotFilter
    ordering_fields = ["captured_at", "received_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MetricSnapshot.objects.none()
        _require_view(self.request.user)
        return selectors.snapshots_visible_to(self.request.user).order_by("-captured_at", "-pk")

    @extend_schema(
        request=BulkInputSerializer,
        responses={200: BulkResultSerializer, 400: BulkResultSerializer},
        examples=[
            OpenApiExample(
                "Two snapshots of a post and the account's followers",
                value={
                    "mode": "all_or_nothing",
                    "rows": [
                        {"publication_id": 41, "captured_at": "2026-03-02T09:00:00Z", "impressions": 1520, "likes": 48},
                        {"publication_id": 41, "captured_at": "2026-03-03T09:00:00Z", "impressions": 2210, "likes": 61},
                        {"channel_id": 3, "captured_at": "2026-03-03T00:00:00Z", "followers": 10450},
                    ],
                },
                request_only=True,
            )
        ],
    )
    @action(detail=False, methods=["post"], parser_classes=[JSONParser], pagination_class=None, filterset_class=None)
    def bulk(self, request):
        """Store snapshots (CoE staff). A bare list of rows is accepted too (mode all_or_nothing)."""
        _require_manage(request.user)
        data = request.data
        if isinstance(data, list):
            data = {"rows": data}
        if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
            raise ValidationError({"rows": ['Send a list of rows (or {"rows": [...], "mode": ...}).']})
        if len(data["rows"]) > BATCH_SIZE:
            raise ValidationError({"rows": [f"At most {BATCH_SIZE} rows per request; send the rest in another."]})
        mode = data.get("mode", MODES[0])
        if mode not in MODES:
            raise ValidationError({"mode": [f"One of {', '.join(MODES)}."]})
        # Rows are checked by the service (one report with every row's problem, by index).
        report = snapshots_ingest(
            actor=request.user,
            rows=data["rows"],
            source=MetricSnapshot.Source.API,
            all_or_nothing=mode == MetricImport.Mode.ALL_OR_NOTHING,
        )
        answer = status.HTTP_400_BAD_REQUEST if not report.stored else status.HTTP_200_OK
        return Response(report.as_dict(), status=answer)


# --- CSV imports --------------------------------------------------------------------------------


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The file's line; 1 is the header.")
    column = serializers.CharField()
    reason = serializers.CharField()


class MetricImportSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    errors = ImportErrorSerializer(many=True, read_only=True, help_text="The first 1,000 problems.")
    created_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = MetricImport
        fields = [
            "id",
            "filename",
            "mode",
            "status",
            "percent",
            "total_rows",
            "created_count",
            "duplicate_count",
            "error_count",
            "errors",
            "message",
            "created_by",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class MetricImportInputSerializer(StrictFieldsMixin, serializers.Serializer):
    file = serializers.FileField(help_text="CSV with the documented header (see the import page's template).")
    mode = serializers.ChoiceField(choices=MetricImport.Mode.choices, default=MODES[0])


class MetricImportViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """CSV imports of snapshots (CoE staff). A small file is done when the POST answers; a large
    one is processed by a worker: poll the import until ``status`` is done, rejected or failed."""

    serializer_class = MetricImportSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["status", "mode"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MetricImport.objects.none()
        _require_manage(self.request.user)
        return selectors.metric_imports_visible_to(self.request.user)

    @extend_schema(request=MetricImportInputSerializer, responses={201: MetricImportSerializer})
    def create(self, request, *args, **kwargs):
        _require_manage(request.user)
        form = MetricImportInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        job = import_services.metric_import_start(
            actor=request.user, file=form.validated_data["file"], mode=form.validated_data["mode"]
        )
        return Response(MetricImportSerializer(job).data, status=status.HTTP_201_CREATED)


# --- BI export ----------------------------------------------------------------------------------


class _AnyContent(BaseContentNegotiation):
    """The export answers CSV or JSON by its path, whatever the client's Accept header says."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None


def _ids(request, name: str) -> list[int]:
    values = []
    for raw in request.query_params.getlist(name):
        for part in raw.split(","):
            if part.strip():
                try:
                    values.append(int(part))
                except ValueError as error:
                    raise ValidationError({name: [f"{part!r} is not an id."]}) from error
    return values


def _day(request, name: str) -> date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as error:
        raise ValidationError({name: ["A date, YYYY-MM-DD."]}) from error


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))


def _json_stream(rows):
    yield "["
    first = True
    for row in rows:
        yield ("" if first else ",") + json.dumps(
            dict(zip(selectors.EXPORT_COLUMNS, row, strict=True)), default=_json_default
        )
        first = False
    yield "]"


EXPORT_PARAMETERS = [
    OpenApiParameter("period", str, enum=list(Period.values), description="day (default), week or month."),
    OpenApiParameter("since", OpenApiTypes.DATE, description="First period start (YYYY-MM-DD)."),
    OpenApiParameter("until", OpenApiTypes.DATE, description="Last period start (YYYY-MM-DD)."),
    OpenApiParameter("department", int, many=True, description="Department ids (repeat or comma-separate)."),
    OpenApiParameter("channel", int, many=True, description="Channel ids (repeat or comma-separate)."),
]


class RollupExportView(APIView):
    """Rollup rows for BI tools (Tableau, Power BI), streamed, with stable columns: period,
    period_start, channel_id, channel, network, department_id, department, campaign_id, campaign,
    theme_id, theme, posts, impressions, reach, likes, comments, shares, clicks, engagements
    (likes + comments + shares + clicks), video_views, conversions, conversion_value, followers
    (on the channel's own row only: no campaign, no theme). Sums are per-period deltas of the
    networks' cumulative counters. Scoped like every figure: liaisons get their departments'."""

    content_negotiation_class = _AnyContent
    export_format = "csv"

    def _answer(self, request):
        _require_view(request.user)
        period = request.query_params.get("period", Period.DAY)
        if period not in Period.values:
            raise ValidationError({"period": ["day, week or month."]})
        rows = selectors.rollups_for_export(
            user=request.user,
            period=period,
            since=_day(request, "since"),
            until=_day(request, "until"),
            department_ids=_ids(request, "department"),
            channel_ids=_ids(request, "channel"),
        )
        if self.export_format == "json":
            response = StreamingHttpResponse(
                _json_stream(selectors.export_rows(rows)), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = f'inline; filename="rollups-{period}.json"'
            return response
        return csv_response(selectors.EXPORT_COLUMNS, selectors.export_rows(rows), f"rollups-{period}.csv")


class RollupCsvExportView(RollupExportView):
    __doc__ = RollupExportView.__doc__
    export_format = "csv"

    @extend_schema(
        operation_id="rollups_export_csv",
        parameters=EXPORT_PARAMETERS,
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV with the columns above.")},
    )
    def get(self, request, *args, **kwargs):
        return self._answer(request)


class RollupJsonExportView(RollupExportView):
    __doc__ = RollupExportView.__doc__
    export_format = "json"

    @extend_schema(
        operation_id="rollups_export_json",
        parameters=EXPORT_PARAMETERS,
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="A JSON array of objects keyed by the columns above."
            )
        },
    )
    def get(self, request, *args, **kwargs):
        return self._answer(request)
