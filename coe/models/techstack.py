"""The tools inventory (what the CoE pays for and when it renews) and tech-stack evaluations:
weighted requirements, candidate vendors, each reviewer's score per requirement and candidate, and
one recommended tool with the reasons, for leadership."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from coe.models.base import Department, TimeStampedModel


class ToolCategory(models.TextChoices):
    SOCIAL_MANAGEMENT = "social_management", "Social media management"
    LISTENING = "listening", "Social listening"
    ANALYTICS = "analytics", "Analytics and reporting"
    ASSETS = "assets", "Digital assets"
    ADVOCACY = "advocacy", "Employee advocacy"
    OTHER = "other", "Other"


class Tool(TimeStampedModel):
    name = models.CharField(max_length=150)
    vendor = models.CharField(max_length=150, blank=True)
    category = models.CharField(max_length=20, choices=ToolCategory.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="tools_owned"
    )
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="tools")
    yearly_cost = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="EUR")
    renewal_on = models.DateField(null=True, blank=True)
    # The renewal date the owner was last reminded of (a reminder goes once per renewal date).
    renewal_reminded_for = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(yearly_cost__gte=0), name="coe_tool_cost_not_negative")
        ]

    def __str__(self) -> str:
        return self.name


class Evaluation(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Setting up"
        SCORING = "scoring", "Reviewers scoring"
        FINISHED = "finished", "Finished (recommendation made)"

    title = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=ToolCategory.choices)
    purpose = models.TextField(blank=True, help_text="The problem the tool must solve.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="evaluations_reviewing")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recommended = models.ForeignKey(
        "EvaluationCandidate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recommendation = models.TextField(blank=True, help_text="Why this tool, in a few sentences for leadership.")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class EvaluationRequirement(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="requirements")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1), MaxValueValidator(5)])
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["evaluation", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=5), name="coe_requirement_weight_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return self.name


class EvaluationCandidate(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=150, help_text="Vendor and product.")
    notes = models.TextField(blank=True)
    yearly_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["evaluation", "name"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "name"], name="coe_candidate_once")]

    def __str__(self) -> str:
        return self.name


class EvaluationScore(models.Model):
    requirement = models.ForeignKey(EvaluationRequirement, on_delete=models.CASCADE, related_name="scores")
    candidate = models.ForeignKey(EvaluationCandidate, on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(5)], help_text="0 (fails) to 5 (excellent).")
    comment = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["requirement", "candidate", "reviewer"], name="coe_score_once"),
            models.CheckConstraint(condition=models.Q(score__lte=5), name="coe_score_0_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} / {self.requirement}: {self.score}"
