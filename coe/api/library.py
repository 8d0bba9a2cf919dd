"""The best-practice library over the API.

``/api/v1/practices/``: what the caller sees (approved practices; their own submissions; everything
for the CoE), ``?search=`` full-text (ranked on Postgres), filters ``tag``, ``department``, ``kind``,
``channel``, ``status``, ``sort`` (featured / votes / newest); POST submits (multipart for
attachments). Actions: ``vote/``, ``unvote/``, ``adopt/`` (everyone), ``approve/``, ``decline/``,
``feature/``, ``tags/`` (the CoE). ``/api/v1/practice-tags/``: read by everyone, created by the CoE.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from coe import permissions
from coe.api.serializers import StrictFieldsMixin
from coe.models import Department, Practice, PracticeTag
from coe.selectors import library as selectors
from coe.services import library as services


class PracticeTagSerializer(serializers.ModelSerializer):
    class Meta:
        model = PracticeTag
        fields = ["id", "name", "slug"]
        read_only_fields = ["id", "slug"]


class PracticeSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    department = serializers.SlugRelatedField(
        slug_field="slug", queryset=Department.objects.all(), allow_null=True, required=False
    )
    tags = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    vote_count = serializers.IntegerField(read_only=True, default=0)
    adoption_count = serializers.IntegerField(read_only=True, default=0)
    voted = serializers.BooleanField(read_only=True, default=False)
    attachments = serializers.ListField(child=serializers.FileField(), write_only=True, required=False)
    attachment_urls = serializers.SerializerMethodField()

    class Meta:
        model = Practice
        fields = [
            "id",
            "title",
            "kind",
            "department",
            "channel",
            "summary",
            "what_was_done",
            "results",
            "status",
            "is_featured",
            "tags",
            "curator_note",
            "vote_count",
            "adoption_count",
            "voted",
            "attachments",
            "attachment_urls",
            "created_at",
        ]
        read_only_fields = ["id", "status", "is_featured", "curator_note", "created_at"]

    def get_attachment_urls(self, practice) -> list[dict[str, str]]:
        from django.urls import reverse

        return [
            {"name": a.name, "url": reverse("coe:practice_attachment", args=[practice.pk, a.pk])}
            for a in practice.attachments.all()
        ]


class DeclineSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300)


class FeatureSerializer(serializers.Serializer):
    featured = serializers.BooleanField(default=True)


class TagsSerializer(serializers.Serializer):
    tags = serializers.ListField(child=serializers.CharField(max_length=60))


class AdoptSerializer(serializers.Serializer):
    department = serializers.SlugRelatedField(
        slug_field="slug", queryset=Department.objects.all(), required=False, allow_null=True
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class VoteResultSerializer(serializers.Serializer):
    voted = serializers.BooleanField()
    vote_count = serializers.IntegerField()


LIST_PARAMETERS = [
    OpenApiParameter("search", OpenApiTypes.STR, description="Full-text search (ranked on Postgres)"),
    OpenApiParameter("tag", OpenApiTypes.STR, description="A tag's slug"),
    OpenApiParameter("department", OpenApiTypes.STR, description="A department's slug"),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=[k for k, _ in Practice.Kind.choices]),
    OpenApiParameter("channel", OpenApiTypes.STR),
    OpenApiParameter("status", OpenApiTypes.STR, enum=[s for s, _ in Practice.Status.choices]),
    OpenApiParameter("sort", OpenApiTypes.STR, enum=list(selectors.SORTS)),
]


@extend_schema(parameters=LIST_PARAMETERS)
class PracticeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Practices and case studies: everyone reads the library and submits; the CoE curates."""

    serializer_class = PracticeSerializer
    filter_backends: list = []  # the selector filters and searches (FTS), see LIST_PARAMETERS
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            params = self.request.query_params
            sort = params.get("sort", "featured")
            return selectors.practices_list(
                user=user,
                search=params.get("search", "")[:200],
                tag=params.get("tag", ""),
                department=params.get("department", ""),
                kind=params.get("kind", ""),
                channel=params.get("channel", ""),
                status=params.get("status", ""),
                sort=sort if sort in selectors.SORTS else "featured",
            ).prefetch_related("attachments")
        return selectors.practices_any_status(user=user)

    def perform_create(self, serializer):
        serializer.instance = services.practice_submit(actor=self.request.user, **serializer.validated_data)

    def _respond(self, practice):
        practice = selectors.practice_get(user=self.request.user, pk=practice.pk)
        return Response(PracticeSerializer(practice, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=VoteResultSerializer, parameters=[])
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        practice = self.get_object()
        services.practice_vote(actor=request.user, practice=practice)
        practice = selectors.practice_get(user=request.user, pk=practice.pk)
        return Response({"voted": True, "vote_count": practice.vote_count})

    @extend_schema(request=None, responses=VoteResultSerializer, parameters=[])
    @action(detail=True, methods=["post"])
    def unvote(self, request, pk=None):
        practice = self.get_object()
        services.practice_unvote(actor=request.user, practice=practice)
        practice = selectors.practice_get(user=request.user, pk=practice.pk)
        return Response({"voted": False, "vote_count": practice.vote_count})

    @extend_schema(request=AdoptSerializer, responses={201: PracticeSerializer}, parameters=[])
    @action(detail=True, methods=["post"])
    def adopt(self, request, pk=None):
        practice = self.get_object()
        data = AdoptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.practice_adopt(actor=request.user, practice=practice, **data.validated_data)
        response = self._respond(practice)
        response.status_code = status.HTTP_201_CREATED
        return response

    def _curator(self):
        if not permissions.can_curate_practices(self.request.user):
            raise PermissionDenied("Only the CoE curates the library.")

    @extend_schema(request=None, responses=PracticeSerializer, parameters=[])
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        self._curator()
        return self._respond(services.practice_approve(actor=request.user, practice=self.get_object()))

    @extend_schema(request=DeclineSerializer, responses=PracticeSerializer, parameters=[])
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        self._curator()
        data = DeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(
            services.practice_decline(actor=request.user, practice=self.get_object(), note=data.validated_data["note"])
        )

    @extend_schema(request=FeatureSerializer, responses=PracticeSerializer, parameters=[])
    @action(detail=True, methods=["post"])
    def feature(self, request, pk=None):
        self._curator()
        data = FeatureSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(
            services.practice_feature(
                actor=request.user, practice=self.get_object(), featured=data.validated_data["featured"]
            )
        )

    @extend_schema(request=TagsSerializer, responses=PracticeSerializer, parameters=[])
    @action(detail=True, methods=["post"])
    def tags(self, request, pk=None):
        self._curator()
        data = TagsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(
            services.practice_tag(actor=request.user, practice=self.get_object(), tag_names=data.validated_data["tags"])
        )


class PracticeTagViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Tags: everyone reads; the CoE adds them."""

    serializer_class = PracticeTagSerializer
    search_fields = ["name"]
    ordering_fields = ["name"]
    filterset_fields = ["slug"]

    def get_queryset(self):
        return selectors.practice_tags(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.practice_tag_get_or_create(
            actor=self.request.user, name=serializer.validated_data["name"]
        )
