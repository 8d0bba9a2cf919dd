"""Assignments: the CoE asks a department, a role or a person to complete a module or a track by a
date. People who join an assigned department later have it too (the audience is evaluated each
time, not copied)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coe.models import Department


class Assignment(models.Model):
    module = models.ForeignKey(
        "training.Module", null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    track = models.ForeignKey(
        "training.CertificationTrack", null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="training_assignments"
    )
    role = models.ForeignKey(Group, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="training_assignments"
    )
    due_on = models.DateField()
    days_for_newcomers = models.PositiveSmallIntegerField(
        default=30, help_text="Someone who joins the audience later gets this many days from joining."
    )
    note = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(module__isnull=False) & Q(track__isnull=True))
                | (Q(module__isnull=True) & Q(track__isnull=False)),
                name="training_assignment_module_or_track",
                violation_error_message="Assign a module or a track.",
            ),
            models.CheckConstraint(
                condition=(Q(department__isnull=False) & Q(role__isnull=True) & Q(user__isnull=True))
                | (Q(department__isnull=True) & Q(role__isnull=False) & Q(user__isnull=True))
                | (Q(department__isnull=True) & Q(role__isnull=True) & Q(user__isnull=False)),
                name="training_assignment_one_audience",
                violation_error_message="Assign to a department, a role or a person.",
            ),
        ]

    def __str__(self) -> str:
        what = self.module or self.track
        who = self.department or self.role or self.user
        return f"{what} → {who} by {self.due_on:%Y-%m-%d}"


class AssignmentReminder(models.Model):
    """An overdue reminder already sent to one person for one assignment (each goes once)."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "user", "kind"], name="training_assignment_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user} for {self.assignment}"
