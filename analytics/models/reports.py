"""Reports sent by beat (the monthly ROI report to leadership): one row per report and period, so
a doubled beat sends nothing twice."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ReportDelivery(models.Model):
    report = models.CharField(max_length=40)
    period_start = models.DateField()
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["report", "period_start"], name="analytics_report_sent_once")]

    def __str__(self) -> str:
        return f"{self.report} {self.period_start}"
