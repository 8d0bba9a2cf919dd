"""Certification tracks (modules, an optional final exam, a validity period) and the
certificates people earn, verifiable by anyone with their code."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from coe.models import TimeStampedModel


def new_verification_code() -> str:
    """Unguessable: 128 bits, URL-safe."""
    return secrets.token_urlsafe(16)


class CertificationTrack(TimeStampedModel):
    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    modules = models.ManyToManyField("training.Module", through="training.TrackModule", related_name="tracks")
    final_exam = models.ForeignKey(
        "training.Module",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="final_exam_of",
        help_text="A module whose quiz is the final exam, passed after the others.",
    )
    validity_days = models.PositiveIntegerField(default=365)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("training:track_detail", kwargs={"slug": self.slug})


class TrackModule(models.Model):
    track = models.ForeignKey(CertificationTrack, on_delete=models.CASCADE, related_name="track_modules")
    module = models.ForeignKey("training.Module", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["track", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["track", "module"], name="training_trackmodule_once")]

    def __str__(self) -> str:
        return f"{self.track}: {self.module}"


class Certificate(models.Model):
    """Issued when a track is completed. Valid until it expires or the CoE revokes it (audited);
    renewing issues a new certificate."""

    class Status(models.TextChoices):
        VALID = "valid", "Valid"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    track = models.ForeignKey(CertificationTrack, on_delete=models.PROTECT, related_name="certificates")
    code = models.CharField(max_length=40, unique=True, default=new_verification_code, editable=False)
    holder_name = models.CharField(max_length=200, help_text="As printed, kept if the person is renamed.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VALID)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(max_length=300, blank=True)
    reminded_30_at = models.DateTimeField(null=True, blank=True)
    reminded_7_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        permissions = [("revoke_certificate", "Can revoke certificates")]
        indexes = [models.Index(fields=["status", "expires_at"], name="training_cert_status_expiry")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "track"],
                condition=Q(status="valid"),
                name="training_certificate_one_valid_per_track",
                violation_error_message="This person already holds a valid certificate of this track.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.track} — {self.holder_name}"

    def get_absolute_url(self) -> str:
        return reverse("training:verify", kwargs={"code": self.code})

    @property
    def state(self) -> str:
        """What a verifier is told: valid, expired or revoked (an expiry not yet swept counts)."""
        if self.status == self.Status.VALID and self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.status

    @property
    def is_valid(self) -> bool:
        return self.state == self.Status.VALID
