"""Crisis plans and incidents over the API. Plans: read by those who follow crises, written by
the CoE manager (with their scenarios and holding statements). Incidents: read; ``POST`` declares
one (the CoE manager or a plan's spokesperson); ``add-update``, ``resolve`` and ``review`` are
actions that call the same services as the pages."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from coe.api.serializers import StrictFieldsMixin
from governance import permissions
from governance.models import (
    CrisisIncident,
    CrisisPlan,
    CrisisScenario,
    HoldingStatement,
    IncidentUpdate,
)
from governance.selectors import crisis as selectors
from governance.services import crisis as services

User = get_user_model()


def _channel_model():
    return CrisisIncident._meta.get_field("channels").related_model


# Severity is documented rather than given as an enum where incidents are read and declared: a
# content rule's severity has other values under the same field name, and the schema's enum names
# would collide (the scenario's default_severity keeps the enum).
SEVERITIES = "One of: low, medium, high, critical (1 to 4)."


def _require_crisis(user) -> None:
    if not permissions.can_view_crisis(user):
        raise PermissionDenied("Crisis management is for the CoE, leadership and the people a crisis plan names.")


# --- serializers --------------------------------------------------------------------------------


class CrisisScenarioSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A scenario of a plan. On write, a row with an ``id`` changes that scenario; without, a new one."""

    id = serializers.IntegerField(required=False)

    class Meta:
        model = CrisisScenario
        fields = ["id", "name", "description", "default_severity", "first_steps"]


class HoldingStatementSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A holding statement; ``scenario`` is the name of one of the plan's scenarios, or empty."""

    id = serializers.IntegerField(required=False)
    scenario = serializers.CharField(source="scenario.name", required=False, allow_blank=True, default="")

    class Meta:
        model = HoldingStatement
        fields = ["id", "title", "scenario", "text"]


class CrisisPlanSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A crisis plan. Writing ``scenarios`` or ``holding_statements`` replaces that list (rows with
    an ``id`` are kept and changed); leaving them out keeps them."""

    escalation_contacts = serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.filter(is_active=True), required=False
    )
    spokespeople = serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.filter(is_active=True), required=False
    )
    scenarios = CrisisScenarioSerializer(many=True, required=False)
    holding_statements = HoldingStatementSerializer(many=True, required=False)

    class Meta:
        model = CrisisPlan
        fields = [
            "id",
            "name",
            "purpose",
            "escalation_contacts",
            "spokespeople",
            "shortcut_coe_approvals",
            "is_active",
            "scenarios",
            "holding_statements",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # The name's uniqueness (whatever its case) is checked by the service, as on the page.
        validators: list = []
        extra_kwargs = {"name": {"validators": []}}


def _rows(data, key: str) -> list[dict] | None:
    rows = data.pop(key, None)
    if rows is None:
        return None
    if key == "holding_statements":
        return [{**row, "scenario": (row.pop("scenario", None) or {}).get("name", "")} for row in rows]
    return [dict(row) for row in rows]


class IncidentUpdateSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.display_name", read_only=True, default=None)

    class Meta:
        model = IncidentUpdate
        fields = ["id", "kind", "text", "author", "author_name", "created_at"]
        read_only_fields = fields


class CrisisIncidentSerializer(serializers.ModelSerializer):
    """An incident with its timeline. ``frozen_posts`` is the page where the CoE manager decides
    on the posts its freeze held."""

    severity = serializers.CharField(read_only=True, help_text=SEVERITIES)
    channels = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    updates = IncidentUpdateSerializer(many=True, read_only=True)
    frozen_posts = serializers.SerializerMethodField()

    class Meta:
        model = CrisisIncident
        fields = [
            "id",
            "title",
            "plan",
            "scenario",
            "severity",
            "status",
            "all_channels",
            "channels",
            "first_statement",
            "declared_by",
            "declared_at",
            "resolved_by",
            "resolved_at",
            "review_summary",
            "review_went_well",
            "review_to_improve",
            "reviewed_by",
            "reviewed_at",
            "updates",
            "frozen_posts",
        ]
        read_only_fields = fields

    def get_frozen_posts(self, incident: CrisisIncident) -> str:
        return f"{reverse('publishing:frozen_list')}?incident={incident.pk}"


class IncidentDeclareSerializer(StrictFieldsMixin, serializers.Serializer):
    title = serializers.CharField(max_length=200)
    severity = serializers.CharField(
        required=False, allow_blank=True, max_length=10, help_text=f"{SEVERITIES} Empty: the scenario's default."
    )
    first_statement = serializers.CharField()
    plan = serializers.PrimaryKeyRelatedField(queryset=CrisisPlan.objects.all(), required=False, allow_null=True)
    scenario = serializers.PrimaryKeyRelatedField(
        queryset=CrisisScenario.objects.all(), required=False, allow_null=True
    )
    all_channels = serializers.BooleanField(default=True)
    channels = serializers.PrimaryKeyRelatedField(many=True, queryset=_channel_model().objects.all(), required=False)


class IncidentUpdateInputSerializer(StrictFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[
            (IncidentUpdate.Kind.UPDATE, "Update"),
            (IncidentUpdate.Kind.DECISION, "Decision: sent to everyone involved"),
            (IncidentUpdate.Kind.STATEMENT, "Statement"),
        ],
        default=IncidentUpdate.Kind.UPDATE,
    )
    text = serializers.CharField()


class IncidentResolveInputSerializer(StrictFieldsMixin, serializers.Serializer):
    resolution = serializers.CharField(help_text="How it was resolved; it goes on the timeline.")


class IncidentReviewInputSerializer(StrictFieldsMixin, serializers.Serializer):
    summary = serializers.CharField()
    went_well = serializers.CharField(required=False, allow_blank=True, default="")
    to_improve = serializers.CharField(required=False, allow_blank=True, default="")


# --- viewsets -----------------------------------------------------------------------------------


class CrisisPlanFilter(django_filters.FilterSet):
    class Meta:
        model = CrisisPlan
        fields = ["is_active"]


class CrisisPlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Crisis plans with their scenarios, holding statements, escalation contacts and spokespeople.
    The CoE manager creates and changes them; archive with ``is_active: false``."""

    serializer_class = CrisisPlanSerializer
    queryset = CrisisPlan.objects.none()  # each request's is scoped in get_queryset
    filterset_class = CrisisPlanFilter
    search_fields = ["name", "purpose"]
    ordering_fields = ["name", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CrisisPlan.objects.none()
        _require_crisis(self.request.user)
        return selectors.plans_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        scenarios, statements = _rows(data, "scenarios"), _rows(data, "holding_statements")
        plan = services.plan_create(
            actor=self.request.user, fields=data, scenarios=scenarios or [], holding_statements=statements or []
        )
        serializer.instance = self.get_queryset().get(pk=plan.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        scenarios, statements = _rows(data, "scenarios"), _rows(data, "holding_statements")
        plan = services.plan_update(
            actor=self.request.user,
            plan=serializer.instance,
            changes=data,
            scenarios=scenarios,
            holding_statements=statements,
        )
        serializer.instance = self.get_queryset().get(pk=plan.pk)


class CrisisIncidentFilter(django_filters.FilterSet):
    declared_after = django_filters.IsoDateTimeFilter(field_name="declared_at", lookup_expr="gte")
    declared_before = django_filters.IsoDateTimeFilter(field_name="declared_at", lookup_expr="lt")

    class Meta:
        model = CrisisIncident
        fields = ["status", "severity", "plan", "declared_after", "declared_before"]


class CrisisIncidentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Crisis incidents, newest first, with their timelines. ``POST`` declares one: its channels
    (or all) are frozen at once and everyone involved is alerted."""

    serializer_class = CrisisIncidentSerializer
    queryset = CrisisIncident.objects.none()  # each request's is scoped in get_queryset
    filterset_class = CrisisIncidentFilter
    search_fields = ["title", "first_statement"]
    ordering_fields = ["declared_at", "resolved_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CrisisIncident.objects.none()
        _require_crisis(self.request.user)
        return selectors.incidents_list(user=self.request.user).prefetch_related(
            Prefetch("updates", queryset=IncidentUpdate.objects.select_related("author").order_by("created_at", "pk"))
        )

    def _present(self, incident: CrisisIncident, code=status.HTTP_200_OK) -> Response:
        incident = self.get_queryset().get(pk=incident.pk)
        return Response(self.get_serializer(incident).data, status=code)

    @extend_schema(request=IncidentDeclareSerializer, responses={201: CrisisIncidentSerializer})
    def create(self, request, *args, **kwargs):
        """Declare an incident (the CoE manager, or a spokesperson of the plan)."""
        data = IncidentDeclareSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        incident = services.incident_declare(
            actor=request.user,
            title=values["title"],
            severity=values.get("severity", ""),
            first_statement=values["first_statement"],
            plan=values.get("plan"),
            scenario=values.get("scenario"),
            all_channels=values["all_channels"],
            channels=values.get("channels", []),
        )
        return self._present(incident, status.HTTP_201_CREATED)

    @extend_schema(request=IncidentUpdateInputSerializer, responses={201: IncidentUpdateSerializer})
    @action(detail=True, methods=["post"], url_path="add-update")
    def add_update(self, request, pk=None):
        """Add an update, a decision or a statement to the timeline."""
        data = IncidentUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = services.incident_update_add(actor=request.user, incident=self.get_object(), **data.validated_data)
        return Response(IncidentUpdateSerializer(line).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=IncidentResolveInputSerializer, responses={200: CrisisIncidentSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Resolve (the CoE manager): the freeze ends; frozen posts wait for a decision each."""
        data = IncidentResolveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = services.incident_resolve(
            actor=request.user, incident=self.get_object(), resolution=data.validated_data["resolution"]
        )
        return self._present(incident)

    @extend_schema(request=IncidentReviewInputSerializer, responses={200: CrisisIncidentSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Record the post-incident review once the incident is resolved (the CoE manager)."""
        data = IncidentReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = services.incident_review_record(
            actor=request.user, incident=self.get_object(), **data.validated_data
        )
        return self._present(incident)
