"""Policies (social media policy, brand guidelines, disclosure …) in versions, and who
acknowledged which version."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from coe.models import Department, TimeStampedModel


class PolicyCategory(models.TextChoices):
    SOCIAL_MEDIA = "social_media", "Social media policy"
    BRAND = "brand", "Brand guidelines"
    DISCLOSURE = "disclosure", "Disclosure and advocacy"
    CRISIS = "crisis", "Crisis communications"
    PRIVACY = "privacy", "Privacy and personal data"
    OTHER = "other", "Other"


class Policy(TimeStampedModel):
    """A policy in all its versions. Its audience is everyone, or chosen departments and roles."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    category = models.CharField(max_length=20, choices=PolicyCategory.choices, default=PolicyCategory.OTHER)
    summary = models.CharField(max_length=300, blank=True, help_text="One sentence: what it is for.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="policies_owned"
    )
    review_due_on = models.DateField(null=True, blank=True, help_text="When the owner should review it again.")
    review_reminded_on = models.DateField(null=True, blank=True, editable=False)
    audience_everyone = models.BooleanField(default=True, help_text="Everyone in the company must acknowledge it.")
    audience_departments = models.ManyToManyField(Department, blank=True, related_name="+")
    audience_roles = models.ManyToManyField(Group, blank=True, related_name="+")
    acknowledge_within_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days people have to acknowledge a version that asks them to."
    )
    # The published version people read now, and the newest one that asked everyone to acknowledge
    # it again (acknowledging it or any later version counts). Set by governance.services.policies.
    current_version = models.ForeignKey(
        "governance.PolicyVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    acknowledgment_version = models.ForeignKey(
        "governance.PolicyVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "policies"
        permissions = [("view_policy_compliance", "Can see who acknowledged policies")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:policy_detail", kwargs={"slug": self.slug})


class PolicyVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField(help_text="Markdown.")
    change_summary = models.CharField(max_length=500, blank=True)
    requires_acknowledgment = models.BooleanField(
        default=True, help_text="A major change: everyone in the audience acknowledges it again."
    )
    effective_on = models.DateField(default=timezone.localdate)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["policy", "-number"]
        permissions = [("publish_policyversion", "Can publish and retire policy versions")]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="governance_policyversion_unique_number"),
            models.UniqueConstraint(
                fields=["policy"],
                condition=Q(status="published"),
                name="governance_policyversion_one_published",
                violation_error_message="A policy has one published version at a time.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} v{self.number}"

    @property
    def label(self) -> str:
        return f"v{self.number}"

    def clean(self) -> None:
        if not self.body.strip():
            raise ValidationError({"body": "Write the policy's text."})


class Acknowledgment(models.Model):
    """“I have read and accept”: who, which version, when."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acknowledgments")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgments")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="governance_acknowledgment_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.user} acknowledged {self.version}"


class AcknowledgmentReminder(models.Model):
    """A reminder (or an escalation to the department lead) already sent, so each goes once."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        ESCALATION = "escalation", "Escalated to the department lead"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "version", "kind"], name="governance_ack_reminder_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user} for {self.version}"
