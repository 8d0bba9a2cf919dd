"""Maturity assessments: a questionnaire across the CoE's competencies and the organisation of
social, scored (coe.services.maturity) onto the five levels of social media maturity and the four
stages from Social Advocate to Social Enterprise, for the company or one department."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from coe.models.base import Department, TimeStampedModel


class Competency(models.TextChoices):
    STRATEGY = "strategy", "Strategy"
    GOVERNANCE = "governance", "Governance"
    TRAINING = "training", "Training"
    INNOVATION = "innovation", "Innovation"
    MEASUREMENT = "measurement", "Measurement and insight"
    ORGANISATION = "organisation", "Organisation of social"


class MaturityQuestion(TimeStampedModel):
    """One statement people rate from 0 (not at all) to 4 (fully, everywhere)."""

    competency = models.CharField(max_length=12, choices=Competency.choices)
    text = models.CharField(max_length=300)
    guidance = models.TextField(blank=True, help_text="What a 4 looks like.")
    position = models.PositiveIntegerField(default=0)
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(5)])
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["competency", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class MaturityAssessment(TimeStampedModel):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="maturity_assessments",
        help_text="Empty: the whole company.",
    )
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Written once on completion (coe.services.maturity): per competency 0–100, the level and stage
    # reached, and the facts the app knew at that moment beside the self-assessment.
    scores = models.JSONField(default=dict, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    stage = models.PositiveSmallIntegerField(null=True, blank=True)
    facts = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-completed_at", "-created_at"]
        indexes = [models.Index(fields=["department", "completed_at"], name="coe_maturity_dept_done")]

    def __str__(self) -> str:
        scope = self.department or "Company"
        return f"Maturity of {scope} ({self.created_at:%Y-%m-%d})" if self.created_at else f"Maturity of {scope}"


class MaturityAnswer(models.Model):
    assessment = models.ForeignKey(MaturityAssessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(MaturityQuestion, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(4)])
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["assessment", "question"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="coe_maturity_answer_once"),
            models.CheckConstraint(condition=Q(score__lte=4), name="coe_maturity_answer_0_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.score}"


class MaturityRecommendation(TimeStampedModel):
    """A next step for a competency that scores below ``below_score`` (0–100); the CoE edits them."""

    competency = models.CharField(max_length=12, choices=Competency.choices)
    below_score = models.PositiveSmallIntegerField(
        default=60, validators=[MaxValueValidator(100)], help_text="Shown when the competency scores below this."
    )
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["competency", "below_score", "position", "pk"]

    def __str__(self) -> str:
        return self.title
