"""The charter and its objectives over the API.

``/api/v1/charter-versions/``: every version for people who read the charter (drafts only for the
CoE manager); the manager creates a draft (copied from the current version), PATCHes a draft and
``approve/``s it. ``diff/?from=&to=``: each section word by word. ``/api/v1/objectives/``: read by
everyone; created, changed and deactivated (DELETE) by CoE staff. The charter and objectives look
up by version number and id.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from coe.api.serializers import StrictFieldsMixin
from coe.models import CharterVersion, Department, Objective
from coe.selectors import charter as selectors
from coe.services import charter as services

SECTION_NAMES = [name for name, _ in CharterVersion.SECTIONS]


class CharterVersionSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    approved_by_name = serializers.CharField(source="approved_by.display_name", read_only=True, default=None)

    class Meta:
        model = CharterVersion
        fields = [
            "number",
            "status",
            *SECTION_NAMES,
            "change_note",
            "approved_by",
            "approved_by_name",
            "approved_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", "status", "approved_by", "approved_at", "created_at", "updated_at"]
        extra_kwargs = {name: {"required": False} for name in SECTION_NAMES}


class SectionDiffSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    words_added = serializers.IntegerField(source="diff.words_added")
    words_removed = serializers.IntegerField(source="diff.words_removed")
    ops = serializers.SerializerMethodField()

    def get_ops(self, section) -> list[dict[str, str]]:
        return [{"op": op, "text": text} for op, text in section.diff.ops]


class CharterVersionFilter(django_filters.FilterSet):
    class Meta:
        model = CharterVersion
        fields = ["status"]


class CharterVersionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Charter versions: everyone reads; the CoE manager starts, edits and approves drafts."""

    serializer_class = CharterVersionSerializer
    filterset_class = CharterVersionFilter
    lookup_field = "number"
    ordering_fields = ["number", "approved_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.charter_versions(user=self.request.user)

    def perform_create(self, serializer):
        version = services.charter_version_start(
            actor=self.request.user, change_note=serializer.validated_data.get("change_note", "")
        )
        changes = {k: v for k, v in serializer.validated_data.items() if k in SECTION_NAMES}
        if changes:
            version = services.charter_version_update(actor=self.request.user, version=version, changes=changes)
        serializer.instance = version

    def perform_update(self, serializer):
        serializer.instance = services.charter_version_update(
            actor=self.request.user, version=serializer.instance, changes=dict(serializer.validated_data)
        )

    @extend_schema(request=None, responses=CharterVersionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, number=None):
        version = services.charter_version_approve(actor=request.user, version=self.get_object())
        return Response(CharterVersionSerializer(version, context={"request": request}).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.INT, description="The older version's number"),
            OpenApiParameter("to", OpenApiTypes.INT, description="The newer version's number"),
        ],
        responses=inline_serializer(
            "CharterDiff",
            {
                "from": serializers.IntegerField(),
                "to": serializers.IntegerField(),
                "sections": SectionDiffSerializer(many=True),
            },
        ),
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def diff(self, request):
        versions = {v.number: v for v in self.get_queryset()}
        try:
            old, new = versions[int(request.query_params["from"])], versions[int(request.query_params["to"])]
        except (KeyError, ValueError) as missing:
            raise NotFound("Give ?from= and ?to=: the numbers of two versions you can see.") from missing
        sections = selectors.charter_diff(old=old, new=new)
        return Response(
            {"from": old.number, "to": new.number, "sections": SectionDiffSerializer(sections, many=True).data}
        )


class ObjectiveSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all(), allow_null=True, required=False)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Objective
        fields = [
            "id",
            "title",
            "description",
            "owner",
            "department",
            "period_start",
            "period_end",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate(self, attrs):
        start = attrs.get("period_start", getattr(self.instance, "period_start", None))
        end = attrs.get("period_end", getattr(self.instance, "period_end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"period_end": ["The period must end on or after its start."]})
        return attrs


class ObjectiveFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__slug")

    class Meta:
        model = Objective
        fields = ["is_active", "department", "owner"]


class ObjectiveViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Objectives: everyone reads; CoE staff create and change them; DELETE deactivates (KPIs
    keep pointing at it)."""

    serializer_class = ObjectiveSerializer
    filterset_class = ObjectiveFilter
    search_fields = ["title", "description"]
    ordering_fields = ["title", "period_start", "period_end"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.objectives_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.objective_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.objective_update(
            actor=self.request.user, objective=serializer.instance, changes=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.objective_deactivate(actor=self.request.user, objective=instance)
