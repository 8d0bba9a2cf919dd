"""Maturity assessments over the API (CoE staff and leadership read; the CoE manager writes).

``/api/v1/maturity-assessments/``: list and retrieve with scores, level and stage; POST starts (or
resumes) one for the company or a department; ``answers/`` saves answers while in progress;
``complete/`` scores it once. ``/api/v1/maturity-questions/`` and
``/api/v1/maturity-recommendations/``: the question bank and the next-step table.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from coe.api.serializers import StrictFieldsMixin
from coe.models import Department, MaturityAnswer, MaturityAssessment, MaturityQuestion, MaturityRecommendation
from coe.selectors import maturity as selectors
from coe.services import maturity as services

# --- serializers --------------------------------------------------------------------------------


class MaturityFactSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.JSONField(allow_null=True, help_text="A number, a boolean or null (unknown).")
    display = serializers.CharField()
    url = serializers.CharField(allow_blank=True, required=False)


class MaturityAnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question_id")
    score = serializers.IntegerField(min_value=0, max_value=4)
    note = serializers.CharField(allow_blank=True, required=False)


class MaturityAssessmentSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """An assessment; ``scores`` holds ``competencies`` (0–100 each), ``overall`` and the reasons
    the level and stage are not higher, written once on completion."""

    department = serializers.SlugRelatedField(
        slug_field="slug", queryset=Department.objects.all(), allow_null=True, required=False
    )
    taken_by = serializers.StringRelatedField(read_only=True)
    level_name = serializers.SerializerMethodField()
    stage_name = serializers.SerializerMethodField()
    facts = MaturityFactSerializer(many=True, read_only=True)
    answers = MaturityAnswerSerializer(many=True, read_only=True)

    class Meta:
        model = MaturityAssessment
        fields = [
            "id",
            "department",
            "status",
            "taken_by",
            "created_at",
            "completed_at",
            "scores",
            "level",
            "level_name",
            "stage",
            "stage_name",
            "facts",
            "answers",
            "note",
        ]
        read_only_fields = ["id", "status", "created_at", "completed_at", "scores", "level", "stage", "note"]

    def get_level_name(self, assessment) -> str:
        return services.level_name(assessment.level)

    def get_stage_name(self, assessment) -> str:
        return services.stage_name(assessment.stage)


class AnswersInputSerializer(StrictFieldsMixin, serializers.Serializer):
    answers = MaturityAnswerSerializer(many=True, allow_empty=False)


class AnswersSavedSerializer(serializers.Serializer):
    saved = serializers.IntegerField()
    answered = serializers.IntegerField()


class MaturityQuestionSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = MaturityQuestion
        fields = ["id", "competency", "text", "guidance", "weight", "position", "is_active"]
        read_only_fields = ["id"]


class MaturityRecommendationSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = MaturityRecommendation
        fields = ["id", "competency", "below_score", "title", "detail", "position", "is_active"]
        read_only_fields = ["id"]


# --- viewsets -----------------------------------------------------------------------------------


class MaturityAssessmentFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__slug")
    company = django_filters.BooleanFilter(field_name="department", lookup_expr="isnull", label="Company-wide only")

    class Meta:
        model = MaturityAssessment
        fields = ["department", "company", "status", "level", "stage"]


class MaturityAssessmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Maturity assessments: CoE staff and leadership read; the CoE manager starts (POST — resumes
    the one in progress for the same scope), saves ``answers`` and ``complete``s them."""

    serializer_class = MaturityAssessmentSerializer
    filterset_class = MaturityAssessmentFilter
    ordering_fields = ["completed_at", "created_at", "level"]
    queryset = MaturityAssessment.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MaturityAssessment.objects.none()
        return selectors.assessments_visible_to(self.request.user).prefetch_related("answers")

    def _respond(self, assessment, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=assessment.pk)
        return Response(MaturityAssessmentSerializer(fresh).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = services.assessment_start(
            actor=request.user, department=serializer.validated_data.get("department")
        )
        return self._respond(assessment, status.HTTP_201_CREATED)

    @extend_schema(request=AnswersInputSerializer, responses={200: AnswersSavedSerializer})
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        """Save answers (0–4 per question) while the assessment is in progress."""
        assessment = self.get_object()
        serializer = AnswersInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = serializer.validated_data["answers"]
        saved = services.assessment_answers_save(
            actor=request.user,
            assessment=assessment,
            answers={row["question_id"]: row["score"] for row in rows},
            notes={row["question_id"]: row["note"] for row in rows if "note" in row} or None,
        )
        answered = MaturityAnswer.objects.filter(assessment_id=assessment.pk).count()
        return Response({"saved": saved, "answered": answered})

    @extend_schema(request=None, responses={200: MaturityAssessmentSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Score the assessment (every active question answered) and store the facts; final."""
        assessment = services.assessment_complete(actor=request.user, assessment=self.get_object())
        return self._respond(assessment)


class MaturityQuestionFilter(django_filters.FilterSet):
    class Meta:
        model = MaturityQuestion
        fields = ["competency", "is_active"]


class MaturityQuestionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The question bank: CoE staff and leadership read; the CoE manager adds and edits (retire a
    question with ``is_active: false``; questions are never deleted)."""

    serializer_class = MaturityQuestionSerializer
    filterset_class = MaturityQuestionFilter
    search_fields = ["text", "guidance"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = MaturityQuestion.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MaturityQuestion.objects.none()
        return selectors.questions_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.question_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.question_update(
            actor=self.request.user, question=serializer.instance, changes=serializer.validated_data
        )


class MaturityRecommendationFilter(django_filters.FilterSet):
    class Meta:
        model = MaturityRecommendation
        fields = ["competency", "is_active"]


class MaturityRecommendationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The next-step table: CoE staff and leadership read; the CoE manager edits."""

    serializer_class = MaturityRecommendationSerializer
    filterset_class = MaturityRecommendationFilter
    search_fields = ["title", "detail"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    queryset = MaturityRecommendation.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MaturityRecommendation.objects.none()
        return selectors.recommendations_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.recommendation_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.recommendation_update(
            actor=self.request.user, recommendation=serializer.instance, changes=serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.recommendation_delete(actor=self.request.user, recommendation=instance)
