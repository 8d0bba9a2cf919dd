"""The steering committee and the department directory's figures over the API.

``/api/v1/steering-members/`` and ``/api/v1/steering-meetings/`` (with decisions, attendance and
action items): CoE staff write, leadership reads, everyone else sees nothing (404).
``/api/v1/action-items/``: CoE staff and leadership read all, others their own; CoE staff write;
an item's owner may PATCH ``status`` only. ``/api/v1/department-insights/``: each department's
figures (the directory's), for CoE staff and leadership.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from coe import permissions
from coe.api.serializers import StrictFieldsMixin
from coe.models import (
    ActionItem,
    Department,
    SteeringAttendance,
    SteeringDecision,
    SteeringMeeting,
    SteeringMember,
)
from coe.selectors import steering as selectors
from coe.selectors.directory import FIGURE_KEYS, department_directory
from coe.services import steering as services

User = get_user_model()


# --- serializers --------------------------------------------------------------------------------


class SteeringMemberSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    user_name = serializers.CharField(source="user.display_name", read_only=True)
    department = serializers.SlugRelatedField(
        slug_field="slug", queryset=Department.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = SteeringMember
        fields = ["id", "user", "user_name", "department", "title", "is_chair", "joined_on", "left_on"]
        read_only_fields = ["id", "left_on"]
        validators: list = []  # one open seat per person: the service says so, with its message


class LeaveSerializer(serializers.Serializer):
    left_on = serializers.DateField(required=False)


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SteeringDecision
        fields = ["id", "text", "created_at"]
        read_only_fields = ["id", "created_at"]


class AttendanceSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = SteeringAttendance
        fields = ["user", "user_name", "status"]


class AttendanceInputSerializer(serializers.Serializer):
    attendance = AttendanceSerializer(many=True)


class ActionItemSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    department = serializers.SlugRelatedField(
        slug_field="slug", queryset=Department.objects.all(), allow_null=True, required=False
    )
    meeting = serializers.PrimaryKeyRelatedField(
        queryset=SteeringMeeting.objects.all(), allow_null=True, required=False
    )
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "title",
            "detail",
            "owner",
            "owner_name",
            "department",
            "meeting",
            "due_on",
            "status",
            "is_overdue",
            "completed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "completed_at", "created_at", "updated_at"]

    def get_is_overdue(self, item: ActionItem) -> bool:
        return item.status in ActionItem.OPEN_STATUSES and item.due_on < timezone.localdate()


class SteeringMeetingSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    decisions = DecisionSerializer(many=True, read_only=True)
    attendance = AttendanceSerializer(many=True, read_only=True)
    action_items = ActionItemSerializer(many=True, read_only=True)

    class Meta:
        model = SteeringMeeting
        fields = [
            "id",
            "series",
            "scheduled_at",
            "status",
            "agenda",
            "minutes",
            "decisions",
            "attendance",
            "action_items",
        ]
        read_only_fields = ["id", "series"]


class DepartmentFactSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.JSONField(allow_null=True)
    display = serializers.CharField()


class DepartmentInsightSerializer(serializers.Serializer):
    slug = serializers.CharField(source="department.slug")
    name = serializers.CharField(source="department.name")
    liaisons = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()
    open_action_items = serializers.IntegerField(source="open_items")
    overdue_action_items = serializers.IntegerField(source="overdue_items")
    warnings = serializers.ListField(child=serializers.CharField())

    def get_liaisons(self, row) -> list[str]:
        return [person.display_name for person in row.liaisons]

    @extend_schema_field(DepartmentFactSerializer(many=True))
    def get_figures(self, row) -> list[dict]:
        return [
            {"key": fact.key, "label": fact.label, "value": fact.value, "display": fact.display}
            for key in FIGURE_KEYS
            if (fact := row.facts.get(key)) is not None
        ]


# --- filters ------------------------------------------------------------------------------------


class SteeringMemberFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__slug")
    current = django_filters.BooleanFilter(field_name="left_on", lookup_expr="isnull")

    class Meta:
        model = SteeringMember
        fields = ["department", "current", "is_chair"]


class SteeringMeetingFilter(django_filters.FilterSet):
    after = django_filters.IsoDateTimeFilter(field_name="scheduled_at", lookup_expr="gte")
    before = django_filters.IsoDateTimeFilter(field_name="scheduled_at", lookup_expr="lt")

    class Meta:
        model = SteeringMeeting
        fields = ["status", "after", "before"]


class ActionItemFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__slug")
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = ActionItem
        fields = ["status", "owner", "department", "meeting", "overdue"]

    def filter_overdue(self, queryset, name, value):
        late = {"status__in": ActionItem.OPEN_STATUSES, "due_on__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)


# --- viewsets -----------------------------------------------------------------------------------


class SteeringMemberViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Seats on the steering committee (past ones too: filter ``current=true``)."""

    serializer_class = SteeringMemberSerializer
    filterset_class = SteeringMemberFilter
    ordering_fields = ["joined_on"]

    def get_queryset(self):
        return selectors.steering_members(user=self.request.user, current=False)

    def perform_create(self, serializer):
        serializer.instance = services.steering_member_add(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=LeaveSerializer, responses=SteeringMemberSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        member = self.get_object()
        data = LeaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.steering_member_leave(actor=request.user, member=member, **data.validated_data)
        return Response(SteeringMemberSerializer(member).data)


class SteeringMeetingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Meetings with their decisions, attendance and action items."""

    serializer_class = SteeringMeetingSerializer
    filterset_class = SteeringMeetingFilter
    ordering_fields = ["scheduled_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.steering_meetings(user=self.request.user).prefetch_related(
            "decisions", "attendance__user", "action_items__owner", "action_items__department"
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.steering_meeting_create(
            actor=self.request.user, scheduled_at=data["scheduled_at"], agenda=data.get("agenda", "")
        )

    def perform_update(self, serializer):
        serializer.instance = services.steering_meeting_update(
            actor=self.request.user, meeting=serializer.instance, changes=serializer.validated_data
        )

    def _fresh(self, pk):
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=DecisionSerializer, responses=SteeringMeetingSerializer)
    @action(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        meeting = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.steering_decision_add(actor=request.user, meeting=meeting, text=data.validated_data["text"])
        return self._fresh(meeting.pk)

    @extend_schema(request=AttendanceInputSerializer, responses=SteeringMeetingSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        meeting = self.get_object()
        data = AttendanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        statuses = {row["user"].pk: row["status"] for row in data.validated_data["attendance"]}
        services.steering_attendance_set(actor=request.user, meeting=meeting, statuses=statuses)
        return self._fresh(meeting.pk)


class ActionItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Action items. The owner may PATCH ``status`` only; CoE staff change everything."""

    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    search_fields = ["title", "detail"]
    ordering_fields = ["due_on", "status", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.action_items(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("status", None)
        serializer.instance = services.action_item_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        serializer.instance = services.action_item_update(
            actor=self.request.user, item=serializer.instance, changes=serializer.validated_data
        )


class DepartmentInsightViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Each department's figures as the directory shows them (CoE staff and leadership).
    ``?sort=policy_ack_pct`` (or ``-policy_ack_pct``) orders them like the page's columns."""

    serializer_class = DepartmentInsightSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return Department.objects.none()  # for the schema; list() reads the directory

    def list(self, request, *args, **kwargs):
        if not permissions.can_view_department_insights(request.user):
            raise PermissionDenied("Only the CoE and leadership see the departments' figures.")
        directory = department_directory(user=request.user, sort=request.query_params.get("sort", "name"))
        return Response(self.get_serializer(directory.rows, many=True).data)
