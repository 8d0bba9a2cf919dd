"""Policies, their versions and acknowledgments over the API, and the compliance report.

Reads follow the pages' visibility (published policies for everyone, drafts for the CoE and a
policy's owner); writes and every transition (publish, retire, acknowledge) call the same
services as the pages."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from coe.api.serializers import StrictFieldsMixin
from coe.errors import DomainError
from coe.models import Department
from coe.roles import ROLE_GROUP_NAMES, Role
from governance import permissions
from governance.models import Acknowledgment, Policy, PolicyVersion
from governance.policy_text import diff_as_html, diff_texts, rendered
from governance.selectors import policies as selectors
from governance.services import policies as services

# --- serializers --------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "enum": [role.value for role in Role]})
class RoleField(serializers.RelatedField):
    """A role group, named by its role's value (``liaison``, ``employee`` …)."""

    default_error_messages = {"unknown": "“{value}” is not a role; use one of: {roles}."}

    def get_queryset(self):
        return Group.objects.filter(name__in=ROLE_GROUP_NAMES)

    def to_representation(self, value):
        role = Role.from_group_name(value.name)
        return role.value if role else value.name

    def to_internal_value(self, data):
        try:
            role = Role(data)
        except ValueError:
            self.fail("unknown", value=data, roles=", ".join(Role.values))
        return self.get_queryset().get(name=role.group_name)


class MyStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["acknowledged", "pending", "overdue", "not_in_audience"])
    due_on = serializers.DateField(allow_null=True)
    acknowledged_version = serializers.IntegerField(allow_null=True, source="acknowledged_number")
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class PolicySerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A policy's settings, the number of its published version and of the version people must
    accept, and the caller's own standing. ``body`` (write-only, on create) is its first draft."""

    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), allow_null=True, required=False
    )
    owner_name = serializers.CharField(source="owner.display_name", read_only=True, default=None)
    audience_departments = serializers.SlugRelatedField(
        slug_field="slug", queryset=Department.objects.all(), many=True, required=False
    )
    audience_roles = RoleField(many=True, required=False)
    current_version = serializers.IntegerField(source="current_version.number", read_only=True, default=None)
    acknowledgment_version = serializers.IntegerField(
        source="acknowledgment_version.number", read_only=True, default=None
    )
    my_status = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    body = serializers.CharField(
        write_only=True, required=False, allow_blank=True, style={"base_template": "textarea.html"}
    )

    class Meta:
        model = Policy
        fields = [
            "id",
            "slug",
            "title",
            "category",
            "summary",
            "owner",
            "owner_name",
            "review_due_on",
            "audience_everyone",
            "audience_departments",
            "audience_roles",
            "acknowledge_within_days",
            "current_version",
            "acknowledgment_version",
            "my_status",
            "url",
            "body",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "slug", "created_at", "updated_at"]
        validators: list = []
        extra_kwargs = {"title": {"required": False}}

    @extend_schema_field(MyStatusSerializer(allow_null=True))
    def get_my_status(self, policy):
        statuses = self.context.get("statuses")
        row = statuses.get(policy.pk) if statuses is not None else None
        return MyStatusSerializer(row).data if row is not None else None


class PolicyVersionSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A version: its Markdown ``body`` and, read-only, the sanitized ``body_html`` and the clauses
    (headings with the anchors rules link to). Only drafts change."""

    policy = serializers.SlugRelatedField(slug_field="slug", queryset=Policy.objects.none())
    body_html = serializers.SerializerMethodField()
    clauses = serializers.SerializerMethodField()
    body = serializers.CharField(required=False, style={"base_template": "textarea.html"})

    class Meta:
        model = PolicyVersion
        fields = [
            "id",
            "policy",
            "number",
            "status",
            "body",
            "body_html",
            "clauses",
            "change_summary",
            "requires_acknowledgment",
            "effective_on",
            "created_by",
            "created_at",
            "published_by",
            "published_at",
            "retired_at",
        ]
        read_only_fields = [
            "id",
            "number",
            "status",
            "created_by",
            "created_at",
            "published_by",
            "published_at",
            "retired_at",
        ]
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["policy"].queryset = permissions.policies_visible_to(request.user)

    @extend_schema_field(OpenApiTypes.STR)
    def get_body_html(self, version) -> str:
        return str(rendered(version).html)

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"anchor": {"type": "string"}, "title": {"type": "string"}, "level": {"type": "integer"}},
            },
        }
    )
    def get_clauses(self, version) -> list:
        return [vars(clause) for clause in rendered(version).clauses]


class AcknowledgmentSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.display_name", read_only=True)
    policy = serializers.SlugRelatedField(source="version.policy", slug_field="slug", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Acknowledgment
        fields = ["id", "user", "user_name", "policy", "version", "version_number", "acknowledged_at"]
        read_only_fields = fields


class DiffSerializer(serializers.Serializer):
    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    words_added = serializers.IntegerField()
    words_removed = serializers.IntegerField()
    html = serializers.CharField()


class DepartmentCompletionSerializer(serializers.Serializer):
    department = serializers.CharField()
    department_slug = serializers.CharField()
    audience = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    pending = serializers.IntegerField()
    overdue = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class PolicyCompletionSerializer(serializers.Serializer):
    policy = serializers.CharField(source="policy.slug")
    title = serializers.CharField(source="policy.title")
    version_to_accept = serializers.IntegerField(source="policy.acknowledgment_version.number")
    current_version = serializers.IntegerField(source="policy.current_version.number")
    audience = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    pending = serializers.IntegerField()
    overdue = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)
    departments = DepartmentCompletionSerializer(many=True)


# --- viewsets -----------------------------------------------------------------------------------


class PolicyFilter(django_filters.FilterSet):
    published = django_filters.BooleanFilter(field_name="current_version", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Policy
        fields = ["category", "audience_everyone", "published"]


class PolicyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Policies the caller may see, with their own standing (``my_status``). The CoE creates and
    changes them; a policy's owner may change its summary and next review date."""

    serializer_class = PolicySerializer
    filterset_class = PolicyFilter
    search_fields = ["title", "summary"]
    ordering_fields = ["title", "review_due_on", "created_at"]
    lookup_field = "slug"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            permissions.policies_visible_to(self.request.user)
            .select_related("current_version", "acknowledgment_version", "owner")
            .prefetch_related("audience_departments", "audience_roles")
            .order_by("title")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False) or self.request is None:
            return context
        if self.request.method == "GET" and self.request.user.is_authenticated:
            context["statuses"] = {row.policy.pk: row for row in selectors.policies_for_person(user=self.request.user)}
        return context

    def _respond(self, policy, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=policy.pk)
        context = {
            **self.get_serializer_context(),
            "statuses": {row.policy.pk: row for row in selectors.policies_for_person(user=self.request.user)},
        }
        return Response(PolicySerializer(fresh, context=context).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        body = data.pop("body", "")
        policy = services.policy_create(actor=request.user, fields=data, body=body)
        return self._respond(policy, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        policy = self.get_object()
        serializer = self.get_serializer(policy, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "body" in data:
            raise DomainError(
                "A policy's text lives in its versions: start a draft (POST /api/v1/policy-versions/) and edit it.",
                code="invalid",
                fields={"body": ["Edit the text through a draft version."]},
            )
        policy = services.policy_update(actor=request.user, policy=policy, changes=data)
        return self._respond(policy)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, description="The older version's number (default: the one before `to`)."),
            OpenApiParameter("to", int, description="The newer version's number (default: the current one)."),
        ],
        responses={200: DiffSerializer},
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, slug=None):
        """What changed between two versions: word counts and the diff as HTML (<ins>/<del>)."""
        policy = self.get_object()
        versions = {v.number: v for v in permissions.versions_visible_to(request.user).filter(policy=policy)}

        def pick(name, default):
            raw = request.query_params.get(name)
            if raw in (None, ""):
                return default
            if not raw.isdigit() or int(raw) not in versions:
                raise DomainError(
                    f"{policy} has no version {raw} you may see.", code="invalid", fields={name: ["Unknown."]}
                )
            return versions[int(raw)]

        newest = policy.current_version or (versions[max(versions)] if versions else None)
        newer = pick("to", newest)
        if newer is None:
            raise DomainError(f"{policy} has no versions yet.", code="invalid")
        older_numbers = [n for n in versions if n < newer.number]
        older = pick("from", versions[max(older_numbers)] if older_numbers else None)
        if older is None:
            raise DomainError(
                f"{newer.label} is the first version: there is nothing to compare it with.", code="invalid"
            )
        diff = diff_texts(older.body, newer.body)
        return Response(
            DiffSerializer(
                {
                    "from_version": older.number,
                    "to_version": newer.number,
                    "words_added": diff.words_added,
                    "words_removed": diff.words_removed,
                    "html": diff_as_html(diff),
                }
            ).data
        )


