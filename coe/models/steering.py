"""The steering committee: a representative per department, meetings on a recurring cadence with
agenda, minutes, decisions and attendance, and action items with owners and due dates (reminded by
beat)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from coe.models.base import Department, TimeStampedModel


class SteeringMember(TimeStampedModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="steering_seats")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="steering_members"
    )
    title = models.CharField(max_length=120, blank=True, help_text="e.g. Head of Customer Service.")
    is_chair = models.BooleanField(default=False)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["department__name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(left_on__isnull=True), name="coe_steering_one_open_seat"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.department or 'no department'})"


class SteeringSeries(TimeStampedModel):
    """The committee's recurring meeting: what the ICS invite describes."""

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    name = models.CharField(max_length=150, default="Social media steering committee")
    cadence = models.CharField(max_length=12, choices=Cadence.choices, default=Cadence.MONTHLY)
    first_meeting_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(default=60)
    location = models.CharField(max_length=200, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "steering series"

    def __str__(self) -> str:
        return self.name


class SteeringMeeting(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    series = models.ForeignKey(
        SteeringSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    scheduled_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)

    class Meta:
        ordering = ["-scheduled_at"]

    def __str__(self) -> str:
        return f"Steering committee {self.scheduled_at:%Y-%m-%d}"


class SteeringAttendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Sent apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(SteeringMeeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="coe_attendance_once")]

    def __str__(self) -> str:
        return f"{self.user}: {self.status}"


class SteeringDecision(TimeStampedModel):
    meeting = models.ForeignKey(SteeringMeeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()

    class Meta:
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionItem(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    meeting = models.ForeignKey(
        SteeringMeeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    title = models.CharField(max_length=250)
    detail = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="action_items")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Each reminder goes once: before the due date, and once when it is overdue.
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_reminded_at = models.DateTimeField(null=True, blank=True)

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="coe_actionitem_status_due")]

    def __str__(self) -> str:
        return self.title
