"""Assignments, My learning and the training report over the API.

``/api/v1/training-assignments/``: the CoE team reads and writes every assignment (with its
audience and completion); everyone else reads the live ones that apply to them, with their own due
date and standing. Changing what is assigned or to whom is refused (cancel and assign again);
``cancel`` is an action. ``/api/v1/my-learning/`` is the caller's My learning page;
``/api/v1/training-report/`` the CoE's report (CoE staff and leadership), filtered like the page.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db.models import OuterRef
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from coe.api.serializers import StrictFieldsMixin
from coe.errors import DomainError
from coe.models import Department
from coe.roles import Role
from training import permissions
from training.models import Assignment, CertificationTrack, Module, ModuleStatus
from training.selectors import assignments as selectors
from training.selectors import report as report_selectors
from training.selectors.my_learning import my_learning
from training.services import assignments as services

User = get_user_model()

STANDINGS = [(value, label) for value, label in selectors.Standing.LABELS.items()]


# --- serializers --------------------------------------------------------------------------------


class AssignedRoleField(serializers.ChoiceField):
    """A role group, named by its role's value (``liaison``, ``employee`` …)."""

    def __init__(self, **kwargs):
        super().__init__(choices=Role.choices, **kwargs)

    def to_representation(self, value):
        role = Role.from_group_name(value.name) if isinstance(value, Group) else None
        return role.value if role else super().to_representation(value)

    def to_internal_value(self, data):
        role = Role(super().to_internal_value(data))
        return Group.objects.get(name=role.group_name)


class MyStandingSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    standing = serializers.ChoiceField(choices=STANDINGS)


class AssignmentSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """An assignment: a module (slug) or a certification track (slug), to a department (slug), a
    role or one person (id), due on a date. ``audience_count``, ``completed_count`` and
    ``overdue_count`` are for the CoE team (null for others); ``mine`` is the caller's own due date
    and standing (null when it does not apply to them)."""

    module = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Module.objects.filter(status=ModuleStatus.PUBLISHED),
        allow_null=True,
        required=False,
    )
    track = serializers.SlugRelatedField(
        slug_field="slug", queryset=CertificationTrack.objects.filter(is_active=True), allow_null=True, required=False
    )
    department = serializers.SlugRelatedField(
        slug_field="slug", queryset=Department.objects.all(), allow_null=True, required=False
    )
    role = AssignedRoleField(allow_null=True, required=False)
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    days_for_newcomers = serializers.IntegerField(
        min_value=0, max_value=services.MAX_DAYS_FOR_NEWCOMERS, required=False
    )
    title = serializers.SerializerMethodField()
    audience = serializers.SerializerMethodField()
    is_live = serializers.SerializerMethodField()
    created_by = serializers.StringRelatedField(read_only=True)
    audience_count = serializers.SerializerMethodField()
    completed_count = serializers.SerializerMethodField()
    overdue_count = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "module",
            "track",
            "title",
            "department",
            "role",
            "user",
            "audience",
            "due_on",
            "days_for_newcomers",
            "note",
            "is_active",
            "is_live",
            "created_by",
            "created_at",
            "audience_count",
            "completed_count",
            "overdue_count",
            "mine",
        ]
        read_only_fields = ["id", "is_active", "created_at"]
        validators: list = []  # the service checks (one audience, one target) with people's words

    def get_title(self, assignment) -> str:
        return str(assignment.module or assignment.track)

    def get_audience(self, assignment) -> str:
        return selectors.audience_label(assignment)

    def get_is_live(self, assignment) -> bool:
        return selectors.is_live(assignment)

    def _staff_count(self, assignment, name: str) -> int | None:
        return getattr(assignment, name, None) if self.context.get("staff") else None

    @extend_schema_field(OpenApiTypes.INT)
    def get_audience_count(self, assignment) -> int | None:
        return self._staff_count(assignment, "audience_count")

    @extend_schema_field(OpenApiTypes.INT)
    def get_completed_count(self, assignment) -> int | None:
        return self._staff_count(assignment, "completed_count")

    @extend_schema_field(OpenApiTypes.INT)
    def get_overdue_count(self, assignment) -> int | None:
        return self._staff_count(assignment, "overdue_count")

    @extend_schema_field(MyStandingSerializer(allow_null=True))
    def get_mine(self, assignment):
        standing = self.context.get("mine", {}).get(assignment.pk)
        return MyStandingSerializer(standing).data if standing else None


