"""Demo investment: twelve months of spend for every department with channels, across ads, tools,
agencies, content, people's hours at a loaded rate and an FTE share, plus the value settings (EUR,
0.05 per engagement, 40 per lead). Seeded after the metrics, each department's monthly cost is set
from the value its demo results are worth and a target return, so the ROI report shows departments
above and below zero and a return that improves over the year. Idempotent: only missing entries (by department,
month, category and note) are created, and value settings someone changed are left alone."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from analytics.models import Investment, InvestmentCategory, MetricRollup, Period, ValueSettings
from coe.models import Department

VALUE_PER_ENGAGEMENT = Decimal("0.05")
VALUE_PER_LEAD = Decimal("40")
LOADED_RATE = Decimal("65.00")
FTE_YEARLY_COST = Decimal("72000.00")
# The return each department's spend is sized for (value / cost − 1), before the yearly trend.
TARGET_ROI = {
    "marketing": Decimal("1.2"),
    "sales": Decimal("0.8"),
    "customer-service": Decimal("0.4"),
    "product": Decimal("0.15"),
    "investor-relations": Decimal("-0.1"),
    "pr-communications": Decimal("-0.25"),
    "hr": Decimal("-0.45"),
}
FALLBACK_MONTHLY_COST = Decimal("1500")  # a month without recorded results
MINIMUM_MONTHLY_COST = Decimal("400")
# Shares of a month's cost: (category, share, how it is recorded, note).
SPLIT = [
    (InvestmentCategory.ADS, Decimal("0.35"), "amount", "paid social"),
    (InvestmentCategory.TOOLS, Decimal("0.08"), "amount", "scheduling and listening licences"),
    (InvestmentCategory.AGENCIES, Decimal("0.15"), "amount", "creative agency retainer"),
    (InvestmentCategory.CONTENT, Decimal("0.12"), "amount", "photo and video production"),
    (InvestmentCategory.PEOPLE, Decimal("0.20"), "hours", "community management hours"),
    (InvestmentCategory.PEOPLE, Decimal("0.10"), "fte", "share of a social media manager"),
]
NOTES = [what for *_, what in SPLIT]
CENT = Decimal("0.01")


def _months(today: date) -> list[date]:
    first = today.replace(day=1)
    index = first.year * 12 + first.month - 1
    return [date((index - back) // 12, (index - back) % 12 + 1, 1) for back in range(11, -1, -1)]


def _ensure_value_settings() -> ValueSettings:
    current = ValueSettings.current()
    if current.changed_by_id is None and not current.value_per_engagement and not current.value_per_lead:
        current.currency = "EUR"
        current.value_per_engagement = VALUE_PER_ENGAGEMENT
        current.value_per_lead = VALUE_PER_LEAD
        current.save()
    return current


def _value_per_month(values: ValueSettings, months: list[date]) -> dict[tuple[int, date], Decimal]:
    rows = (
        MetricRollup.objects.filter(period=Period.MONTH, period_start__gte=months[0], period_start__lte=months[-1])
        .values("department_id", "period_start")
        .annotate(
            conversion_value=Coalesce(Sum("conversion_value"), Decimal(0)),
            engagements=Coalesce(Sum(F("likes") + F("comments") + F("shares") + F("clicks")), 0),
            conversions=Coalesce(Sum("conversions"), 0),
        )
    )
    return {
        (row["department_id"], row["period_start"]): Decimal(row["conversion_value"])
        + row["engagements"] * values.value_per_engagement
        + row["conversions"] * values.value_per_lead
        for row in rows
    }


def seed() -> None:
    values = _ensure_value_settings()
    months = _months(timezone.localdate())
    departments = list(Department.objects.filter(slug__in=TARGET_ROI).order_by("name"))
    worth = _value_per_month(values, months)
    existing = set(
        Investment.objects.filter(note__in=NOTES, month__in=months, created_by=None).values_list(
            "department_id", "month", "category", "note"
        )
    )
    new = []
    for department in departments:
        target = TARGET_ROI[department.slug]
        for position, month in enumerate(months):
            # Costs fall from 125% to 85% of the target's over the year: the return improves.
            trend = Decimal("1.25") - Decimal("0.4") * position / (len(months) - 1)
            value = worth.get((department.pk, month), Decimal(0))
            cost = value / (1 + target) * trend if value else FALLBACK_MONTHLY_COST * trend
            cost = max(cost, MINIMUM_MONTHLY_COST)
            for category, share, kind, what in SPLIT:
                note = what
                if (department.pk, month, category, note) in existing:
                    continue
                part = cost * share
                entry = Investment(department=department, month=month, category=category, note=note)
                if kind == "amount":
                    entry.amount = part.quantize(CENT, rounding=ROUND_HALF_UP)
                elif kind == "hours":
                    entry.hours = (part / LOADED_RATE).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
                    entry.loaded_rate = LOADED_RATE
                else:
                    entry.fte_share = (part * 12 / FTE_YEARLY_COST).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
                    entry.fte_yearly_cost = FTE_YEARLY_COST
                new.append(entry)
    Investment.objects.bulk_create(new, batch_size=500)
