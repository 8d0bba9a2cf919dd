"""Reads of metrics in: snapshots, metric imports and the rollup rows the BI export streams —
always scoped to the person asking (analytics.permissions.figures_q)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet

from analytics.models import MetricImport, MetricRollup, MetricSnapshot
from analytics.permissions import can_manage_analytics, figures_q

# The BI export's columns, stable and documented (README, OpenAPI): never reorder or rename.
EXPORT_COLUMNS = (
    "period",
    "period_start",
    "channel_id",
    "channel",
    "network",
    "department_id",
    "department",
    "campaign_id",
    "campaign",
    "theme_id",
    "theme",
    "posts",
    "impressions",
    "reach",
    "likes",
    "comments",
    "shares",
    "clicks",
    "engagements",
    "video_views",
    "conversions",
    "conversion_value",
    "followers",
)
_EXPORT_SOURCE = (
    "period",
    "period_start",
    "channel_id",
    "channel__name",
    "channel__network",
    "department_id",
    "department__name",
    "campaign_id",
    "campaign__name",
    "theme_id",
    "theme__name",
    "posts",
    "impressions",
    "reach",
    "likes",
    "comments",
    "shares",
    "clicks",
    "video_views",
    "conversions",
    "conversion_value",
    "followers",
)
EXPORT_CHUNK = 2000


def snapshots_visible_to(user) -> QuerySet[MetricSnapshot]:
    """Snapshots of the channels whose department's figures the person sees."""
    return MetricSnapshot.objects.filter(figures_q(user, "channel__department_id"))


def metric_imports_visible_to(user) -> QuerySet[MetricImport]:
    if not can_manage_analytics(user):
        return MetricImport.objects.none()
    return MetricImport.objects.select_related("created_by")


def rollups_for_export(
    *,
    user,
    period: str,
    since: date | None = None,
    until: date | None = None,
    department_ids: Iterable[int] | None = None,
    channel_ids: Iterable[int] | None = None,
) -> QuerySet[MetricRollup]:
    rows = MetricRollup.objects.filter(figures_q(user), period=period)
    if since:
        rows = rows.filter(period_start__gte=since)
    if until:
        rows = rows.filter(period_start__lte=until)
    if department_ids:
        rows = rows.filter(department_id__in=list(department_ids))
    if channel_ids:
        rows = rows.filter(channel_id__in=list(channel_ids))
    return rows.order_by("period_start", "channel_id", "department_id", "campaign_id", "theme_id", "pk")


def export_rows(rows: QuerySet[MetricRollup]) -> Iterator[tuple[Any, ...]]:
    """The rows in EXPORT_COLUMNS' order, read in chunks from a server-side cursor."""
    for values in rows.values_list(*_EXPORT_SOURCE).iterator(chunk_size=EXPORT_CHUNK):
        likes, comments, shares, clicks = values[14], values[15], values[16], values[17]
        yield (*values[:18], likes + comments + shares + clicks, *values[18:])
