"""Metric snapshots (cumulative counters, stored as the networks report them) and the rollups
computed from them in SQL: per day, ISO week and month, per channel, department, campaign and
content theme."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

# The counters a snapshot carries (cumulative on the network) and a rollup sums (as deltas).
METRIC_FIELDS = (
    "impressions",
    "reach",
    "likes",
    "comments",
    "shares",
    "clicks",
    "video_views",
    "conversions",
)


class MetricSnapshot(models.Model):
    """What a network reported at one moment for one publication (or, without a publication, for
    the channel's account: its followers). Counters are cumulative; rollups turn them into
    per-period deltas. The same snapshot twice is stored once (the unique constraints)."""

    class Source(models.TextChoices):
        API = "api", "API"
        CSV = "csv", "CSV upload"
        ADAPTER = "adapter", "Fetched from the network"
        DEMO = "demo", "Demo"

    # No single-column indexes on the two keys: the (channel, time) and (publication, time) indexes
    # below serve every lookup by either, and each extra index costs every ingested row.
    channel = models.ForeignKey(
        "publishing.Channel", on_delete=models.CASCADE, related_name="metric_snapshots", db_index=False
    )
    publication = models.ForeignKey(
        "publishing.Publication",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="metric_snapshots",
        db_index=False,
    )
    captured_at = models.DateTimeField()
    impressions = models.BigIntegerField(default=0)
    reach = models.BigIntegerField(default=0)
    likes = models.BigIntegerField(default=0)
    comments = models.BigIntegerField(default=0)
    shares = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)
    video_views = models.BigIntegerField(default=0)
    followers = models.BigIntegerField(null=True, blank=True, help_text="The account's followers (channel snapshots).")
    conversions = models.BigIntegerField(default=0)
    conversion_value = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.API)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["captured_at", "id"]
        indexes = [
            models.Index(fields=["publication", "captured_at"], name="analytics_snap_pub_time"),
            models.Index(fields=["channel", "captured_at"], name="analytics_snap_channel_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "captured_at"],
                condition=Q(publication__isnull=False),
                name="analytics_snapshot_once_per_publication",
            ),
            models.UniqueConstraint(
                fields=["channel", "captured_at"],
                condition=Q(publication__isnull=True),
                name="analytics_snapshot_once_per_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publication_id or self.channel_id} at {self.captured_at:%Y-%m-%d %H:%M}"


class Period(models.TextChoices):
    """A rollup period, and its calendar: days are UTC days, weeks start on Monday (ISO), months
    on the 1st. The rollup SQL, the figures and the dashboard all ask these two methods."""

    DAY = "day", "Day"
    WEEK = "week", "Week"
    MONTH = "month", "Month"

    def start_of(self, day: date) -> date:
        """The first day of the period that holds ``day``."""
        if self == Period.WEEK:
            return day - timedelta(days=day.weekday())
        if self == Period.MONTH:
            return day.replace(day=1)
        return day

    def end_of(self, day: date) -> date:
        """The last day of the period that holds ``day``."""
        start = self.start_of(day)
        if self == Period.WEEK:
            return start + timedelta(days=6)
        if self == Period.MONTH:
            return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return start


class MetricRollup(models.Model):
    """Deltas summed over one period for one combination of channel, department, campaign and
    theme. Written only by set-based SQL (analytics.services.rollups); recomputing a period gives
    the same rows."""

    period = models.CharField(max_length=5, choices=Period.choices)
    period_start = models.DateField()
    channel = models.ForeignKey("publishing.Channel", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("coe.Department", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        "publishing.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    theme = models.ForeignKey(
        "publishing.ContentTheme", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    posts = models.IntegerField(default=0, help_text="Publications with activity in the period.")
    impressions = models.BigIntegerField(default=0)
    reach = models.BigIntegerField(default=0)
    likes = models.BigIntegerField(default=0)
    comments = models.BigIntegerField(default=0)
    shares = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)
    video_views = models.BigIntegerField(default=0)
    conversions = models.BigIntegerField(default=0)
    conversion_value = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    followers = models.BigIntegerField(null=True, blank=True, help_text="The channel's followers at the period's end.")
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["period", "period_start"]
        permissions = [
            ("view_all_figures", "Can see every department's figures"),
            ("view_department_figures", "Can see their own departments' figures"),
            ("view_roi", "Can read the ROI report"),
        ]
        indexes = [models.Index(fields=["period", "period_start"], name="analytics_rollup_period")]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "period_start", "channel", "department", "campaign", "theme"],
                name="analytics_rollup_one_row_per_key",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.period_start} channel {self.channel_id}"

    @property
    def engagements(self) -> int:
        return self.likes + self.comments + self.shares + self.clicks


class DirtyDay(models.Model):
    """A day whose rollups must be recomputed because ingestion touched it (a queue in the
    database: the rollup task takes what is here, recomputes, and deletes what it took)."""

    day = models.DateField()
    channel = models.ForeignKey("publishing.Channel", on_delete=models.CASCADE, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "channel"], name="analytics_dirtyday_once")]

    def __str__(self) -> str:
        return f"{self.day} channel {self.channel_id}"
