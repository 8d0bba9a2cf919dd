"""KPIs as people see them: each KPI's actual against its target for the current period and the
periods before, on or off track, and its trend.

How an actual is computed, per aggregation (from monthly rollups, a quarter being its three months;
the KPI's department's figures, or everyone's when it has none):
- sum: the metric summed over the period;
- rate: the metric summed / the denominator summed, in percent (engagements / impressions);
- growth: the change against the previous period in percent, of the sum (or, for followers, of the
  level at the period's end);
- latest: the level at the period's end (followers: every channel's last count; other metrics:
  the last month's sum).

Status, direction aware: ``on_track`` when the actual meets the target; ``at_risk`` when it misses
by less than 10 % of the target; ``off_track`` otherwise; ``no_target`` / ``no_data`` when either is
missing. The current period is not over: a sum KPI is judged against the target pro rata (the share
of the period's days gone).

All KPIs at once in a fixed number of queries: the KPIs, their targets, and one aggregate of the
monthly rollups per (month, department) — whatever the number of KPIs or rollup rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Max, QuerySet, Sum

from analytics.models import Kpi, KpiTarget, MetricRollup, Period
from analytics.permissions import can_manage_analytics, department_ids_visible_to
from analytics.selectors.figures import engagement_rate

AT_RISK_MARGIN = Decimal("0.10")
KPI_METRICS = {
    "impressions": "Impressions",
    "reach": "Reach",
    "likes": "Likes",
    "comments": "Comments",
    "shares": "Shares",
    "clicks": "Clicks",
    "video_views": "Video views",
    "conversions": "Conversions",
    "conversion_value": "Conversion value",
    "engagements": "Engagements (likes + comments + shares + clicks)",
    "posts": "Active posts",
    "followers": "Followers",
}
KPI_METRIC_CHOICES = list(KPI_METRICS.items())
_SUMMED = (
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
)


def kpis_visible_to(user) -> QuerySet[Kpi]:
    """CoE staff and leadership: every KPI; liaisons: their departments' KPIs (company-wide KPIs
    sum everyone's figures, which they do not see); others: none."""
    kpis = Kpi.objects.select_related("objective", "department")
    departments = department_ids_visible_to(user)
    if departments is None:
        return kpis
    return kpis.filter(department_id__in=departments)


def kpi_for(*, user, pk: int, for_change: bool = False) -> Kpi:
    """One KPI the person may see (or change): Kpi.DoesNotExist otherwise (a 404)."""
    if for_change and not can_manage_analytics(user):
        raise Kpi.DoesNotExist
    return kpis_visible_to(user).get(pk=pk)


# --- periods --------------------------------------------------------------------------------------


def period_start(day: date, cadence: str) -> date:
    if cadence == Kpi.Cadence.QUARTER:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_months(start: date, cadence: str) -> list[date]:
    return [_add_months(start, n) for n in range(3 if cadence == Kpi.Cadence.QUARTER else 1)]


def previous_start(start: date, cadence: str) -> date:
    return _add_months(start, -3 if cadence == Kpi.Cadence.QUARTER else -1)


def period_label(start: date, cadence: str) -> str:
    if cadence == Kpi.Cadence.QUARTER:
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return start.strftime("%b %Y")


# --- the figures ----------------------------------------------------------------------------------


class _Months:
    """Monthly sums per department, and followers per department at each month's end."""

    def __init__(self, since: date, until: date):
        rows = (
            MetricRollup.objects.filter(period=Period.MONTH, period_start__gte=since, period_start__lte=until)
            .order_by()
            .values("period_start", "department_id", "channel_id")
            .annotate(**{name: Sum(name) for name in _SUMMED}, followers_level=Max("followers"))
        )
        blank = dict.fromkeys((*_SUMMED, "followers"), 0)
        self.sums: dict[tuple[date, int | None], dict] = defaultdict(lambda: dict(blank))
        for row in rows:
            # per department, and for the whole company under None
            for key in ((row["period_start"], row["department_id"]), (row["period_start"], None)):
                figures = self.sums[key]
                for name in _SUMMED:
                    figures[name] += row[name] or 0
                figures["followers"] += row["followers_level"] or 0

    def value(self, metric: str, months: list[date], department_id: int | None) -> tuple[Decimal, bool]:
        """The metric summed over the months (of the department, or everyone's), and whether any
        row was there."""
        total, seen = Decimal(0), False
        for month in months:
            figures = self.sums.get((month, department_id))
            if figures is None:
                continue
            seen = True
            if metric == "engagements":
                total += figures["likes"] + figures["comments"] + figures["shares"] + figures["clicks"]
            else:
                total += Decimal(figures.get(metric, 0) or 0)
        return total, seen


