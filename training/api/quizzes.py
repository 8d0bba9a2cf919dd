"""Quiz attempts and accommodations over the API.

An attempt's questions carry no correctness before it is submitted: each choice is named by its
place in the order drawn for the attempt (``key`` 1, 2, 3 …), never by its id, and answers are
given by those keys. After submission ``feedback`` holds the right answers and explanations when
the module's feedback setting allows (otherwise it stays null). Every transition — start, answer,
submit, grant, withdraw — calls the same service as the pages."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from coe.api.serializers import StrictFieldsMixin
from coe.errors import DomainError, NotAllowed
from training import permissions
from training.models import Accommodation, Attempt, Module, QuestionKind
from training.selectors import quizzes as selectors
from training.services import quizzes as services

# --- serializers --------------------------------------------------------------------------------


class ShownChoiceSerializer(serializers.Serializer):
    key = serializers.IntegerField(help_text="The choice's place in this attempt's order; answer with it.")
    text = serializers.CharField(source="choice.text")
    selected = serializers.BooleanField()


class AttemptQuestionSerializer(serializers.Serializer):
    """A drawn question as the person sees it while answering: nothing about which choice is right."""

    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices, source="question.kind")
    text = serializers.CharField(source="question.text")
    answered = serializers.BooleanField()
    choices = ShownChoiceSerializer(many=True)


class QuestionFeedbackSerializer(serializers.Serializer):
    """After submission, when the module shows feedback: the right choices (by key), the points the
    answer earned (0 to 1), and the explanation."""

    position = serializers.IntegerField()
    correct = serializers.BooleanField(source="item.is_correct")
    points = serializers.DecimalField(max_digits=4, decimal_places=3, source="item.points")
    right_choices = serializers.SerializerMethodField()
    selected_choices = serializers.SerializerMethodField()
    explanation = serializers.CharField(source="question.explanation")

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_right_choices(self, shown) -> list[int]:
        return [choice.key for choice in shown.choices if choice.is_correct]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_selected_choices(self, shown) -> list[int]:
        return [choice.key for choice in shown.choices if choice.selected]


class AttemptSerializer(serializers.ModelSerializer):
    """An attempt in a list: the module, its state and (once closed) its score."""

    module = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    module_title = serializers.CharField(source="module.title", read_only=True)
    user_name = serializers.CharField(source="user.display_name", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = [
            "id",
            "module",
            "module_title",
            "user",
            "user_name",
            "number",
            "status",
            "started_at",
            "deadline_at",
            "submitted_at",
            "score_percent",
            "passed",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, attempt) -> str:
        return reverse("training:attempt_detail", kwargs={"pk": attempt.pk})


class AttemptDetailSerializer(AttemptSerializer):
    """One attempt with its drawn questions (and, once closed, the feedback the module allows)."""

    pass_mark_percent = serializers.IntegerField(source="module.pass_mark_percent", read_only=True)
    questions = serializers.SerializerMethodField()
    feedback = serializers.SerializerMethodField()

    class Meta(AttemptSerializer.Meta):
        fields = [*AttemptSerializer.Meta.fields, "pass_mark_percent", "questions", "feedback"]
        read_only_fields = fields

    def _shown(self, attempt):
        key = ("shown", attempt.pk)
        if key not in self.context:
            request = self.context.get("request")
            viewer = request.user if request is not None else None
            visible = False
            if attempt.status != Attempt.Status.IN_PROGRESS:
                passed = attempt.module_id in selectors.modules_passed(user=attempt.user)
                visible = selectors.feedback_visible(viewer=viewer, attempt=attempt, module_passed=passed)
            self.context[key] = (visible, selectors.attempt_questions(attempt=attempt, with_feedback=visible))
        return self.context[key]

    @extend_schema_field(AttemptQuestionSerializer(many=True))
    def get_questions(self, attempt):
        _, shown = self._shown(attempt)
        return AttemptQuestionSerializer(shown, many=True).data

    @extend_schema_field(QuestionFeedbackSerializer(many=True, allow_null=True))
    def get_feedback(self, attempt):
        visible, shown = self._shown(attempt)
        return QuestionFeedbackSerializer(shown, many=True).data if visible else None


class AttemptStartSerializer(StrictFieldsMixin, serializers.Serializer):
    module = serializers.SlugRelatedField(slug_field="slug", queryset=Module.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["module"].queryset = permissions.modules_visible_to(request.user)


class AnswerSerializer(StrictFieldsMixin, serializers.Serializer):
    position = serializers.IntegerField(min_value=1, help_text="The question's position in the attempt.")
    choices = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=True,
        max_length=26,
        help_text="Keys of the chosen choices (one for single choice and true/false); [] clears the answer.",
    )


class AccommodationSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True))
    user_name = serializers.CharField(source="user.display_name", read_only=True)
    module = serializers.SlugRelatedField(
        slug_field="slug", queryset=Module.objects.all(), allow_null=True, required=False
    )
    granted_by_name = serializers.CharField(source="granted_by.display_name", read_only=True, default=None)

    class Meta:
        model = Accommodation
        fields = [
            "id",
            "user",
            "user_name",
            "module",
            "extra_minutes",
            "extra_attempts",
            "reason",
            "granted_by",
            "granted_by_name",
            "granted_at",
        ]
        read_only_fields = ["id", "granted_by", "granted_at"]
        extra_kwargs = {"extra_minutes": {"required": False}, "extra_attempts": {"required": False}}


# --- viewsets -----------------------------------------------------------------------------------


class AttemptFilter(django_filters.FilterSet):
    module = django_filters.CharFilter(field_name="module__slug")

    class Meta:
        model = Attempt
        fields = ["module", "status", "passed", "user"]


class AttemptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Quiz attempts: your own (everyone's for CoE staff). ``POST`` with a module's slug starts an
    attempt, or returns the open one (200 instead of 201); ``answer`` saves one question's answer
    while it is open; ``submit`` scores it on the server and closes it for good."""

    queryset = Attempt.objects.none()  # each request's is scoped in get_queryset
    filterset_class = AttemptFilter
    ordering_fields = ["started_at", "submitted_at", "score_percent"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attempt.objects.none()
        return (
            permissions.attempts_visible_to(self.request.user)
            .select_related("module", "user")
            .order_by("-started_at", "-id")
        )

    def get_serializer_class(self):
        return AttemptSerializer if self.action == "list" else AttemptDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        attempt = self.get_object()
        if services.attempt_expire_if_due(attempt=attempt):
            attempt = self.get_object()
        return Response(self.get_serializer(attempt).data)

    def _present(self, attempt: Attempt, code=status.HTTP_200_OK) -> Response:
        attempt = self.get_queryset().get(pk=attempt.pk)
        return Response(AttemptDetailSerializer(attempt, context=self.get_serializer_context()).data, status=code)

    def _own(self) -> Attempt:
        attempt = self.get_object()
        if attempt.user_id != self.request.user.pk:
            raise NotAllowed("Only the person taking a quiz answers and submits it.")
        return attempt

    @extend_schema(
        request=AttemptStartSerializer, responses={201: AttemptDetailSerializer, 200: AttemptDetailSerializer}
    )
    def create(self, request, *args, **kwargs):
        """Start an attempt at a module's quiz (or resume the open one)."""
        data = AttemptStartSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        module = data.validated_data["module"]
        was_open = Attempt.objects.filter(user=request.user, module=module, status=Attempt.Status.IN_PROGRESS).first()
        attempt = services.attempt_start(actor=request.user, module=module)
        resumed = was_open is not None and was_open.pk == attempt.pk
        return self._present(attempt, status.HTTP_200_OK if resumed else status.HTTP_201_CREATED)

    @extend_schema(request=AnswerSerializer, responses={200: AttemptQuestionSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Save the answer to one question (by its position), with the keys of the chosen choices."""
        attempt = self._own()
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        position = data.validated_data["position"]
        item = attempt.questions.filter(position=position).first()
        if item is None:
            raise DomainError(
                f"Question {position} is not part of this attempt.", code="invalid", fields={"position": ["Unknown."]}
            )
        order = list(item.choice_order)
        keys = data.validated_data["choices"]
        if any(key > len(order) for key in keys):
            message = f"Question {position} has {len(order)} choices; use keys 1 to {len(order)}."
            raise DomainError(message, code="invalid", fields={"choices": [message]})
        services.attempt_answer(
            actor=request.user, attempt=attempt, position=position, choice_ids=[order[key - 1] for key in keys]
        )
        shown = next(
            q for q in selectors.attempt_questions(attempt=attempt, with_feedback=False) if q.position == position
        )
        return Response(AttemptQuestionSerializer(shown).data)

    @extend_schema(request=None, responses={200: AttemptDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit for scoring: the score, the result and (as the module allows) the feedback."""
        attempt = services.attempt_submit(actor=request.user, attempt=self._own())
        return self._present(attempt)


class AccommodationFilter(django_filters.FilterSet):
    module = django_filters.CharFilter(field_name="module__slug")

    class Meta:
        model = Accommodation
        fields = ["user", "module"]


class AccommodationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Extra time or attempts granted to a person (the CoE grants and withdraws; people see their own).
    Grants are not edited: withdraw one and grant again."""

    serializer_class = AccommodationSerializer
    queryset = Accommodation.objects.none()  # each request's is scoped in get_queryset
    filterset_class = AccommodationFilter
    ordering_fields = ["granted_at"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Accommodation.objects.none()
        return selectors.accommodations_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        accommodation = services.accommodation_grant(
            actor=self.request.user,
            user=data["user"],
            module=data.get("module"),
            extra_minutes=data.get("extra_minutes", 0),
            extra_attempts=data.get("extra_attempts", 0),
            reason=data.get("reason", ""),
        )
        serializer.instance = self.get_queryset().get(pk=accommodation.pk)

    def perform_destroy(self, instance):
        services.accommodation_withdraw(actor=self.request.user, accommodation=instance)
