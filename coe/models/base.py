"""People, departments and roles, notifications and worker heartbeats: the CoE's own records that
every other app builds on."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from coe.roles import ROLE_GROUP_NAMES, Role


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"“{value}” is not a time zone; pick one such as Europe/Berlin.") from exc


def default_time_zone() -> str:
    return settings.TIME_ZONE


class Department(TimeStampedModel):
    """A business unit that uses social media (Marketing, Customer Service, Legal …)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="departments_led",
        help_text="The department head; may edit the department's description.",
    )

    class Meta:
        ordering = ["name"]
        permissions = [
            ("change_department_lead", "Can name a department's lead"),
            ("view_department_insights", "Can see the directory's figures of every department"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="coe_department_name_unique_ci",
                violation_error_message="A department with this name already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("coe:department_detail", kwargs={"slug": self.slug})


class User(AbstractUser):
    """Anyone in the company. The role is the person's role group (see coe.roles)."""

    email = models.EmailField("email address", blank=True)
    departments = models.ManyToManyField(Department, related_name="members", blank=True)
    time_zone = models.CharField(
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text="Dates and times are shown to you in this zone.",
    )
    notify_in_app = models.BooleanField("in-app notifications", default=True)
    notify_by_email = models.BooleanField("e-mail notifications", default=True)

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        permissions = [("manage_roles", "Can assign roles and departments to people")]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="coe_user_email_unique_ci",
                violation_error_message="Another person already uses this e-mail address.",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)

    @cached_property
    def role(self) -> Role | None:
        """The person's role group, for display and forms (prefetch ``groups`` in lists).
        Access is never decided from this: ask coe.permissions."""
        if not self.pk:
            return None
        names = {group.name for group in self.groups.all()}
        return next((Role.from_group_name(name) for name in ROLE_GROUP_NAMES if name in names), None)


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker ran the heartbeat task; read by /healthz."""

    hostname = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.hostname} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class Notification(models.Model):
    """An in-app notification (the bell). E-mail copies are sent by coe.services.notify."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=60, help_text="What happened, e.g. post_submitted.")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="coe_notif_unread_idx")]

    def __str__(self) -> str:
        return f"{self.title} → {self.recipient}"