class PolicyVersionFilter(django_filters.FilterSet):
    policy = django_filters.CharFilter(field_name="policy__slug")

    class Meta:
        model = PolicyVersion
        fields = ["policy", "status", "requires_acknowledgment"]


class PolicyVersionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Versions of the policies the caller may see (drafts for the CoE and the policy's owner).
    POST starts the next draft from the current text (optionally with changes); PATCH and DELETE
    work on drafts only; ``publish`` and ``retire`` are the CoE manager's; anyone the policy
    applies to may ``acknowledge`` its published version."""

    serializer_class = PolicyVersionSerializer
    filterset_class = PolicyVersionFilter
    ordering_fields = ["number", "published_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return (
            permissions.versions_visible_to(self.request.user)
            .select_related("policy")
            .order_by("policy__title", "-number")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        policy = data.pop("policy")
        version = services.policy_version_draft(actor=request.user, policy=policy)
        if data:
            version = services.policy_version_update(actor=request.user, version=version, changes=data)
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        version = self.get_object()
        serializer = self.get_serializer(version, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "policy" in data:
            raise DomainError("A version stays with its policy.", code="invalid", fields={"policy": ["Read-only."]})
        version = services.policy_version_update(actor=request.user, version=version, changes=data)
        return Response(self.get_serializer(version).data)

    def perform_destroy(self, instance):
        services.policy_version_delete(actor=self.request.user, version=instance)

    @extend_schema(request=None, responses={200: PolicyVersionSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a draft; the previous version is retired. If it requires acknowledgment, the
        audience is asked to accept it."""
        version = services.policy_version_publish(actor=request.user, version=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=version.pk)).data)

    @extend_schema(request=None, responses={200: PolicyVersionSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        """Withdraw the published version (the policy then has none until a new one is published)."""
        version = services.policy_version_retire(actor=request.user, version=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=version.pk)).data)

    @extend_schema(request=None, responses={201: AcknowledgmentSerializer, 200: AcknowledgmentSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """“I have read and accept” this published version: 201 the first time, 200 (the same
        record) after that."""
        outcome = services.acknowledgment_record(actor=request.user, version=self.get_object())
        acknowledgment = Acknowledgment.objects.select_related("user", "version__policy").get(
            pk=outcome.acknowledgment.pk
        )
        return Response(
            AcknowledgmentSerializer(acknowledgment).data,
            status=status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK,
        )


class AcknowledgmentFilter(django_filters.FilterSet):
    policy = django_filters.CharFilter(field_name="version__policy__slug")
    since = django_filters.IsoDateTimeFilter(field_name="acknowledged_at", lookup_expr="gte")

    class Meta:
        model = Acknowledgment
        fields = ["policy", "version", "user", "since"]


class AcknowledgmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Who accepted which version, when: your own; everyone's for the CoE and leadership.
    Records are never changed or removed; accept through ``policy-versions/{id}/acknowledge/``."""

    serializer_class = AcknowledgmentSerializer
    filterset_class = AcknowledgmentFilter
    ordering_fields = ["acknowledged_at"]

    def get_queryset(self):
        return selectors.acknowledgments_of(user=self.request.user).order_by("-acknowledged_at", "-id")


class PolicyComplianceViewSet(viewsets.GenericViewSet):
    """Completion per published policy that asks for acceptance, with its departments (lowest
    first). ``?policy=<slug>`` for one."""

    serializer_class = PolicyCompletionSerializer
    pagination_class = None
    queryset = Policy.objects.none()  # the report is built by governance.selectors.policies
    filterset_class = None

    @extend_schema(
        parameters=[OpenApiParameter("policy", str, description="One policy's slug.")],
        responses=PolicyCompletionSerializer(many=True),
    )
    def list(self, request, *args, **kwargs):
        user = request.user
        if not permissions.can_view_compliance(user):
            raise PermissionDenied("The compliance report is for the CoE team and leadership.")
        policies = selectors.policies_with_published_acknowledgment(user=user)
        wanted = request.query_params.get("policy")
        if wanted:
            policies = [get_object_or_404(policies, slug=wanted)]
        rows = []
        for policy in policies:
            completion = selectors.policy_completion(user=user, policy=policy)
            if completion is None:
                continue
            completion.departments = selectors.completion_by_department(user=user, policy=policy)
            rows.append(completion)
        return Response(PolicyCompletionSerializer(rows, many=True).data)
