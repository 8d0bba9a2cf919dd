"""Posts, what they are about (campaign, content theme), their media, revisions and history."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from coe.models import Department, TimeStampedModel


class Campaign(TimeStampedModel):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_sponsored = models.BooleanField(default=False, help_text="Paid or sponsored: posts must carry a disclosure.")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Archived (inactive) campaigns are not offered for new posts; posts that use them keep them.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="publishing_campaign_name_ci",
                violation_error_message="A campaign with this name already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The campaign cannot end before it starts."})


class ContentTheme(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="publishing_contenttheme_name_ci",
                violation_error_message="A content theme with this name already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.name


def text_fingerprint(text: str, link: str = "") -> str:
    """Same words, whatever the case and spacing: what the duplicate warning compares."""
    normal = " ".join(f"{text} {link}".casefold().split())
    return hashlib.sha256(normal.encode()).hexdigest()[:32]


class Post(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"

    EDITABLE = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED, Status.IN_REVIEW, Status.APPROVED})
    CLOSED = frozenset({Status.REJECTED, Status.WITHDRAWN, Status.EXPIRED})

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="posts")
    text = models.TextField()
    link = models.URLField(max_length=500, blank=True)
    # PROTECT: a campaign or theme that posts use is archived or renamed, never deleted from under them.
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="posts")
    theme = models.ForeignKey(ContentTheme, null=True, blank=True, on_delete=models.PROTECT, related_name="posts")
    scheduled_at = models.DateTimeField(null=True, blank=True, help_text="Empty: publish as soon as it is approved.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1, help_text="Goes up with every change of content.")
    review_round = models.PositiveIntegerField(default=0, help_text="Goes up with every submission.")
    fingerprint = models.CharField(max_length=32, db_index=True, editable=False)
    late_approval = models.CharField(
        max_length=20, blank=True, help_text="Set at submission from the policies: what happens if approved late."
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    channels = models.ManyToManyField("publishing.Channel", through="publishing.Publication", related_name="posts")
    # A statement for an active crisis incident: written by a spokesperson from the plan's holding
    # statements, approved through the plan's shortcut, and the only thing a frozen channel sends.
    crisis_incident = models.ForeignKey(
        "governance.CrisisIncident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "scheduled_at"], name="publishing_post_status_time"),
            models.Index(fields=["department", "status"], name="publishing_post_dept_status"),
        ]
        permissions = [
            ("view_all_posts", "Can see every department's posts"),
            ("review_posts", "Can use the review queue"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary}"

    def save(self, *args, **kwargs):
        self.fingerprint = text_fingerprint(self.text, self.link)
        if kwargs.get("update_fields") is not None and {"text", "link"} & set(kwargs["update_fields"]):
            kwargs["update_fields"] = {*kwargs["update_fields"], "fingerprint"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("publishing:post_detail", kwargs={"pk": self.pk})

    @property
    def summary(self) -> str:
        first_line = self.text.strip().splitlines()[0] if self.text.strip() else "(no text)"
        return first_line if len(first_line) <= 60 else first_line[:59] + "…"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_overdue(self) -> bool:
        return bool(self.scheduled_at and self.scheduled_at < timezone.now())


class PostMedia(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="media")
    file = models.ImageField(upload_to="posts/%Y/%m/")
    alt_text = models.CharField(max_length=1000, blank=True, help_text="Describes the image for screen readers.")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True)
    height = models.PositiveIntegerField(null=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text or self.file.name


class PostRevision(models.Model):
    """The content of each version, so a reviewer sees what changed since they last looked."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    text = models.TextField()
    link = models.URLField(max_length=500, blank=True)
    channel_names = models.JSONField(default=list)
    media_count = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post", "version"]
        constraints = [models.UniqueConstraint(fields=["post", "version"], name="publishing_revision_unique")]

    def __str__(self) -> str:
        return f"{self.post_id} v{self.version}"


class PostTransition(models.Model):
    """One step of a post's timeline: who did what, when, from which status to which."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True, help_text="An external reviewer or the system.")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.action} {self.from_status}→{self.to_status}"

    @property
    def who(self) -> str:
        return str(self.actor) if self.actor_id else (self.actor_label or "CoE Hub")


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    post_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]

    @property
    def who(self) -> str:
        return str(self.author) if self.author_id else self.author_label


class ReviewSeen(models.Model):
    """The version of a post a reviewer last looked at (for “what changed since I last looked”)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="publishing_reviewseen_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} saw #{self.post_id} v{self.version}"


class PostRuleCheck(models.Model):
    """What the content rules found, kept for the evidence pack: at submission, and for each
    channel just before it was published (rules may have changed in between)."""

    class Moment(models.TextChoices):
        SUBMISSION = "submission", "At submission"
        PUBLICATION = "publication", "Before publishing"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="rule_checks")
    publication = models.ForeignKey(
        "publishing.Publication", null=True, blank=True, on_delete=models.CASCADE, related_name="rule_checks"
    )
    moment = models.CharField(max_length=12, choices=Moment.choices)
    post_version = models.PositiveIntegerField()
    findings = models.JSONField(default=list, help_text="Each finding: rule, kind, severity, span, message.")
    blocked = models.BooleanField(default=False)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post", "checked_at", "id"]

    def __str__(self) -> str:
        return f"#{self.post_id} {self.get_moment_display().lower()}: {len(self.findings)} finding(s)"