class AssignmentChangeSerializer(StrictFieldsMixin, serializers.Serializer):
    """What may change on an assignment; anything else is refused by the service."""

    due_on = serializers.DateField(required=False)
    days_for_newcomers = serializers.IntegerField(
        min_value=0, max_value=services.MAX_DAYS_FOR_NEWCOMERS, required=False
    )
    note = serializers.CharField(max_length=300, allow_blank=True, required=False)

    FIXED = frozenset({"module", "track", "department", "role", "user"})

    def to_internal_value(self, data):
        fixed = sorted(self.FIXED & set(getattr(data, "keys", list)()))
        if fixed:
            message = "What is assigned and to whom cannot change; cancel this assignment and make a new one."
            raise DomainError(message, code="invalid", fields={name: [message] for name in fixed})
        return super().to_internal_value(data)


class CancelSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")


class PersonStandingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="person.pk")
    name = serializers.CharField(source="person.display_name")
    username = serializers.CharField(source="person.username")
    departments = serializers.CharField()
    due_on = serializers.DateField()
    standing = serializers.ChoiceField(choices=STANDINGS, source="status")
    reminded_due_soon = serializers.DateTimeField(allow_null=True)
    reminded_overdue = serializers.DateTimeField(allow_null=True)


class PeoplePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = PersonStandingSerializer(many=True)


# --- My learning ----------------------------------------------------------------------------------


class LearningModuleSerializer(serializers.Serializer):
    slug = serializers.CharField(source="module.slug")
    title = serializers.CharField(source="module.title")
    level = serializers.CharField(source="module.level", help_text="foundation, intermediate or advanced")
    url = serializers.CharField(source="module.get_absolute_url")
    lessons_read = serializers.IntegerField(source="entry.lessons_read")
    lessons_total = serializers.IntegerField(source="entry.lessons_total")
    passed = serializers.BooleanField()
    percent = serializers.IntegerField()
    progress = serializers.CharField(
        source="state", help_text="passed, locked, in_quiz, no_attempts, cooldown, failed, quiz, started or new"
    )
    progress_label = serializers.CharField(source="state_label")


class AssignedSerializer(serializers.Serializer):
    target_type = serializers.ChoiceField(
        choices=[("module", "Module"), ("track", "Certification track")], source="item.kind"
    )
    slug = serializers.CharField(source="item.target.slug")
    title = serializers.CharField(source="item.target")
    url = serializers.CharField(source="item.target.get_absolute_url")
    due_on = serializers.DateField(source="item.due_on")
    standing = serializers.ChoiceField(choices=STANDINGS, source="item.status")
    percent = serializers.IntegerField()
    notes = serializers.ListField(child=serializers.CharField(), source="item.notes")
    module = LearningModuleSerializer(allow_null=True)
    modules = LearningModuleSerializer(many=True, source="track_modules")


class LearningTrackSerializer(serializers.Serializer):
    slug = serializers.CharField(source="track.slug")
    name = serializers.CharField(source="track.name")
    url = serializers.CharField(source="track.get_absolute_url")
    progress = serializers.CharField(
        source="state", help_text="certified, renewal_due, expired, revoked, in_progress or not_started"
    )
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()


class LearningCertificateSerializer(serializers.Serializer):
    track = serializers.CharField(source="certificate.track.name")
    code = serializers.CharField(source="certificate.code")
    issued_at = serializers.DateTimeField(source="certificate.issued_at")
    expires_at = serializers.DateTimeField(source="certificate.expires_at")
    certificate_state = serializers.CharField(
        source="state", help_text="valid, expiring (within 30 days), expired or revoked"
    )
    url = serializers.SerializerMethodField()

    def get_url(self, row) -> str:
        from django.urls import reverse

        return reverse("training:certificate_detail", kwargs={"code": row.certificate.code})


class LevelGroupSerializer(serializers.Serializer):
    level = serializers.CharField()
    modules = LearningModuleSerializer(many=True)


class MyLearningSerializer(serializers.Serializer):
    assigned = AssignedSerializer(many=True)
    optional = LevelGroupSerializer(many=True)
    tracks = LearningTrackSerializer(many=True)
    certificates = LearningCertificateSerializer(many=True)


# --- the report -----------------------------------------------------------------------------------


class ReportSummarySerializer(serializers.Serializer):
    people = serializers.IntegerField()
    with_assigned_training = serializers.IntegerField(source="assigned")
    up_to_date = serializers.IntegerField()
    completion_percent = serializers.IntegerField(source="completion", allow_null=True)
    overdue_people = serializers.IntegerField(source="overdue")
    attempts = serializers.IntegerField()
    passed_attempts = serializers.IntegerField()
    pass_rate_percent = serializers.IntegerField(source="pass_rate", allow_null=True)
    average_score = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class ReportAssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="assignment.pk")
    title = serializers.SerializerMethodField()
    target_type = serializers.SerializerMethodField()
    audience = serializers.CharField(source="audience_label")
    due_on = serializers.DateField(source="assignment.due_on")
    people = serializers.IntegerField(source="audience")
    completed = serializers.IntegerField()
    completion_percent = serializers.IntegerField(source="completion", allow_null=True)
    overdue = serializers.IntegerField()

    def get_title(self, row) -> str:
        return str(row.assignment.module or row.assignment.track)

    def get_target_type(self, row) -> str:
        return "module" if row.assignment.module_id else "track"


