"""KPIs: what the charter's objectives are measured by, with a target per period."""

from __future__ import annotations

from django.db import models

from coe.models import TimeStampedModel


class Kpi(TimeStampedModel):
    class Aggregation(models.TextChoices):
        SUM = "sum", "Sum over the period"
        RATE = "rate", "Rate: numerator / denominator"
        GROWTH = "growth", "Growth against the previous period"
        LATEST = "latest", "Latest value at the period's end (e.g. followers)"

    class Cadence(models.TextChoices):
        MONTH = "month", "Monthly"
        QUARTER = "quarter", "Quarterly"

    class Direction(models.TextChoices):
        UP = "up", "Higher is better"
        DOWN = "down", "Lower is better"

    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    objective = models.ForeignKey(
        "coe.Objective", null=True, blank=True, on_delete=models.SET_NULL, related_name="kpis"
    )
    department = models.ForeignKey(
        "coe.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kpis",
        help_text="The owning department; its figures only. Empty: the whole company.",
    )
    metric = models.CharField(
        max_length=30,
        help_text="A rollup figure: impressions, reach, likes, comments, shares, clicks, video_views, conversions, "
        "conversion_value, engagements, posts, followers.",
    )
    denominator = models.CharField(max_length=30, blank=True, help_text="For a rate, e.g. impressions.")
    aggregation = models.CharField(max_length=10, choices=Aggregation.choices, default=Aggregation.SUM)
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.MONTH)
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.UP)
    unit = models.CharField(max_length=20, blank=True, help_text="Shown after the figure: %, €, …")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class KpiTarget(models.Model):
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="targets")
    period_start = models.DateField(help_text="The first day of the month or quarter.")
    target = models.DecimalField(max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["kpi", "period_start"]
        constraints = [models.UniqueConstraint(fields=["kpi", "period_start"], name="analytics_kpitarget_once")]

    def __str__(self) -> str:
        return f"{self.kpi} {self.period_start}: {self.target}"
