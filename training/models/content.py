"""Modules (what a person learns, in lessons) and who read which lesson."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from coe.models import TimeStampedModel


class Level(models.TextChoices):
    FOUNDATION = "foundation", "Foundation"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class ModuleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class FeedbackMode(models.TextChoices):
    NONE = "none", "Score only"
    AFTER_SUBMIT = "after_submit", "Right answers and explanations after each attempt"
    AFTER_PASS = "after_pass", "Right answers and explanations once passed"


class Module(TimeStampedModel):
    """A course unit: ordered lessons, then a quiz drawn from its question bank."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=400, blank=True)
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.FOUNDATION)
    estimated_minutes = models.PositiveSmallIntegerField(default=20)
    status = models.CharField(max_length=10, choices=ModuleStatus.choices, default=ModuleStatus.DRAFT)
    position = models.PositiveSmallIntegerField(default=100, help_text="Order in the catalogue.")
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="unlocks", help_text="Modules to pass first."
    )
    # The quiz.
    questions_per_attempt = models.PositiveSmallIntegerField(default=8, help_text="Drawn from the bank, shuffled.")
    pass_mark_percent = models.PositiveSmallIntegerField(default=80)
    max_attempts = models.PositiveSmallIntegerField(default=3, help_text="0: unlimited.")
    cooldown_minutes = models.PositiveIntegerField(default=60, help_text="Wait after a failed attempt.")
    time_limit_minutes = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: no limit.")
    feedback = models.CharField(max_length=14, choices=FeedbackMode.choices, default=FeedbackMode.AFTER_SUBMIT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "title"]
        permissions = [
            ("author_module", "Can write, publish and import training modules"),
            ("view_training_report", "Can see everyone's training progress"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark_percent__gte=1, pass_mark_percent__lte=100),
                name="training_module_pass_mark_range",
                violation_error_message="The pass mark is a percentage from 1 to 100.",
            ),
            models.CheckConstraint(
                condition=Q(questions_per_attempt__gte=1),
                name="training_module_draws_a_question",
                violation_error_message="Draw at least one question per attempt.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:module_detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == ModuleStatus.PUBLISHED


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField(default=10)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown; images from the app's storage.")
    estimated_minutes = models.PositiveSmallIntegerField(default=5)

    class Meta:
        ordering = ["module", "position", "id"]

    def __str__(self) -> str:
        return f"{self.module}: {self.title}"


class LessonRead(models.Model):
    """A person opened a lesson to its end (progress through a module)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lessons_read")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="training_lessonread_once")]

    def __str__(self) -> str:
        return f"{self.user} read {self.lesson}"


class LessonImage(models.Model):
    """An image a module's lessons show, kept in the app's storage. Lessons refer to it by its name
    (``![What it shows](image:escalation-ladder.png)``), so a module's Markdown stays the same when
    it is exported and imported elsewhere."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="images")
    name = models.CharField(max_length=100, help_text="How lessons refer to it: image:<name>.")
    file = models.ImageField(upload_to="training/lessons/%Y/%m/")
    alt_text = models.CharField(max_length=300, blank=True, help_text="Describes the image for screen readers.")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True)
    height = models.PositiveIntegerField(null=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["module", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "name"],
                name="training_lessonimage_name_once",
                violation_error_message="This module already has an image of that name.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.module}: {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("training:lesson_image", kwargs={"slug": self.module.slug, "name": self.name})