def _actual(kpi: Kpi, months_data: _Months, start: date) -> Decimal | None:
    months = period_months(start, kpi.cadence)
    department = kpi.department_id
    if kpi.aggregation == Kpi.Aggregation.SUM:
        value, seen = months_data.value(kpi.metric, months, department)
        return value if seen else None
    if kpi.aggregation == Kpi.Aggregation.RATE:
        numerator, seen = months_data.value(kpi.metric, months, department)
        denominator, _ = months_data.value(kpi.denominator or "impressions", months, department)
        if not seen or not denominator:
            return None
        if kpi.metric == "engagements" and (kpi.denominator or "impressions") == "impressions":
            return engagement_rate(int(numerator), int(denominator))
        return (numerator * 100 / denominator).quantize(Decimal("0.01"))
    if kpi.aggregation == Kpi.Aggregation.LATEST:
        value, seen = months_data.value(kpi.metric, months[-1:], department)
        return value if seen else None
    # growth: against the previous period
    earlier = period_months(previous_start(start, kpi.cadence), kpi.cadence)
    if kpi.metric == "followers":
        now, seen = months_data.value("followers", months[-1:], department)
        before, seen_before = months_data.value("followers", earlier[-1:], department)
    else:
        now, seen = months_data.value(kpi.metric, months, department)
        before, seen_before = months_data.value(kpi.metric, earlier, department)
    if not (seen and seen_before) or not before:
        return None
    return ((now - before) * 100 / before).quantize(Decimal("0.1"))


@dataclass
class PeriodStatus:
    start: date
    label: str
    actual: Decimal | None
    target: Decimal | None
    status: str
    expected: Decimal | None = None
    # a sum in the current period, at the pace so far, for the whole period (what the trend compares)
    projected: Decimal | None = None


@dataclass
class KpiStatus:
    kpi: Kpi
    current: PeriodStatus
    history: list[PeriodStatus] = field(default_factory=list)  # oldest first, current last

    @property
    def actual(self):
        return self.current.actual

    @property
    def target(self):
        return self.current.target

    @property
    def status(self) -> str:
        return self.current.status

    @property
    def on_track(self) -> bool | None:
        return None if self.status in {"no_target", "no_data"} else self.status == "on_track"

    @property
    def trend(self) -> str:
        """up / down / flat: the actual against the previous period's (``none`` without both); a
        sum in the current period at its pace so far, for the whole period."""
        if len(self.history) < 2 or self.history[-1].actual is None or self.history[-2].actual is None:
            return "none"
        now, before = self.history[-1].projected or self.history[-1].actual, self.history[-2].actual
        if now == before:
            return "flat"
        return "up" if now > before else "down"

    @property
    def improving(self) -> bool | None:
        if self.trend in {"none", "flat"}:
            return None
        return (self.trend == "up") == (self.kpi.direction == Kpi.Direction.UP)

    @property
    def sparkline(self) -> list[float | None]:
        return [None if row.actual is None else float(row.actual) for row in self.history]


def judge(actual: Decimal | None, target: Decimal | None, direction: str) -> str:
    """on_track / at_risk (misses by under 10 % of the target) / off_track / no_target / no_data."""
    if target is None:
        return "no_target"
    if actual is None:
        return "no_data"
    gap = actual - target if direction == Kpi.Direction.UP else target - actual
    if gap >= 0:
        return "on_track"
    if abs(gap) <= abs(target) * AT_RISK_MARGIN:
        return "at_risk"
    return "off_track"


STATUS_LABELS = {
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "no_target": "No target",
    "no_data": "No figures yet",
}
STATUS_CHOICES = list(STATUS_LABELS.items())


def kpi_statuses(*, user, on: date, periods_back: int = 6, kpis=None, active_only: bool = True) -> list[KpiStatus]:
    """Every KPI the person sees (or ``kpis``, already scoped), with the period containing ``on``
    and the ``periods_back`` periods before it."""
    if kpis is None:
        kpis = kpis_visible_to(user)
        if active_only:
            kpis = kpis.filter(is_active=True)
    kpis = list(kpis)
    if not kpis:
        return []
    starts: dict[int, list[date]] = {}
    earliest = on.replace(day=1)
    for kpi in kpis:
        current = period_start(on, kpi.cadence)
        history = [current]
        for _ in range(periods_back):
            history.insert(0, previous_start(history[0], kpi.cadence))
        starts[kpi.pk] = history
        earliest = min(earliest, previous_start(history[0], kpi.cadence))
    targets = {
        (row.kpi_id, row.period_start): row.target
        for row in KpiTarget.objects.filter(kpi__in=[kpi.pk for kpi in kpis], period_start__gte=earliest)
    }
    months = _Months(earliest, on)
    results = []
    for kpi in kpis:
        history = []
        for start in starts[kpi.pk]:
            actual = _actual(kpi, months, start)
            target = targets.get((kpi.pk, start))
            expected, projected = target, None
            if start == starts[kpi.pk][-1] and kpi.aggregation == Kpi.Aggregation.SUM:
                end = _add_months(start, 3 if kpi.cadence == Kpi.Cadence.QUARTER else 1)
                share = min(Decimal((on - start).days + 1) / Decimal((end - start).days), Decimal(1))
                if target is not None:
                    expected = (target * share).quantize(Decimal("0.01"))
                if actual is not None and share < 1:
                    projected = (actual / share).quantize(Decimal("0.01"))
            history.append(
                PeriodStatus(
                    start=start,
                    label=period_label(start, kpi.cadence),
                    actual=actual,
                    target=target,
                    expected=expected,
                    projected=projected,
                    status=judge(actual, expected, kpi.direction),
                )
            )
        results.append(KpiStatus(kpi=kpi, current=history[-1], history=history))
    return results


def period_end(start: date, cadence: str) -> date:
    return _add_months(start, 3 if cadence == Kpi.Cadence.QUARTER else 1) - timedelta(days=1)
