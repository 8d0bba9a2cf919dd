"""A plain-Python rollup, written from the rules in analytics.services.rollups' docstring, that the
SQL is checked against."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from analytics.models import METRIC_FIELDS, MetricRollup, MetricSnapshot
from publishing.models import Channel, Publication

VALUES = (*METRIC_FIELDS, "conversion_value")


def _starts(day: date) -> dict[str, date]:
    return {"day": day, "week": day - timedelta(days=day.weekday()), "month": day.replace(day=1)}


def _end(period: str, start: date) -> datetime:
    if period == "day":
        end = start + timedelta(days=1)
    elif period == "week":
        end = start + timedelta(days=7)
    else:
        end = (start + timedelta(days=32)).replace(day=1)
    return datetime(end.year, end.month, end.day, tzinfo=UTC)


def reference_rollups() -> dict[tuple, dict]:
    """Every period of every snapshot in the database, as {key: figures}."""
    posts_of = {
        pk: (department, campaign, theme)
        for pk, department, campaign, theme in Publication.objects.values_list(
            "pk", "post__department_id", "post__campaign_id", "post__theme_id"
        )
    }
    channel_department = dict(Channel.objects.values_list("pk", "department_id"))
    series: dict[int, list[MetricSnapshot]] = defaultdict(list)
    followers: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    rows: dict[tuple, dict] = {}
    active: dict[tuple, set[int]] = defaultdict(set)

    def row(key: tuple) -> dict:
        return rows.setdefault(key, {**dict.fromkeys(VALUES, 0), "conversion_value": Decimal(0)})

    for snap in MetricSnapshot.objects.all():
        if snap.publication_id:
            series[snap.publication_id].append(snap)
        elif snap.followers is not None:
            followers[snap.channel_id].append((snap.captured_at, snap.followers))
            day = snap.captured_at.astimezone(UTC).date()
            for period, start in _starts(day).items():
                row((period, start, snap.channel_id, channel_department[snap.channel_id], None, None))
    for publication_id, snaps in series.items():
        snaps.sort(key=lambda snap: snap.captured_at)
        previous = dict.fromkeys(VALUES, 0)
        department, campaign, theme = posts_of[publication_id]
        for snap in snaps:
            day = snap.captured_at.astimezone(UTC).date()
            deltas = {}
            for name in VALUES:
                value = getattr(snap, name)
                deltas[name] = value - previous[name] if value >= previous[name] else value
                previous[name] = value
            for period, start in _starts(day).items():
                key = (period, start, snap.channel_id, department, campaign, theme)
                figures = row(key)
                for name in VALUES:
                    figures[name] += deltas[name]
                if any(deltas.values()):
                    active[key].add(publication_id)
    for key, figures in rows.items():
        period, start, channel, department, campaign, theme = key
        figures["posts"] = len(active[key])
        figures["followers"] = None
        if campaign is None and theme is None and department == channel_department[channel]:
            end = _end(period, start)
            before = [(moment, value) for moment, value in followers[channel] if moment < end]
            figures["followers"] = max(before)[1] if before else None
    return rows


def stored_rollups() -> dict[tuple, dict]:
    found = {}
    for rollup in MetricRollup.objects.all():
        key = (
            rollup.period,
            rollup.period_start,
            rollup.channel_id,
            rollup.department_id,
            rollup.campaign_id,
            rollup.theme_id,
        )
        found[key] = {name: getattr(rollup, name) for name in (*VALUES, "posts", "followers")}
        found[key]["conversion_value"] = Decimal(found[key]["conversion_value"]).quantize(Decimal("0.01"))
    return found


def normalised(rows: dict[tuple, dict]) -> dict[tuple, dict]:
    return {
        key: {**figures, "conversion_value": Decimal(figures["conversion_value"]).quantize(Decimal("0.01"))}
        for key, figures in rows.items()
    }
