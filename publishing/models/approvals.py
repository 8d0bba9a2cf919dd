"""Approval policies (what the CoE configures) and each post's approval route (what a submission
was given): ordered stages that either gate (must approve) or inform (notified, no action)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coe.models import Department, TimeStampedModel


class StageKind(models.TextChoices):
    GATE = "gate", "Must approve"
    INFORM = "inform", "Kept informed"


class ApprovalPolicy(TimeStampedModel):
    """Which stages a post goes through. It applies to one channel (or every channel) and
    optionally one department; the most specific active policy for each target channel wins."""

    class LateApproval(models.TextChoices):
        PUBLISH_NOW = "publish_now", "Publish at once"
        NEW_TIME = "new_time", "Wait for a new time"

    name = models.CharField(max_length=120)
    channel = models.ForeignKey(
        "publishing.Channel",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approval_policies",
        help_text="Empty: every channel that has no policy of its own.",
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: posts of every department.",
    )
    is_active = models.BooleanField(default=True)
    late_approval = models.CharField(
        max_length=20,
        choices=LateApproval.choices,
        default=LateApproval.PUBLISH_NOW,
        help_text="When a post is approved after its scheduled time.",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "approval policies"

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        return (2 if self.channel_id else 0) + (1 if self.department_id else 0)


class ApprovalStage(models.Model):
    policy = models.ForeignKey(ApprovalPolicy, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField(
        default=10, help_text="Stages run in order of position; equal positions run side by side."
    )
    name = models.CharField(max_length=80, help_text="e.g. Department lead, Legal, Brand.")
    kind = models.CharField(max_length=10, choices=StageKind.choices, default=StageKind.GATE)
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    department_lead = models.BooleanField(default=False, help_text="The lead of the post's department acts.")
    required_approvals = models.PositiveSmallIntegerField(
        default=1, help_text="How many approvals it needs; 0 means all of the named people."
    )
    turnaround_hours = models.PositiveIntegerField(
        null=True, blank=True, help_text="Remind, then escalate, after this."
    )
    external_reviewers = models.TextField(
        blank=True, help_text="E-mail addresses of outside reviewers (agency, counsel), one per line."
    )

    class Meta:
        ordering = ["policy", "position", "id"]

    def __str__(self) -> str:
        return f"{self.policy}: {self.name}"

    @property
    def who_acts(self) -> str:
        """Who decides (or is told) at this stage, in words: “CoE member, department lead, Priya”."""
        parts = [str(self.group)] if self.group_id else []
        if self.department_lead:
            parts.append("department lead")
        parts += [str(person) for person in self.people.all()]
        if self.external_reviewers.strip():
            parts.append("outside reviewers")
        return ", ".join(parts) or "nobody named yet"


class PostStage(models.Model):
    """One stage of the route a post was given when it was submitted (a snapshot: editing a policy
    later does not change posts already in review)."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        ACTIVE = "active", "Waiting for decision"
        APPROVED = "approved", "Approved"
        INFORMED = "informed", "Informed"
        CLOSED = "closed", "Closed (the round ended)"

    post = models.ForeignKey("publishing.Post", on_delete=models.CASCADE, related_name="stages")
    review_round = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=StageKind.choices)
    source = models.CharField(max_length=200, blank=True, help_text="The policy (or rule) that added it.")
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    required_approvals = models.PositiveSmallIntegerField(default=1)
    external_reviewers = models.TextField(blank=True)
    turnaround_hours = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    activated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["post", "review_round", "position", "id"]
        indexes = [models.Index(fields=["status", "kind"], name="publishing_stage_status_kind")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def is_overdue(self) -> bool:
        return bool(self.status == self.Status.ACTIVE and self.due_at and self.due_at < timezone.now())


class Review(models.Model):
    class Decision(models.TextChoices):
        APPROVE = "approve", "Approved"
        REQUEST_CHANGES = "request_changes", "Requested changes"
        REJECT = "reject", "Rejected"

    post = models.ForeignKey("publishing.Post", on_delete=models.CASCADE, related_name="reviews")
    stage = models.ForeignKey(PostStage, null=True, on_delete=models.SET_NULL, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reviews")
    reviewer_label = models.CharField(max_length=200, blank=True, help_text="An outside reviewer's name and address.")
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(blank=True)
    post_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # A double click cannot approve twice.
            models.UniqueConstraint(
                fields=["stage", "reviewer", "post_version"],
                condition=Q(decision="approve", reviewer__isnull=False),
                name="publishing_review_one_approval_per_person",
            ),
            models.UniqueConstraint(
                fields=["stage", "reviewer_label", "post_version"],
                condition=Q(decision="approve", reviewer__isnull=True),
                name="publishing_review_one_external_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.who} {self.get_decision_display().lower()} #{self.post_id}"

    @property
    def who(self) -> str:
        return str(self.reviewer) if self.reviewer_id else self.reviewer_label


class Delegation(models.Model):
    """An approver's stand-in while they are away: the delegate may act for them in the period."""

    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegations_given")
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegations_held")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="publishing_delegation_ends_after_start",
                violation_error_message="The delegation must end after it starts.",
            ),
            models.CheckConstraint(
                condition=~Q(approver=models.F("delegate")),
                name="publishing_delegation_not_self",
                violation_error_message="Choose someone other than yourself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegate} for {self.approver}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The delegation must end after it starts."})


class ExternalReviewInvite(models.Model):
    """A signed, expiring link that lets someone without an account decide on one stage."""

    post = models.ForeignKey("publishing.Post", on_delete=models.CASCADE, related_name="external_invites")
    stage = models.ForeignKey(PostStage, on_delete=models.CASCADE, related_name="external_invites")
    email = models.EmailField()
    name = models.CharField(max_length=120, blank=True)
    post_version = models.PositiveIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name or self.email} for #{self.post_id}"

    @property
    def label(self) -> str:
        return f"{self.name} <{self.email}> (outside reviewer)" if self.name else f"{self.email} (outside reviewer)"
