"""The charter — "written in pencil, not pen": numbered versions, each with the vision, the
business goals, how they will be achieved and measured, and how relationships change; never the
tools. A CoE manager approves a version, which makes it the current one. Objectives are the
business goals as records (what KPIs measure)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coe.models.base import Department, TimeStampedModel


class CharterVersion(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved (current)"
        SUPERSEDED = "superseded", "Superseded"

    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    vision = models.TextField(help_text="Where social takes the company.")
    business_goals = models.TextField(help_text="The goals social serves (the objectives below are their records).")
    how_achieved = models.TextField(help_text="How the goals will be achieved.")
    how_measured = models.TextField(help_text="How they will be measured.")
    employees = models.TextField(blank=True, help_text="How relationships with employees will change.")
    customers = models.TextField(blank=True, help_text="… with customers.")
    prospects = models.TextField(blank=True, help_text="… with prospects.")
    partners = models.TextField(blank=True, help_text="… with partners.")
    change_note = models.CharField(max_length=300, blank=True, help_text="What this version changes and why.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    # The sections, in the order a charter reads (diffs and pages walk this list).
    SECTIONS = (
        ("vision", "Vision"),
        ("business_goals", "Business goals"),
        ("how_achieved", "How we will achieve them"),
        ("how_measured", "How we will measure them"),
        ("employees", "Relationships with employees"),
        ("customers", "Relationships with customers"),
        ("prospects", "Relationships with prospects"),
        ("partners", "Relationships with partners"),
    )

    class Meta:
        ordering = ["-number"]
        permissions = [("approve_charterversion", "Can approve a charter version (makes it current)")]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="approved"), name="coe_charter_one_current_version"
            )
        ]

    def __str__(self) -> str:
        return f"Charter v{self.number}"


class Objective(TimeStampedModel):
    """A business goal of the charter, as a record: what KPIs measure and ROI reports answer."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="objectives_owned"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="objectives"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="coe_objective_period_order",
                violation_error_message="The period must end on or after its start.",
            )
        ]

    def __str__(self) -> str:
        return self.title
