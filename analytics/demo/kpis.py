"""Demo KPIs: six KPIs tied to two charter objectives (created here when the charter has none), owned
by the company or a department, with targets for the last twelve months (or four quarters) and the
current one. Seeded after the metrics: each target is set from the KPI's actual at seed time times
a factor, so some KPIs are on track, one is at risk and some are off track. Without figures the
targets are plain numbers. Idempotent: an existing KPI (by name) and its targets are left alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from analytics.models import Kpi, KpiTarget
from analytics.selectors import kpis as selectors
from coe.models import Department, Objective

OBJECTIVES = [
    (
        "Grow awareness of the brand on social media",
        "Reach more people and keep them following: impressions and followers across every channel.",
    ),
    (
        "Turn social engagement into business results",
        "Engagement that leads somewhere: clicks, leads and the support questions answered in public.",
    ),
]
# name, objective index, department slug (None: the company), metric, aggregation, denominator,
# cadence, direction, unit, target factor (target = actual × factor), fallback target
KPIS = [
    ("Monthly impressions", 0, None, "impressions", "sum", "", "month", "up", "", Decimal("0.85"), Decimal(500000)),
    ("Follower growth", 0, None, "followers", "growth", "", "month", "up", "", Decimal("1.6"), Decimal(2)),
    ("Engagement rate", 1, None, "engagements", "rate", "impressions", "month", "up", "%", Decimal("0.9"), Decimal(3)),
    ("Marketing clicks", 1, "marketing", "clicks", "sum", "", "month", "up", "", Decimal("1.05"), Decimal(2000)),
    (
        "Customer Service engagement rate",
        1,
        "customer-service",
        "engagements",
        "rate",
        "impressions",
        "month",
        "up",
        "%",
        Decimal("1.3"),
        Decimal(4),
    ),
    ("Quarterly conversions", 1, None, "conversions", "sum", "", "quarter", "up", "", Decimal("0.95"), Decimal(300)),
]


def _objectives(today: date) -> list[Objective]:
    objectives = []
    start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    for title, description in OBJECTIVES:
        objective = Objective.objects.filter(title=title).first()
        if objective is None:
            objective = Objective.objects.create(
                title=title, description=description, period_start=start, period_end=end
            )
        objectives.append(objective)
    return objectives


def seed() -> None:
    today = timezone.localdate()
    objectives = _objectives(today)
    departments = {department.slug: department for department in Department.objects.all()}
    existing = set(Kpi.objects.filter(name__in=[spec[0] for spec in KPIS]).values_list("name", flat=True))
    created = []
    factors = {}
    for name, objective, slug, metric, aggregation, denominator, cadence, direction, unit, factor, fallback in KPIS:
        if name in existing or (slug is not None and slug not in departments):
            continue
        kpi = Kpi.objects.create(
            name=name,
            description=f"Demo KPI for “{objectives[objective].title}”.",
            objective=objectives[objective],
            department=departments.get(slug) if slug else None,
            metric=metric,
            aggregation=aggregation,
            denominator=denominator,
            cadence=cadence,
            direction=direction,
            unit=unit,
        )
        created.append(kpi)
        factors[kpi.pk] = (factor, fallback)
    if not created:
        return
    statuses = selectors.kpi_statuses(user=None, on=today, periods_back=12, kpis=created)
    targets = []
    for status in statuses:
        factor, fallback = factors[status.kpi.pk]
        history = status.history if status.kpi.cadence == Kpi.Cadence.MONTH else status.history[-5:]
        for row in history:
            actual = row.actual
            if row is history[-1] and actual is not None and status.kpi.aggregation == Kpi.Aggregation.SUM:
                # the month is not over: size the target on the pace so far
                actual = actual / max(_share_gone(row.start, status.kpi.cadence, today), Decimal("0.05"))
            target = fallback if actual is None else (Decimal(actual) * factor)
            if status.kpi.aggregation == Kpi.Aggregation.GROWTH and actual is not None and actual <= 0:
                target = fallback
            targets.append(KpiTarget(kpi=status.kpi, period_start=row.start, target=target.quantize(Decimal("0.01"))))
    KpiTarget.objects.bulk_create(targets, ignore_conflicts=True)


def _share_gone(start: date, cadence: str, today: date) -> Decimal:
    end = selectors.period_end(start, cadence)
    return Decimal((today - start).days + 1) / Decimal((end - start).days + 1)
