"""The tools inventory and tech-stack evaluations over the API.

``/api/v1/tools/``: the inventory (read: CoE staff and leadership; write: the CoE manager).
``/api/v1/evaluations/``: evaluations with their requirements, candidates and reviewers (read: CoE
staff, leadership and the evaluation's reviewers — others get 404); a single evaluation also
carries the weighted ``totals``. Actions: ``start-scoring/``, ``scores/`` (GET: the caller's own
scores; POST: save them in bulk, reviewers only, while scoring), ``reorder-requirements/``,
``finish/``. ``/api/v1/evaluation-requirements/`` and ``/api/v1/evaluation-candidates/``: set-up
rows (written by the CoE manager while the evaluation is a draft).
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from coe import permissions
from coe.api.serializers import StrictFieldsMixin
from coe.models import (
    Department,
    Evaluation,
    EvaluationCandidate,
    EvaluationRequirement,
    EvaluationScore,
    Tool,
)
from coe.selectors import techstack as selectors
from coe.services import techstack as services

User = get_user_model()


# --- Tools --------------------------------------------------------------------------------------


class ToolSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    owner_name = serializers.SerializerMethodField()
    department = serializers.SlugRelatedField(
        slug_field="slug", queryset=Department.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Tool
        fields = [
            "id",
            "name",
            "vendor",
            "category",
            "owner",
            "owner_name",
            "department",
            "yearly_cost",
            "currency",
            "renewal_on",
            "renewal_reminded_for",
            "notes",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "renewal_reminded_for", "created_at", "updated_at"]
        validators: list = []

    def get_owner_name(self, tool) -> str | None:
        return (tool.owner.get_full_name() or tool.owner.username) if tool.owner else None


class ToolFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__slug")
    renewal_before = django_filters.DateFilter(field_name="renewal_on", lookup_expr="lte")

    class Meta:
        model = Tool
        fields = ["category", "is_active", "owner", "department", "renewal_before"]


class ToolViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The tools inventory, retired tools included (filter ``is_active``)."""

    serializer_class = ToolSerializer
    filterset_class = ToolFilter
    search_fields = ["name", "vendor", "notes"]
    ordering_fields = ["name", "category", "renewal_on", "yearly_cost"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Tool.objects.none()
        if not permissions.can_view_tools(self.request.user):
            raise PermissionDenied("The tools inventory is for the CoE team and leadership.")
        return selectors.tools_list(user=self.request.user, include_retired=True).order_by("category", "name", "pk")

    def perform_create(self, serializer):
        serializer.instance = services.tool_create(actor=self.request.user, values=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.tool_update(
            actor=self.request.user, tool=serializer.instance, values=serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.tool_delete(actor=self.request.user, tool=instance)


# --- Evaluations --------------------------------------------------------------------------------


class RequirementSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    evaluation = serializers.PrimaryKeyRelatedField(queryset=Evaluation.objects.none())

    class Meta:
        model = EvaluationRequirement
        fields = ["id", "evaluation", "name", "description", "weight", "position"]
        read_only_fields = ["id", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["evaluation"].queryset = permissions.evaluations_visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["evaluation"].read_only = True


class CandidateSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    evaluation = serializers.PrimaryKeyRelatedField(queryset=Evaluation.objects.none())

    class Meta:
        model = EvaluationCandidate
        fields = ["id", "evaluation", "name", "notes", "yearly_cost"]
        read_only_fields = ["id"]
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["evaluation"].queryset = permissions.evaluations_visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["evaluation"].read_only = True


class NestedRequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationRequirement
        fields = ["id", "name", "description", "weight", "position"]


class NestedCandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationCandidate
        fields = ["id", "name", "notes", "yearly_cost"]


class EvaluationSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    reviewers = serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.filter(is_active=True), required=False
    )
    requirements = NestedRequirementSerializer(many=True, read_only=True)
    candidates = NestedCandidateSerializer(many=True, read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "title",
            "category",
            "purpose",
            "status",
            "reviewers",
            "requirements",
            "candidates",
            "recommended",
            "recommendation",
            "finished_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "recommended", "recommendation", "finished_at", "created_at", "updated_at"]


class CandidateTotalSerializer(serializers.Serializer):
    candidate = serializers.IntegerField(source="candidate.pk")
    name = serializers.CharField(source="candidate.name")
    rank = serializers.IntegerField(allow_null=True)
    overall = serializers.FloatField(allow_null=True, help_text="Mean of the reviewers' weighted totals (0–100).")
    by_reviewer = serializers.DictField(
        child=serializers.FloatField(allow_null=True), help_text="Reviewer id → weighted total (null: not scored)."
    )


class EvaluationDetailSerializer(EvaluationSerializer):
    totals = serializers.SerializerMethodField()
    spread = serializers.SerializerMethodField()

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "totals", "spread"]

    def _results(self, evaluation):
        request = self.context.get("request")
        if request is not None and not permissions.can_see_evaluation_results(request.user, evaluation):
            return None  # a reviewer while scoring: not the others' scores
        if not hasattr(self, "_cached_results"):
            self._cached_results = selectors.evaluation_results(evaluation=evaluation)
        return self._cached_results

    @extend_schema_field(CandidateTotalSerializer(many=True))
    def get_totals(self, evaluation) -> list[dict]:
        """Candidates in rank order with their weighted totals (empty for a reviewer while scoring)."""
        results = self._results(evaluation)
        return CandidateTotalSerializer(results.ranking, many=True).data if results else []

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField(allow_null=True)))
    def get_spread(self, evaluation) -> dict[str, int | None]:
        """Requirement id → the largest difference between reviewers' scores of one candidate."""
        results = self._results(evaluation)
        return {str(k): v for k, v in results.requirement_spread.items()} if results else {}


class ScoreCellSerializer(serializers.Serializer):
    requirement = serializers.IntegerField()
    candidate = serializers.IntegerField()
    score = serializers.IntegerField(min_value=0, max_value=5, allow_null=True, help_text="null clears the cell.")
    comment = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


class ScoresInputSerializer(serializers.Serializer):
    scores = ScoreCellSerializer(many=True)


class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationScore
        fields = ["requirement", "candidate", "score", "comment", "updated_at"]


class FinishInputSerializer(serializers.Serializer):
    recommended = serializers.IntegerField(help_text="A candidate of this evaluation.")
    recommendation = serializers.CharField(help_text="Why, for leadership (required).")
    add_to_inventory = serializers.BooleanField(default=False)


class ReorderInputSerializer(serializers.Serializer):
    order = serializers.ListField(child=serializers.IntegerField(), help_text="Every requirement id, in order.")


class EvaluationFilter(django_filters.FilterSet):
    class Meta:
        model = Evaluation
        fields = ["status", "category"]


class EvaluationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Evaluations; what the caller may not see answers 404."""

    filterset_class = EvaluationFilter
    search_fields = ["title", "purpose"]
    ordering_fields = ["created_at", "title", "status"]

    def get_serializer_class(self):
        return EvaluationDetailSerializer if self.action == "retrieve" else EvaluationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Evaluation.objects.none()
        return (
            permissions.evaluations_visible_to(self.request.user)
            .prefetch_related("requirements", "candidates", "reviewers")
            .order_by("-created_at", "-pk")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        reviewers = data.pop("reviewers", [])
        serializer.instance = services.evaluation_create(actor=self.request.user, values=data, reviewers=reviewers)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reviewers = data.pop("reviewers", None)
        serializer.instance = services.evaluation_update(
            actor=self.request.user, evaluation=serializer.instance, values=data, reviewers=reviewers
        )

    def _present(self, evaluation):
        evaluation = self.get_queryset().get(pk=evaluation.pk)
        return Response(EvaluationDetailSerializer(evaluation, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: EvaluationDetailSerializer})
    @action(detail=True, methods=["post"], url_path="start-scoring")
    def start_scoring(self, request, pk=None):
        """Open scoring (the CoE manager); the reviewers are told."""
        return self._present(services.evaluation_start_scoring(actor=request.user, evaluation=self.get_object()))

    @extend_schema(methods=["GET"], request=None, responses={200: ScoreSerializer(many=True)})
    @extend_schema(methods=["POST"], request=ScoresInputSerializer, responses={200: ScoreSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def scores(self, request, pk=None):
        """The caller's own scores; POST saves them in bulk (reviewers only, while scoring)."""
        evaluation = self.get_object()
        if request.method == "POST":
            data = ScoresInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            services.evaluation_scores_save(
                actor=request.user, evaluation=evaluation, cells=data.validated_data["scores"]
            )
        elif not permissions.is_evaluation_reviewer(request.user, evaluation):
            raise PermissionDenied("Only the evaluation's reviewers have scores.")
        mine = EvaluationScore.objects.filter(requirement__evaluation=evaluation, reviewer=request.user).order_by(
            "requirement_id", "candidate_id"
        )
        return Response(ScoreSerializer(mine, many=True).data)

    @extend_schema(request=ReorderInputSerializer, responses={200: EvaluationDetailSerializer})
    @action(detail=True, methods=["post"], url_path="reorder-requirements")
    def reorder_requirements(self, request, pk=None):
        evaluation = self.get_object()
        data = ReorderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.requirements_reorder(actor=request.user, evaluation=evaluation, order=data.validated_data["order"])
        return self._present(evaluation)

    @extend_schema(request=FinishInputSerializer, responses={200: EvaluationDetailSerializer})
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        """Finish with one recommended candidate and why (the CoE manager)."""
        evaluation = self.get_object()
        data = FinishInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recommended = evaluation.candidates.filter(pk=data.validated_data["recommended"]).first()
        evaluation = services.evaluation_finish(
            actor=request.user,
            evaluation=evaluation,
            recommended=recommended,
            recommendation=data.validated_data["recommendation"],
            add_to_inventory=data.validated_data["add_to_inventory"],
        )
        return self._present(evaluation)


class _SetupFilter(django_filters.FilterSet):
    evaluation = django_filters.NumberFilter(field_name="evaluation_id")


class RequirementFilter(_SetupFilter):
    class Meta:
        model = EvaluationRequirement
        fields = ["evaluation"]


class CandidateFilter(_SetupFilter):
    class Meta:
        model = EvaluationCandidate
        fields = ["evaluation"]


class _SetupViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    model: type

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        visible = permissions.evaluations_visible_to(self.request.user)
        return self.model.objects.filter(evaluation__in=visible).select_related("evaluation")


class EvaluationRequirementViewSet(_SetupViewSet):
    """An evaluation's requirements (weight 1–5), in order."""

    model = EvaluationRequirement
    serializer_class = RequirementSerializer
    filterset_class = RequirementFilter
    ordering_fields = ["position"]

    def get_queryset(self):
        return super().get_queryset().order_by("evaluation_id", "position", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        evaluation = data.pop("evaluation")
        serializer.instance = services.requirement_add(actor=self.request.user, evaluation=evaluation, values=data)

    def perform_update(self, serializer):
        serializer.instance = services.requirement_update(
            actor=self.request.user, requirement=serializer.instance, values=serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.requirement_delete(actor=self.request.user, requirement=instance)


class EvaluationCandidateViewSet(_SetupViewSet):
    """An evaluation's candidates (vendor and product, yearly cost)."""

    model = EvaluationCandidate
    serializer_class = CandidateSerializer
    filterset_class = CandidateFilter
    ordering_fields = ["name"]

    def get_queryset(self):
        return super().get_queryset().order_by("evaluation_id", "name", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        evaluation = data.pop("evaluation")
        serializer.instance = services.candidate_add(actor=self.request.user, evaluation=evaluation, values=data)

    def perform_update(self, serializer):
        serializer.instance = services.candidate_update(
            actor=self.request.user, candidate=serializer.instance, values=serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.candidate_delete(actor=self.request.user, candidate=instance)
