"""Social listening: topics, the mentions that match them (with sentiment), hourly volume and
sentiment, and alerts when a topic spikes or turns negative."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from coe.models import TimeStampedModel


class ListeningTopic(TimeStampedModel):
    name = models.CharField(max_length=120, unique=True)
    any_terms = models.TextField(blank=True, help_text="One per line: a mention matches if it has any of these.")
    all_terms = models.TextField(blank=True, help_text="One per line: … and all of these.")
    exclude_terms = models.TextField(blank=True, help_text="One per line: … and none of these.")
    is_active = models.BooleanField(default=True)
    spike_z = models.DecimalField(max_digits=4, decimal_places=2, default=3, help_text="Volume z-score that alerts.")
    baseline_hours = models.PositiveIntegerField(default=168, help_text="The rolling baseline (hours).")
    negative_turn = models.DecimalField(
        max_digits=4, decimal_places=2, default=0.4, help_text="A drop of average sentiment this large alerts."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Mention(models.Model):
    source = models.CharField(max_length=60, help_text="Where it was said: a network, a forum, news …")
    external_id = models.CharField(max_length=200, help_text="The source's id; the same mention is stored once.")
    author = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    url = models.URLField(max_length=500, blank=True)
    posted_at = models.DateTimeField()
    sentiment = models.FloatField(help_text="Compound score from -1 (negative) to 1 (positive).")
    topics = models.ManyToManyField(ListeningTopic, blank=True, related_name="mentions")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-posted_at", "-id"]
        indexes = [models.Index(fields=["posted_at"], name="analytics_mention_posted")]
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="analytics_mention_once")]

    def __str__(self) -> str:
        return f"{self.source}: {self.text[:60]}"


class TopicHour(models.Model):
    """Volume and sentiment of a topic in one hour (computed in SQL from its mentions)."""

    topic = models.ForeignKey(ListeningTopic, on_delete=models.CASCADE, related_name="hours")
    hour = models.DateTimeField()
    volume = models.IntegerField(default=0)
    sentiment_avg = models.FloatField(default=0)
    negative = models.IntegerField(default=0)

    class Meta:
        ordering = ["topic", "hour"]
        constraints = [models.UniqueConstraint(fields=["topic", "hour"], name="analytics_topichour_once")]

    def __str__(self) -> str:
        return f"{self.topic} {self.hour:%Y-%m-%d %H}h: {self.volume}"


class ListeningAlert(models.Model):
    class Kind(models.TextChoices):
        VOLUME_SPIKE = "volume_spike", "Volume spike"
        NEGATIVE_TURN = "negative_turn", "Sharp turn negative"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DISMISSED = "dismissed", "Dismissed"
        INCIDENT = "incident", "Crisis incident declared"

    topic = models.ForeignKey(ListeningTopic, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    hour = models.DateTimeField()
    volume = models.IntegerField()
    baseline = models.FloatField()
    score = models.FloatField(help_text="The z-score, or the drop in sentiment.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    incident = models.ForeignKey(
        "governance.CrisisIncident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-hour", "-id"]
        constraints = [models.UniqueConstraint(fields=["topic", "kind", "hour"], name="analytics_alert_once_per_hour")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.topic} at {self.hour:%Y-%m-%d %H}h"
