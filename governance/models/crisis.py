"""Crisis plans (scenarios, contacts, spokespeople, holding statements) and incidents. An active
incident freezes publishing on its channels: publishing reads the freeze at send time
(governance.selectors.frozen_channel_ids) and never imports anything else from here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from coe.models import TimeStampedModel


class Severity(models.TextChoices):
    LOW = "low", "1 · Low: a complaint that could spread"
    MEDIUM = "medium", "2 · Medium: negative attention, media interest"
    HIGH = "high", "3 · High: trending, harm to reputation"
    CRITICAL = "critical", "4 · Critical: safety, legal or existential"


class CrisisPlan(TimeStampedModel):
    name = models.CharField(max_length=150, unique=True)
    purpose = models.TextField(blank=True)
    escalation_contacts = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    spokespeople = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="crisis_spokesperson_for")
    # The shortcut route of a holding statement during an incident: a spokesperson writes it, then
    # this many CoE approvals (0: the spokesperson's own word is enough).
    shortcut_coe_approvals = models.PositiveSmallIntegerField(default=1)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        permissions = [("declare_incident", "Can declare and resolve crisis incidents")]

    def __str__(self) -> str:
        return self.name


class CrisisScenario(models.Model):
    plan = models.ForeignKey(CrisisPlan, on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    default_severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    first_steps = models.TextField(blank=True, help_text="The first hour, one step per line.")

    class Meta:
        ordering = ["plan", "name"]

    def __str__(self) -> str:
        return self.name


class HoldingStatement(models.Model):
    """Pre-approved words for the first hours, with blanks such as [time] to fill in."""

    plan = models.ForeignKey(CrisisPlan, on_delete=models.CASCADE, related_name="holding_statements")
    scenario = models.ForeignKey(
        CrisisScenario, null=True, blank=True, on_delete=models.SET_NULL, related_name="holding_statements"
    )
    title = models.CharField(max_length=150)
    text = models.TextField()

    class Meta:
        ordering = ["plan", "title"]

    def __str__(self) -> str:
        return self.title


class CrisisIncident(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RESOLVED = "resolved", "Resolved"

    title = models.CharField(max_length=200)
    plan = models.ForeignKey(CrisisPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents")
    scenario = models.ForeignKey(
        CrisisScenario, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    severity = models.CharField(max_length=10, choices=Severity.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    all_channels = models.BooleanField(default=True, help_text="Freeze every channel.")
    channels = models.ManyToManyField("publishing.Channel", blank=True, related_name="+")
    first_statement = models.TextField(blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    declared_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The post-incident review.
    review_summary = models.TextField(blank=True)
    review_went_well = models.TextField(blank=True)
    review_to_improve = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-declared_at"]
        indexes = [models.Index(fields=["status"], name="governance_incident_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="active", resolved_at__isnull=True)
                | Q(status="resolved", resolved_at__isnull=False),
                name="governance_incident_resolved_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:incident_detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class IncidentUpdate(models.Model):
    """One line of an incident's timeline."""

    class Kind(models.TextChoices):
        DECLARED = "declared", "Declared"
        UPDATE = "update", "Update"
        DECISION = "decision", "Decision"
        STATEMENT = "statement", "Statement"
        RESOLVED = "resolved", "Resolved"
        REVIEW = "review", "Post-incident review"

    incident = models.ForeignKey(CrisisIncident, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.UPDATE)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.incident}: {self.get_kind_display()}"
