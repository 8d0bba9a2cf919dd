"""Quizzes: each module's question bank, the attempts people make (the questions drawn for them,
what they answered, how it scored) and accommodations (extra time or an extra attempt)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    TRUE_FALSE = "true_false", "True or false"


class Question(models.Model):
    module = models.ForeignKey("training.Module", on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=12, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    text = models.TextField()
    explanation = models.TextField(blank=True, help_text="Shown with the right answer after submission.")
    position = models.PositiveSmallIntegerField(default=10)
    is_active = models.BooleanField(default=True, help_text="Inactive questions are no longer drawn.")

    class Meta:
        ordering = ["module", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Attempt(models.Model):
    """One go at a module's quiz. Scored on the server when submitted; never changed after."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        TIMED_OUT = "timed_out", "Time ran out"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    module = models.ForeignKey("training.Module", on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(default=timezone.now)
    deadline_at = models.DateTimeField(null=True, blank=True, help_text="The time limit, accommodations included.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    score_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "module", "status"], name="training_attempt_user_module")]
        constraints = [
            models.UniqueConstraint(fields=["user", "module", "number"], name="training_attempt_number_unique"),
            # A double click on "start" cannot open two attempts.
            models.UniqueConstraint(
                fields=["user", "module"],
                condition=Q(status="in_progress"),
                name="training_attempt_one_open",
                violation_error_message="An attempt at this quiz is already open.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.module} #{self.number}"


class AttemptQuestion(models.Model):
    """A question drawn for an attempt, the order its choices were shown in, and the answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    choice_order = models.JSONField(default=list, help_text="Choice ids in the order shown.")
    selected = models.JSONField(default=list, help_text="Choice ids the person picked.")
    answered_at = models.DateTimeField(null=True, blank=True)
    points = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True, help_text="0 to 1.")
    is_correct = models.BooleanField(null=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="training_attemptquestion_position"),
            models.UniqueConstraint(fields=["attempt", "question"], name="training_attemptquestion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} Q{self.position}"


class Accommodation(models.Model):
    """Extra time or extra attempts for one person (e.g. an accessibility accommodation), on one
    module or on every quiz; who granted it and why is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accommodations")
    module = models.ForeignKey(
        "training.Module", null=True, blank=True, on_delete=models.CASCADE, related_name="accommodations"
    )
    extra_minutes = models.PositiveSmallIntegerField(default=0)
    extra_attempts = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(max_length=300)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-granted_at"]
        permissions = [("grant_accommodation", "Can grant extra time or attempts")]

    def __str__(self) -> str:
        return f"{self.user}: +{self.extra_minutes} min, +{self.extra_attempts} attempts"