class ReportModuleSerializer(serializers.Serializer):
    slug = serializers.CharField(source="module.slug")
    title = serializers.CharField(source="module.title")
    learners = serializers.IntegerField()
    passed_people = serializers.IntegerField()
    assigned_people = serializers.IntegerField(source="assigned")
    assigned_completed = serializers.IntegerField(source="assigned_done")
    completion_percent = serializers.IntegerField(source="completion", allow_null=True)
    attempts = serializers.IntegerField()
    passed_attempts = serializers.IntegerField()
    average_score = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    pass_rate_percent = serializers.IntegerField(source="pass_rate", allow_null=True)
    first_attempts = serializers.IntegerField()
    first_attempt_pass_rate_percent = serializers.IntegerField(source="first_pass_rate", allow_null=True)


class ReportDepartmentSerializer(serializers.Serializer):
    slug = serializers.CharField(source="department.slug")
    name = serializers.CharField(source="department.name")
    people = serializers.IntegerField(source="members")
    with_assigned_training = serializers.IntegerField(source="assigned")
    up_to_date = serializers.IntegerField()
    completion_percent = serializers.IntegerField(source="completion", allow_null=True)
    overdue_people = serializers.IntegerField(source="overdue")
    attempts = serializers.IntegerField()
    average_score = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    pass_rate_percent = serializers.IntegerField(source="pass_rate", allow_null=True)


class ReportQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="question_id")
    text = serializers.CharField()
    module = serializers.CharField(source="module_slug")
    module_title = serializers.CharField()
    answered = serializers.IntegerField()
    correct = serializers.IntegerField()
    correct_rate_percent = serializers.IntegerField(source="correct_rate", allow_null=True)


class ReportOverdueSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="person.pk")
    name = serializers.CharField(source="person.display_name")
    departments = serializers.CharField()
    overdue_trainings = serializers.IntegerField(source="overdue_count")
    first_overdue = serializers.CharField(source="what")
    was_due_on = serializers.DateField(source="due_on", allow_null=True)


class ReportFiltersSerializer(serializers.Serializer):
    department = serializers.CharField()
    module = serializers.CharField()
    track = serializers.CharField()
    period = serializers.CharField()


class TrainingReportSerializer(serializers.Serializer):
    filters = serializers.SerializerMethodField()
    generated_at = serializers.DateTimeField()
    summary = ReportSummarySerializer()
    assignments = ReportAssignmentSerializer(many=True)
    modules = ReportModuleSerializer(many=True)
    departments = ReportDepartmentSerializer(many=True)
    hardest_questions = ReportQuestionSerializer(many=True, source="questions")
    overdue_people = ReportOverdueSerializer(many=True, source="overdue")
    overdue_total = serializers.IntegerField()

    @extend_schema_field(ReportFiltersSerializer)
    def get_filters(self, report) -> dict:
        return report.filters.as_query()


# --- viewsets -------------------------------------------------------------------------------------


class AssignmentFilter(django_filters.FilterSet):
    module = django_filters.CharFilter(field_name="module__slug")
    track = django_filters.CharFilter(field_name="track__slug")
    department = django_filters.CharFilter(field_name="department__slug")
    active = django_filters.BooleanFilter(field_name="is_active")

    class Meta:
        model = Assignment
        fields = ["module", "track", "department", "active"]


def _standings_for(user, assignments) -> dict[int, dict]:
    """The caller's own due date and standing on each assignment that applies to them (one query)."""
    now = timezone.now()
    done = selectors.done_q(person=user.pk, module=OuterRef("module_id"), track=OuterRef("track_id"), now=now)
    applying = dict(
        selectors.assignments_applying_to(user=user)
        .filter(pk__in=[a.pk for a in assignments])
        .annotate(is_done=done)
        .values_list("pk", "is_done")
    )
    today = timezone.localdate(now)
    result = {}
    for assignment in assignments:
        if assignment.pk not in applying:
            continue
        due = selectors.personal_due_on(assignment, user)
        standing = selectors.standing_of(done=applying[assignment.pk], due_on=due, today=today)
        result[assignment.pk] = {"due_on": due, "standing": standing}
    return result


class AssignmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Training assignments: every one (with audience and completion) for the CoE team; the live
    ones that apply to the caller for everyone else, with ``mine``. POST assigns (CoE staff), PATCH
    changes the due date, newcomers' days or note, ``cancel`` cancels; ``people`` lists who stands
    where (CoE staff)."""

    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    search_fields = ["module__title", "track__name", "note"]
    ordering_fields = ["due_on", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = Assignment.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        user = self.request.user
        assignments = selectors.assignments_visible_to(user).select_related(
            "module", "track", "department", "role", "user", "created_by"
        )
        if permissions.can_view_all_assignments(user):
            assignments = selectors.with_completion(assignments)
        return assignments.order_by("-is_active", "due_on", "pk")

    def _context_for(self, assignments) -> dict:
        user = self.request.user
        return {
            **self.get_serializer_context(),
            "staff": permissions.can_view_all_assignments(user),
            "mine": _standings_for(user, assignments),
        }

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        data = AssignmentSerializer(rows, many=True, context=self._context_for(rows)).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def _respond(self, assignment, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=assignment.pk)
        return Response(AssignmentSerializer(fresh, context=self._context_for([fresh])).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        return self._respond(self.get_object())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        assignment = services.assignment_create(actor=request.user, **data)
        return self._respond(assignment, status.HTTP_201_CREATED)

    @extend_schema(request=AssignmentChangeSerializer, responses={200: AssignmentSerializer})
    def partial_update(self, request, *args, **kwargs):
        assignment = self.get_object()
        serializer = AssignmentChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = services.assignment_update(
            actor=request.user, assignment=assignment, changes=serializer.validated_data
        )
        return self._respond(assignment)

    @extend_schema(request=CancelSerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel an assignment: nobody is asked or reminded any more; the people who had not
        completed it are told."""
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = services.assignment_cancel(
            actor=request.user, assignment=self.get_object(), reason=serializer.validated_data.get("reason", "")
        )
        return self._respond(assignment)

    @extend_schema(
        parameters=[
            OpenApiParameter("standing", str, enum=["done", "open", "overdue"], description="Narrow the people."),
            OpenApiParameter("page", int),
        ],
        responses={200: PeoplePageSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def people(self, request, pk=None):
        """The people the assignment applies to today with their due date and standing (CoE
        staff), 50 a page."""
        if not permissions.can_view_all_assignments(request.user):
            raise PermissionDenied("Who stands where on an assignment is for the CoE team.")
        assignment = self.get_object()
        standing = request.query_params.get("standing", "")
        people = selectors.people_standing(user=request.user, assignment=assignment, status=standing)
        page = Paginator(people, 50).get_page(request.query_params.get("page"))
        return Response(
            PeoplePageSerializer(
                {
                    "count": page.paginator.count,
                    "page": page.number,
                    "pages": page.paginator.num_pages,
                    "results": selectors.standing_rows(assignment, page),
                }
            ).data
        )


class MyLearningViewSet(viewsets.GenericViewSet):
    """The caller's My learning: assigned training first (due date, standing, progress), then the
    optional modules by level, the certification tracks not assigned, and their certificates."""

    serializer_class = MyLearningSerializer
    pagination_class = None
    filterset_class = None
    queryset = Assignment.objects.none()  # built by training.selectors.my_learning

    @extend_schema(responses={200: MyLearningSerializer}, filters=False)
    def list(self, request, *args, **kwargs):
        learning = my_learning(user=request.user)
        return Response(
            MyLearningSerializer(
                {
                    "assigned": learning.assigned,
                    "optional": [{"level": level, "modules": cards} for level, cards in learning.catalogue],
                    "tracks": learning.tracks,
                    "certificates": learning.certificates,
                }
            ).data
        )


class TrainingReportViewSet(viewsets.GenericViewSet):
    """The CoE's training report (CoE staff and leadership): completion and overdue people per
    assignment, module and department; average score and pass rates; the hardest questions; the
    overdue people (the 100 longest overdue, with the total)."""

    serializer_class = TrainingReportSerializer
    pagination_class = None
    filterset_class = None
    queryset = Assignment.objects.none()  # built by training.selectors.report

    @extend_schema(
        parameters=[
            OpenApiParameter("department", str, description="A department's slug: its members only."),
            OpenApiParameter("module", str, description="A module's slug."),
            OpenApiParameter("track", str, description="A certification track's slug: its modules and assignments."),
            OpenApiParameter(
                "period",
                str,
                enum=[value for value, _ in report_selectors.PERIODS if value],
                description="Attempts of the last 30, 90 or 365 days (default: all time).",
            ),
        ],
        responses={200: TrainingReportSerializer},
        filters=False,
    )
    def list(self, request, *args, **kwargs):
        user = request.user
        if not permissions.can_view_report(user):
            raise PermissionDenied(report_selectors.REPORT_AUDIENCE)
        filters = report_selectors.filters_from(request.query_params, user=user)
        report = report_selectors.training_report(user=user, filters=filters)
        return Response(TrainingReportSerializer(report).data)
