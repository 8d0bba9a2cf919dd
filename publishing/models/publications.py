"""Publications (a post on one channel), every attempt to send one, the pause-all switch and
personal calendar feeds."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils import timezone


class Publication(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        SCHEDULED = "scheduled", "Scheduled"
        QUEUED = "queued", "Queued"
        PUBLISHING = "publishing", "Publishing"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Outcome unknown"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    class HoldReason(models.TextChoices):
        NONE = "", "—"
        CHANNEL = "channel", "The channel needs reconnecting or is inactive"
        CRISIS = "crisis", "Frozen by a crisis"
        NEEDS_TIME = "needs_time", "Approved after its time: pick a new time"

    # Publications the sender may still act on (not yet out, not given up).
    OPEN = frozenset({Status.PENDING, Status.SCHEDULED, Status.HELD})
    # Already sent, or possibly sent: the post's content can no longer change.
    OUT = frozenset({Status.QUEUED, Status.PUBLISHING, Status.PUBLISHED, Status.UNKNOWN})

    post = models.ForeignKey("publishing.Post", on_delete=models.CASCADE, related_name="publications")
    channel = models.ForeignKey("publishing.Channel", on_delete=models.PROTECT, related_name="publications")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    hold_reason = models.CharField(max_length=12, choices=HoldReason.choices, default="", blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Attempts in the current cycle (reset by a retry).")
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    external_id = models.CharField(max_length=300, blank=True)
    external_url = models.URLField(max_length=500, blank=True)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheduled_at", "id"]
        constraints = [models.UniqueConstraint(fields=["post", "channel"], name="publishing_publication_unique")]
        indexes = [
            models.Index(fields=["status", "scheduled_at"], name="publishing_pub_status_time"),
            models.Index(fields=["scheduled_at"], name="publishing_pub_time"),
            models.Index(fields=["channel", "status"], name="publishing_pub_channel_status"),
            # the posts of a period (analytics' top and bottom posts)
            models.Index(fields=["published_at"], name="publishing_pub_published"),
        ]

    def __str__(self) -> str:
        return f"#{self.post_id} on {self.channel_id}: {self.status}"

    @property
    def when(self):
        """The time that matters on a calendar: when it went out, else when it is meant to."""
        return self.published_at or self.scheduled_at


class PublishAttempt(models.Model):
    """Written before every call to a network (so a crash mid-send is visible afterwards)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "In flight"
        SENT = "sent", "Sent"
        FOUND = "found", "Found already on the network"
        TRANSIENT = "transient", "Passing error"
        PERMANENT = "permanent", "Refused"
        CREDENTIALS = "credentials", "Credentials refused"
        UNKNOWN = "unknown", "Outcome unknown"
        SKIPPED = "skipped", "Not sent"

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)
    worker = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["publication", "number", "id"]

    def __str__(self) -> str:
        return f"{self.publication_id} try {self.number}: {self.outcome}"


class PublishingControl(models.Model):
    """The CoE manager's pause-all switch (a single row)."""

    paused = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        permissions = [("pause_publishing", "Can pause and resume all publishing")]

    def __str__(self) -> str:
        return "Publishing paused" if self.paused else "Publishing running"

    @classmethod
    def current(cls) -> PublishingControl:
        control, _ = cls.objects.get_or_create(pk=1)
        return control

    CACHE_KEY = "publishing:paused-reason"

    @classmethod
    def paused_reason(cls) -> str | None:
        """The reason publishing is paused, or None; cached for the banner on every page (the
        switch clears the cache; the dispatcher always reads the row itself)."""
        cached = cache.get(cls.CACHE_KEY)
        if cached is None:
            row = cls.objects.filter(pk=1, paused=True).values_list("reason", flat=True).first()
            cached = {"paused": row is not None, "reason": row or ""}
            cache.set(cls.CACHE_KEY, cached, 300)
        return cached["reason"] if cached["paused"] else None


class PublishingControlEvent(models.Model):
    """Audit of the switch: every pause and resume with who, when and why."""

    paused = models.BooleanField()
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{'paused' if self.paused else 'resumed'} by {self.actor} at {self.created_at:%Y-%m-%d %H:%M}"


def _new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's secret ICS address; replacing the token revokes the old address."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=_new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
