"""Training content over the API: modules, lessons and (for authors only) question banks, with
publishing, archiving, lesson order, export and import as action endpoints.

What learners may read follows the pages: published modules and their lessons, their own
progress. Question banks carry the right answers, so they are for authors only and no learner
endpoint says which choice is correct; learners meet questions through their attempts."""

from __future__ import annotations

import django_filters
from django.db.models import Count, Q
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from coe.api.serializers import StrictFieldsMixin
from coe.errors import DomainError
from training import permissions
from training.lesson_text import rendered_lesson
from training.models import Choice, Lesson, LessonRead, Module, ModuleStatus, Question
from training.selectors import content as selectors
from training.services import content as services

# --- serializers --------------------------------------------------------------------------------


class LessonSummarySerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Lesson
        fields = ["id", "position", "title", "estimated_minutes", "read"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_read(self, lesson) -> bool:
        return lesson.pk in self.context.get("read_ids", set())


class ProgressSerializer(serializers.Serializer):
    lessons_read = serializers.IntegerField()
    lessons_total = serializers.IntegerField()
    passed = serializers.BooleanField()
    unlocked = serializers.BooleanField(help_text="Every published prerequisite passed: the quiz is open.")


class ModuleSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A module: its settings, the quiz's rules, its lessons in order (with ``read`` for the
    caller) and the caller's ``progress``. Authors write the settings; ``status`` changes through
    the ``publish``, ``archive`` and ``restore`` actions."""

    slug = serializers.SlugField(required=False, max_length=200)
    prerequisites = serializers.SlugRelatedField(
        slug_field="slug", many=True, required=False, queryset=Module.objects.none()
    )
    lessons = LessonSummarySerializer(many=True, read_only=True)
    questions_in_bank = serializers.IntegerField(
        read_only=True, default=0, help_text="Active questions an attempt draws from."
    )
    progress = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Module
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "level",
            "estimated_minutes",
            "position",
            "status",
            "prerequisites",
            "questions_per_attempt",
            "pass_mark_percent",
            "max_attempts",
            "cooldown_minutes",
            "time_limit_minutes",
            "feedback",
            "questions_in_bank",
            "lessons",
            "progress",
            "url",
            "published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "published_at", "created_at", "updated_at"]
        validators: list = []
        extra_kwargs = {"title": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["prerequisites"].child_relation.queryset = permissions.modules_visible_to(request.user)

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, module) -> dict:
        read, total = self.context.get("progress", {}).get(module.pk, (0, 0))
        passed = module.pk in self.context.get("passed", set())
        unlocked = module.pk in self.context.get("unlocked", set())
        return {"lessons_read": read, "lessons_total": total, "passed": passed, "unlocked": unlocked}


class LessonSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A lesson: its Markdown ``body`` and, read-only, ``body_html`` (sanitized, images resolved to
    their addresses) and ``read`` for the caller. New lessons go at the end of their module; reorder
    with ``POST /modules/{id}/reorder-lessons/``."""

    module = serializers.PrimaryKeyRelatedField(queryset=Module.objects.none())
    module_slug = serializers.CharField(source="module.slug", read_only=True)
    body = serializers.CharField(style={"base_template": "textarea.html"}, required=False)
    body_html = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Lesson
        fields = [
            "id",
            "module",
            "module_slug",
            "position",
            "title",
            "estimated_minutes",
            "body",
            "body_html",
            "read",
            "url",
        ]
        read_only_fields = ["id", "position"]
        extra_kwargs = {"title": {"required": False}, "estimated_minutes": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["module"].queryset = permissions.modules_visible_to(request.user)

    @extend_schema_field(OpenApiTypes.STR)
    def get_body_html(self, lesson) -> str:
        by_module = self.context.get("images")
        images = (
            by_module.get(lesson.module_id, {}) if by_module is not None else selectors.image_addresses(lesson.module)
        )
        return str(rendered_lesson(lesson, images))

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_read(self, lesson) -> bool:
        read_ids = self.context.get("read_ids")
        if read_ids is None:
            request = self.context.get("request")
            return bool(request and LessonRead.objects.filter(user=request.user, lesson=lesson).exists())
        return lesson.pk in read_ids

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, lesson) -> str:
        return reverse("training:lesson_detail", kwargs={"slug": lesson.module.slug, "position": lesson.position})


class ChoiceSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text="Send it to keep (and change) an existing choice.")

    class Meta:
        model = Choice
        fields = ["id", "text", "is_correct"]


class QuestionSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A question of a module's bank with its choices (authors only: it carries the answers).
    Sending ``choices`` replaces them (choices with an ``id`` are kept and changed). A question
    attempts have used is replaced by an edited copy rather than changed (the response is the copy;
    the original stays, deactivated)."""

    module = serializers.PrimaryKeyRelatedField(queryset=Module.objects.none())
    choices = ChoiceSerializer(many=True)
    used = serializers.BooleanField(read_only=True, default=False, help_text="Attempts have drawn it.")

    class Meta:
        model = Question
        fields = ["id", "module", "kind", "text", "explanation", "position", "is_active", "used", "choices"]
        read_only_fields = ["id", "position", "is_active"]
        extra_kwargs = {"kind": {"required": False}, "text": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["module"].queryset = permissions.modules_visible_to(request.user)


class ImportProblemSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="Where in the document, e.g. questions[3].choices.")
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    module = serializers.SerializerMethodField()
    title = serializers.CharField()
    slug = serializers.CharField()
    slug_taken = serializers.CharField(help_text="The document's slug, when it was taken and another was chosen.")
    lessons = serializers.IntegerField()
    questions = serializers.IntegerField()
    images = serializers.IntegerField()
    prerequisites = serializers.ListField(child=serializers.CharField())
    problems = ImportProblemSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())

    @extend_schema_field(ModuleSerializer(allow_null=True))
    def get_module(self, report) -> dict | None:
        if report.module is None:
            return None
        return ModuleSerializer(report.module, context=self.context).data


class ReorderSerializer(serializers.Serializer):
    order = serializers.ListField(child=serializers.IntegerField(), help_text="Every lesson id, in the new order.")


class ReadSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    read_at = serializers.DateTimeField()


# --- viewsets -----------------------------------------------------------------------------------


class ModuleFilter(django_filters.FilterSet):
    class Meta:
        model = Module
        fields = ["level", "status"]


class ModuleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Modules: learners read the published ones with their lessons and their own progress;
    authors (CoE staff) read every module and write them. DELETE removes a module that was never
    published; a published one is archived instead."""

    serializer_class = ModuleSerializer
    filterset_class = ModuleFilter
    search_fields = ["title", "summary", "slug"]
    ordering_fields = ["position", "title", "updated_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        modules = permissions.modules_visible_to(self.request.user)
        if not permissions.can_author(self.request.user):
            modules = modules.filter(status=ModuleStatus.PUBLISHED)
        return (
            modules.annotate(questions_in_bank=Count("questions", filter=Q(questions__is_active=True), distinct=True))
            .prefetch_related("prerequisites", "lessons")
            .order_by("position", "title")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False) or self.request is None:
            return context
        user = self.request.user
        if user.is_authenticated:
            ids = list(permissions.modules_visible_to(user).values_list("pk", flat=True))
            passed = selectors.passed_ids(user)
            context["progress"] = selectors.lesson_progress(user=user, modules=ids)
            context["passed"] = passed
            context["unlocked"] = selectors.modules_unlocked(user=user, modules=ids, passed=passed)
            context["read_ids"] = set(LessonRead.objects.filter(user=user).values_list("lesson_id", flat=True))
        return context

    def _respond(self, module, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=module.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        module = services.module_create(actor=request.user, fields=dict(serializer.validated_data))
        return self._respond(module, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        module = self.get_object()
        serializer = self.get_serializer(module, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        module = services.module_update(actor=request.user, module=module, changes=dict(serializer.validated_data))
        return self._respond(module)

    def perform_destroy(self, instance):
        services.module_delete(actor=self.request.user, module=instance)

    @extend_schema(request=None, responses={200: ModuleSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a complete module (lessons, and enough valid active questions for an attempt)."""
        return self._respond(services.module_publish(actor=request.user, module=self.get_object()))

    @extend_schema(request=None, responses={200: ModuleSerializer})
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """Withdraw a module from learners; records stay. Refused while an active track needs it."""
        return self._respond(services.module_archive(actor=request.user, module=self.get_object()))

    @extend_schema(request=None, responses={200: ModuleSerializer})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """An archived module back to draft."""
        return self._respond(services.module_restore(actor=request.user, module=self.get_object()))

    @extend_schema(request=ReorderSerializer, responses={200: LessonSummarySerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="reorder-lessons")
    def reorder_lessons(self, request, pk=None):
        """Put the module's lessons in a new order: ``{"order": [lesson ids]}``, each exactly once."""
        serializer = ReorderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lessons = services.lessons_reorder(
            actor=request.user, module=self.get_object(), order=serializer.validated_data["order"]
        )
        return Response(LessonSummarySerializer(lessons, many=True, context=self.get_serializer_context()).data)

    @extend_schema(
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The module document (version 1).")}
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The module as a JSON document another CoE Hub imports: settings, lessons in order, images
        (base64) and the active question bank with answers and explanations. Authors only."""
        return Response(services.module_export(actor=request.user, module=self.get_object()))

    @extend_schema(
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter("slug", str, description="Import under this slug instead of the document's."),
            OpenApiParameter("rename_if_taken", bool, description="If the slug is taken, choose a free one."),
            OpenApiParameter("dry_run", bool, description="Only check the document: write nothing."),
        ],
        responses={201: ImportReportSerializer, 200: ImportReportSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[JSONParser])
    def import_module(self, request):
        """Create a draft module from an exported document (the request body). The whole document is
        checked first; a document with problems writes nothing and answers 400 with every problem in
        ``error.fields``, keyed by its place in the document (``questions[3].choices``).
        ``?dry_run=true`` answers 200 with the report (``problems`` included) and writes nothing."""
        if not permissions.can_author(request.user):
            raise PermissionDenied("Only the CoE team imports training modules.")
        flag = {"1", "true", "yes"}
        options = {
            "slug": request.query_params.get("slug") or None,
            "rename_if_taken": request.query_params.get("rename_if_taken", "").lower() in flag,
        }
        data = request.data if isinstance(request.data, dict) else request.body
        if request.query_params.get("dry_run", "").lower() in flag:
            report = services.module_import_check(actor=request.user, data=data, **options)
            return Response(ImportReportSerializer(report, context=self.get_serializer_context()).data)
        report = services.module_import(actor=request.user, data=data, **options)
        return Response(
            ImportReportSerializer(report, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class LessonFilter(django_filters.FilterSet):
    module_slug = django_filters.CharFilter(field_name="module__slug")

    class Meta:
        model = Lesson
        fields = ["module", "module_slug"]


class LessonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Lessons of the modules the caller may learn from (published; authors every module), in
    order. Authors add (at the end), change and remove them; ``read`` records that the caller read
    one (201 the first time, 200 after)."""

    serializer_class = LessonSerializer
    filterset_class = LessonFilter
    ordering_fields = ["position"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        lessons = permissions.lessons_visible_to(self.request.user)
        if not permissions.can_author(self.request.user):
            lessons = lessons.filter(module__status=ModuleStatus.PUBLISHED)
        return lessons.select_related("module").order_by("module__position", "module__title", "position", "id")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False) or self.request is None:
            return context
        user = self.request.user
        if user.is_authenticated and self.request.method == "GET":
            context["read_ids"] = set(LessonRead.objects.filter(user=user).values_list("lesson_id", flat=True))
            images: dict[int, dict[str, str]] = {}
            for image in permissions.lesson_images_visible_to(user).select_related("module"):
                images.setdefault(image.module_id, {})[image.name] = image.get_absolute_url()
            context["images"] = images
        return context

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        module = data.pop("module")
        lesson = services.lesson_create(
            actor=request.user,
            module=module,
            title=data.get("title", ""),
            body=data.get("body", ""),
            estimated_minutes=data.get("estimated_minutes", 5),
        )
        return Response(self.get_serializer(lesson).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        lesson = self.get_object()
        serializer = self.get_serializer(lesson, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "module" in data:
            raise DomainError("A lesson stays in its module.", code="invalid", fields={"module": ["Read-only."]})
        lesson = services.lesson_update(actor=request.user, lesson=lesson, changes=data)
        return Response(self.get_serializer(lesson).data)

    def perform_destroy(self, instance):
        services.lesson_delete(actor=self.request.user, lesson=instance)

    @extend_schema(request=None, responses={201: ReadSerializer, 200: ReadSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """“I've read this”: recorded once; reading it again answers 200 with the first record."""
        lesson = self.get_object()
        existed = LessonRead.objects.filter(user=request.user, lesson=lesson).exists()
        record = services.lesson_mark_read(user=request.user, lesson=lesson)
        return Response(
            {"lesson": lesson.pk, "read_at": record.read_at},
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class QuestionFilter(django_filters.FilterSet):
    module_slug = django_filters.CharFilter(field_name="module__slug")

    class Meta:
        model = Question
        fields = ["module", "module_slug", "kind", "is_active"]


class QuestionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Question banks, for authors only (they carry the right answers). DELETE deletes a question
    no attempt used (204); a used one is deactivated instead (200, the question with
    ``is_active: false``)."""

    serializer_class = QuestionSerializer
    filterset_class = QuestionFilter
    search_fields = ["text"]
    ordering_fields = ["position", "id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    queryset = Question.objects.none()  # the real one needs the caller: get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Question.objects.none()
        if not permissions.can_author(self.request.user):
            raise PermissionDenied(
                "Question banks are for the CoE team; learners meet the questions in their quiz attempts."
            )
        return selectors.questions_for_authoring(user=self.request.user)

    def _save(self, request, *, question=None, partial=False):
        serializer = self.get_serializer(question, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if question is not None and "module" in data and data["module"].pk != question.module_id:
            raise DomainError("A question stays in its module.", code="invalid", fields={"module": ["Read-only."]})
        module = data.get("module") or question.module
        if question is not None and "choices" not in data:
            data["choices"] = [
                {"id": c.pk, "text": c.text, "is_correct": c.is_correct}
                for c in question.choices.order_by("position", "id")
            ]
        saved = services.question_save(
            actor=request.user,
            module=module,
            question=question,
            kind=data.get("kind", question.kind if question else ""),
            text=data.get("text", question.text if question else ""),
            explanation=data.get("explanation", question.explanation if question else ""),
            choices=[dict(choice) for choice in data["choices"]],
        )
        return self.get_queryset().get(pk=saved.pk)

    def create(self, request, *args, **kwargs):
        question = self._save(request)
        return Response(self.get_serializer(question).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        question = self._save(request, question=self.get_object(), partial=True)
        return Response(self.get_serializer(question).data)

    @extend_schema(responses={204: None, 200: QuestionSerializer})
    def destroy(self, request, *args, **kwargs):
        question = self.get_object()
        outcome = services.question_remove(actor=request.user, question=question)
        if outcome == "deleted":
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(self.get_serializer(self.get_queryset().get(pk=question.pk)).data)

    @extend_schema(request=None, responses={200: QuestionSerializer})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Stop drawing the question (its past attempts keep it)."""
        question = services.question_set_active(actor=request.user, question=self.get_object(), active=False)
        return Response(self.get_serializer(self.get_queryset().get(pk=question.pk)).data)

    @extend_schema(request=None, responses={200: QuestionSerializer})
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Draw the question again."""
        question = services.question_set_active(actor=request.user, question=self.get_object(), active=True)
        return Response(self.get_serializer(self.get_queryset().get(pk=question.pk)).data)
