"""Channels: one social account each, owned by a department."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse

from coe.models import Department, TimeStampedModel, default_time_zone, validate_time_zone
from publishing.crypto import decrypt_credentials, encrypt_credentials, mask_secret


class Network(models.TextChoices):
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    WEBHOOK = "webhook", "Webhook (Slack, Teams or a company relay)"
    CONSOLE = "console", "Console (demo)"


class Channel(TimeStampedModel):
    class Health(models.TextChoices):
        OK = "ok", "Healthy"
        DEGRADED = "degraded", "Passing trouble"
        NEEDS_RECONNECT = "needs_reconnect", "Needs reconnecting"

    name = models.CharField(max_length=120, help_text="How people recognise it, e.g. “Acme Support on Mastodon”.")
    network = models.CharField(max_length=20, choices=Network.choices)
    handle = models.CharField(max_length=200, help_text="The account, e.g. @support@mastodon.social.")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="channels")
    time_zone = models.CharField(max_length=64, default=default_time_zone, validators=[validate_time_zone])
    is_active = models.BooleanField(default=True)
    settings = models.JSONField(default=dict, blank=True, help_text="Non-secret adapter settings (instance URL …).")
    credentials_encrypted = models.TextField(blank=True, editable=False)
    credentials_hint = models.CharField(max_length=200, blank=True, editable=False)
    # Who may submit to it (besides the department rule): a valid certificate of this track, and an
    # acknowledgment of the current social media policy (training and governance answer).
    required_track = models.ForeignKey(
        "training.CertificationTrack",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Authors need a valid certificate of this track to submit here.",
    )
    requires_policy_acknowledgment = models.BooleanField(
        default=False, help_text="Authors must have accepted the current social media policy to submit here."
    )
    health = models.CharField(max_length=20, choices=Health.choices, default=Health.OK)
    health_message = models.TextField(blank=True)
    health_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["department__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "handle"],
                name="publishing_channel_unique_account",
                violation_error_message="This account is already connected as another channel.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("publishing:channel_detail", kwargs={"pk": self.pk})

    @property
    def credentials(self) -> dict[str, str]:
        return decrypt_credentials(self.credentials_encrypted)

    def set_credentials(self, values: dict[str, str]) -> None:
        clean = {key: value for key, value in values.items() if value}
        self.credentials_encrypted = encrypt_credentials(clean) if clean else ""
        self.credentials_hint = ", ".join(f"{key} {mask_secret(value)}" for key, value in sorted(clean.items()))

    def adapter(self, timeout: float = 20.0) -> Any:
        from publishing.adapters import get_adapter

        return get_adapter(self.network, settings=self.settings, credentials=self.credentials, timeout=timeout)

    @property
    def can_publish(self) -> bool:
        return self.is_active and self.health != self.Health.NEEDS_RECONNECT
