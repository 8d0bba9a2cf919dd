"""A CSV upload of metric snapshots: what was sent, how far it got, and every bad row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class MetricImport(models.Model):
    """One uploaded file. Small files are processed at once; large ones by a Celery task in chunks
    that store their progress here (the page polls it)."""

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", "All or nothing: any bad row stores nothing"
        GOOD_ROWS = "good_rows", "Import the good rows, report the bad ones"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        VALIDATING = "validating", "Checking rows"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Done"
        REJECTED = "rejected", "Nothing imported (bad rows)"
        FAILED = "failed", "Failed"

    FINISHED = frozenset({Status.DONE, Status.REJECTED, Status.FAILED})

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    content = models.TextField(blank=True, help_text="The file's text until it is processed.")
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[{line, column, reason}], the first 1,000.")
    error_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Metrics import {self.pk} ({self.filename or 'upload'}): {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        # Checking is the first half of the work, storing the second (all-or-nothing checks all first).
        return min(99, int(self.processed_rows * 100 / (self.total_rows * 2)))
