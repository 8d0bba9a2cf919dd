"""The ROI report for leadership: per quarter and department, what the programme cost (funds by
category, people) against what its results are worth, with ROI %, cost per engagement and per
conversion, the trend over the quarters, totals, and a short executive summary in plain sentences.

Value = recorded conversion value + engagements × value per engagement + conversions × value per
lead (``ValueSettings``); engagements are likes + comments + shares + clicks. ROI % =
(value − investment) / investment × 100, None when nothing was invested. Figures come from the
monthly rollups and the investment entries, aggregated in SQL: the report takes the same few
queries whatever the data size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from analytics import permissions
from analytics.models import Investment, InvestmentCategory, MetricRollup, Period, ValueSettings
from analytics.models.investment import investment_cost_expression
from coe.errors import NotAllowed
from coe.models import Department

MAX_QUARTERS = 12
ROI_AUDIENCE = "The ROI report is for leadership and the CoE team."
ZERO = Decimal(0)
CENT = Decimal("0.01")
FUND_CATEGORIES = [value for value in InvestmentCategory.values if value != InvestmentCategory.PEOPLE]


# --- quarters -----------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1..4

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter | None:
        """``2026-Q3`` (or ``2026Q3``) → Quarter; None when it is not one."""
        cleaned = text.strip().upper().replace("-", "")
        if len(cleaned) != 6 or cleaned[4] != "Q" or not cleaned[:4].isdigit() or cleaned[5] not in "1234":
            return None
        year = int(cleaned[:4])
        return cls(year, int(cleaned[5])) if 2000 <= year <= 2100 else None

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The first day after the quarter."""
        following = self.shift(1)
        return date(following.year, 3 * following.number - 2, 1)

    def shift(self, quarters: int) -> Quarter:
        index = self.year * 4 + (self.number - 1) + quarters
        return Quarter(index // 4, index % 4 + 1)

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year}"

    def __str__(self) -> str:
        return self.label


# --- the figures of one cell (a quarter × department, a total) -----------------------------------


def _ratio(numerator: Decimal, denominator: Decimal | int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class RoiFigures:
    funds: dict[str, Decimal] = field(default_factory=dict)  # category → cost, without people
    people: Decimal = ZERO
    conversion_value: Decimal = ZERO
    engagements: int = 0
    conversions: int = 0
    value_per_engagement: Decimal = ZERO
    value_per_lead: Decimal = ZERO

    def add(self, other: RoiFigures) -> None:
        for category, cost in other.funds.items():
            self.funds[category] = self.funds.get(category, ZERO) + cost
        self.people += other.people
        self.conversion_value += other.conversion_value
        self.engagements += other.engagements
        self.conversions += other.conversions

    @property
    def funds_total(self) -> Decimal:
        return sum(self.funds.values(), ZERO)

    @property
    def investment(self) -> Decimal:
        return self.funds_total + self.people

    @property
    def engagement_value(self) -> Decimal:
        return (self.engagements * self.value_per_engagement).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def lead_value(self) -> Decimal:
        return (self.conversions * self.value_per_lead).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def value(self) -> Decimal:
        return self.conversion_value + self.engagement_value + self.lead_value

    @property
    def net(self) -> Decimal:
        return self.value - self.investment

    @property
    def roi_percent(self) -> Decimal | None:
        """(value − investment) / investment as a percentage, one decimal; None without investment."""
        if not self.investment:
            return None
        return (self.net * 100 / self.investment).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def cost_per_engagement(self) -> Decimal | None:
        return _ratio(self.investment, self.engagements) if self.investment else None

    @property
    def cost_per_conversion(self) -> Decimal | None:
        return _ratio(self.investment, self.conversions) if self.investment else None

    @property
    def is_empty(self) -> bool:
        return not (self.investment or self.value or self.engagements or self.conversions)

    def by_category(self) -> list[tuple[str, str, Decimal]]:
        """(code, label, cost) of every category with a cost, people included, largest first."""
        costs = dict(self.funds)
        if self.people:
            costs[InvestmentCategory.PEOPLE.value] = self.people
        labels = dict(InvestmentCategory.choices)
        ordered = sorted(costs.items(), key=lambda item: (-item[1], item[0]))
        return [(code, labels[code], cost) for code, cost in ordered if cost]


@dataclass
class RoiRow:
    """One department: its figures per quarter (in the report's order) and over all of them."""

    department: Department
    quarters: list[RoiFigures]
    total: RoiFigures

    @property
    def trend(self) -> Decimal | None:
        """The change of ROI % from the previous quarter to the last one (points)."""
        if len(self.quarters) < 2:
            return None
        last, previous = self.quarters[-1].roi_percent, self.quarters[-2].roi_percent
        return None if last is None or previous is None else last - previous

    @property
    def trend_label(self) -> str:
        trend = self.trend
        if trend is None:
            return ""
        return f"{'+' if trend > 0 else '−' if trend < 0 else '±'}{abs(trend)} pts"

    @property
    def cells(self) -> list[tuple[Quarter, RoiFigures]]:
        return list(zip(self._quarters, self.quarters, strict=True))

    _quarters: list[Quarter] = field(default_factory=list, repr=False)


@dataclass
class RoiReport:
    quarters: list[Quarter]
    currency: str
    value_per_engagement: Decimal
    value_per_lead: Decimal
    rows: list[RoiRow]
    quarter_totals: list[RoiFigures]
    total: RoiFigures
    department_ids: list[int] | None = None
    generated_at: object = None

    @property
    def current(self) -> Quarter | None:
        """The quarter still under way, if the report shows it (its figures are to date)."""
        today = Quarter.of(timezone.localdate())
        return today if today in self.quarters else None

    @property
    def first(self) -> Quarter:
        return self.quarters[0]

    @property
    def last(self) -> Quarter:
        return self.quarters[-1]

    @property
    def period_label(self) -> str:
        return self.first.label if len(self.quarters) == 1 else f"{self.first.label} – {self.last.label}"

    @property
    def quarter_cells(self) -> list[tuple[Quarter, RoiFigures]]:
        return list(zip(self.quarters, self.quarter_totals, strict=True))

    def chart_data(self) -> dict:
        """What the page's chart draws: investment and value per quarter (bars) and ROI % (line)."""
        return {
            "currency": self.currency,
            "labels": [quarter.label for quarter in self.quarters],
            "investment": [float(figures.investment) for figures in self.quarter_totals],
            "value": [float(figures.value) for figures in self.quarter_totals],
            "roi": [
                None if figures.roi_percent is None else float(figures.roi_percent) for figures in self.quarter_totals
            ],
        }


# --- building the report ------------------------------------------------------------------------


def quarters_ending(end: Quarter, count: int) -> list[Quarter]:
    count = max(1, min(MAX_QUARTERS, count))
    return [end.shift(-offset) for offset in range(count - 1, -1, -1)]


def roi_report(
    *, user, quarters: int = 4, department_ids: Iterable[int] | None = None, end: date | Quarter | None = None
) -> RoiReport:
    """The ROI report as ``user`` may read it: leadership and the CoE every department, anyone
    else refused (liaisons hold no ROI grant). ``quarters`` quarters ending with the quarter of
    ``end`` (default: today's), optionally only ``department_ids``."""
    if not permissions.can_view_roi(user):
        raise NotAllowed(ROI_AUDIENCE)
    visible = permissions.department_ids_visible_to(user)
    wanted = None if department_ids is None else {int(pk) for pk in department_ids}
    if visible is not None:
        wanted = set(visible) if wanted is None else wanted & set(visible)
    return build_roi_report(quarters=quarters, department_ids=wanted, end=end)


def build_roi_report(
    *,
    quarters: int = 4,
    department_ids: Iterable[int] | None = None,
    end: date | Quarter | None = None,
    through: date | None = None,
) -> RoiReport:
    """The report without a reader's scope (the monthly e-mail to leadership): four queries —
    value settings, investment and rollups each aggregated per quarter and department in SQL, and
    the departments' names. ``through`` (a month's last day) leaves out later months of the last
    quarter, so a report sent on the 1st shows the quarter to date."""
    if end is None:
        end = timezone.localdate()
    last = end if isinstance(end, Quarter) else Quarter.of(end)
    span = quarters_ending(last, quarters)
    since, until = span[0].start, span[-1].end
    if through is not None:
        until = min(until, through + timedelta(days=1))
    wanted = None if department_ids is None else sorted(set(department_ids))
    values = ValueSettings.current()
    # A row just created by current() holds its defaults as given (ints), not as read back.
    values.value_per_engagement = Decimal(values.value_per_engagement)
    values.value_per_lead = Decimal(values.value_per_lead)
    index = {quarter: position for position, quarter in enumerate(span)}

    invested = Investment.objects.filter(month__gte=since, month__lt=until)
    rolled = MetricRollup.objects.filter(period=Period.MONTH, period_start__gte=since, period_start__lt=until)
    if wanted is not None:
        invested = invested.filter(department_id__in=wanted)
        rolled = rolled.filter(department_id__in=wanted)

    cells: dict[int, list[RoiFigures]] = defaultdict(
        lambda: [
            RoiFigures(value_per_engagement=values.value_per_engagement, value_per_lead=values.value_per_lead)
            for _ in span
        ]
    )
    # Months, not quarters, come back from SQL: grouping by month is portable (SQLite and
    # Postgres alike) and at most 3 × 12 months × departments × categories rows.
    for row in invested.values("month", "department_id", "category").annotate(cost=Sum(investment_cost_expression())):
        figures = cells[row["department_id"]][index[Quarter.of(row["month"])]]
        cost = Decimal(row["cost"] or 0).quantize(CENT)
        if row["category"] == InvestmentCategory.PEOPLE:
            figures.people += cost
        else:
            figures.funds[row["category"]] = figures.funds.get(row["category"], ZERO) + cost
    sums = rolled.values("period_start", "department_id").annotate(
        conversion_value=Coalesce(Sum("conversion_value"), ZERO),
        engagements=Coalesce(Sum(F("likes") + F("comments") + F("shares") + F("clicks")), 0),
        conversions=Coalesce(Sum("conversions"), 0),
    )
    for row in sums:
        figures = cells[row["department_id"]][index[Quarter.of(row["period_start"])]]
        figures.conversion_value += Decimal(row["conversion_value"]).quantize(CENT)
        figures.engagements += int(row["engagements"])
        figures.conversions += int(row["conversions"])

    names = Department.objects.in_bulk(list(cells)) if cells else {}
    quarter_totals = [
        RoiFigures(value_per_engagement=values.value_per_engagement, value_per_lead=values.value_per_lead) for _ in span
    ]
    total = RoiFigures(value_per_engagement=values.value_per_engagement, value_per_lead=values.value_per_lead)
    rows = []
    for department_id, figures_per_quarter in cells.items():
        department = names.get(department_id)
        if department is None:
            continue
        row_total = RoiFigures(value_per_engagement=values.value_per_engagement, value_per_lead=values.value_per_lead)
        for position, figures in enumerate(figures_per_quarter):
            row_total.add(figures)
            quarter_totals[position].add(figures)
        total.add(row_total)
        rows.append(RoiRow(department=department, quarters=figures_per_quarter, total=row_total, _quarters=span))
    rows.sort(key=lambda row: row.department.name.casefold())
    return RoiReport(
        quarters=span,
        currency=values.currency,
        value_per_engagement=values.value_per_engagement,
        value_per_lead=values.value_per_lead,
        rows=rows,
        quarter_totals=quarter_totals,
        total=total,
        department_ids=wanted,
        generated_at=timezone.now(),
    )


# --- the executive summary ----------------------------------------------------------------------

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF "}


def money(amount: Decimal | int | float, currency: str) -> str:
    """€12,345 — whole units, thousands separated, a minus sign before the symbol."""
    whole = Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    symbol = SYMBOLS.get(currency, f"{currency} ")
    sign = "-" if whole < 0 else ""
    return f"{sign}{symbol}{abs(whole):,}"


def percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    whole = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{whole}%"


def roi_summary(report: RoiReport) -> list[str]:
    """A few plain sentences for leadership, generated from the figures (no judgement beyond them):
    the overall result, the best and worst department by ROI, the change from the previous quarter,
    the biggest cost, and caveats (departments with investment but no value recorded, value but no
    investment). Deterministic: ties go to the department first by name."""
    c = report.currency
    total = report.total
    sentences: list[str] = []
    if total.is_empty:
        return [f"Nothing was invested and no results were recorded in {report.period_label}."]
    if total.investment:
        sentences.append(
            f"In {report.period_label} the programme cost {money(total.investment, c)} and returned "
            f"{money(total.value, c)} of value: an ROI of {percent(total.roi_percent)}."
        )
    else:
        sentences.append(
            f"In {report.period_label} results worth {money(total.value, c)} were recorded, but no investment: "
            f"ROI cannot be worked out until investment is recorded."
        )

    ranked = [row for row in report.rows if row.total.roi_percent is not None]
    if len(ranked) >= 2:
        best = min(ranked, key=lambda row: (-row.total.roi_percent, row.department.name.casefold()))
        worst = min(ranked, key=lambda row: (row.total.roi_percent, row.department.name.casefold()))
        if best.total.roi_percent != worst.total.roi_percent:
            sentences.append(
                f"{best.department.name} had the best return ({percent(best.total.roi_percent)} on "
                f"{money(best.total.investment, c)}); {worst.department.name} the weakest "
                f"({percent(worst.total.roi_percent)} on {money(worst.total.investment, c)})."
            )

    if len(report.quarters) >= 2:
        now, before = report.quarter_totals[-1], report.quarter_totals[-2]
        last, previous = report.quarters[-1], report.quarters[-2]
        if now.roi_percent is not None and before.roi_percent is not None:
            change = (now.roi_percent - before.roi_percent).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            if change > 0:
                verb = f"rose by {change} points"
            elif change < 0:
                verb = f"fell by {-change} points"
            else:
                verb = "held steady"
            sentences.append(
                f"ROI {verb} from {percent(before.roi_percent)} in {previous.label} to "
                f"{percent(now.roi_percent)} in {last.label}."
            )
        elif now.roi_percent is not None:
            sentences.append(
                f"{last.label} is the first quarter with investment recorded: ROI {percent(now.roi_percent)}."
            )

    categories = total.by_category()
    if categories and total.investment:
        _, label, cost = categories[0]
        share = (cost * 100 / total.investment).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        sentences.append(f"The biggest cost was {label.lower()}: {money(cost, c)} ({share}% of the investment).")

    no_value = [row for row in report.rows if row.total.investment and not row.total.value]
    if no_value:
        names = _join([row.department.name for row in no_value])
        spent = sum((row.total.investment for row in no_value), ZERO)
        sentences.append(
            f"No value is recorded for {names} although {money(spent, c)} was invested there; "
            f"check that their metrics are coming in before reading their ROI."
        )
    no_investment = [row for row in report.rows if row.total.value and not row.total.investment]
    if no_investment:
        names = _join([row.department.name for row in no_investment])
        verb = "has" if len(no_investment) == 1 else "have"
        sentences.append(f"{names} {verb} results but no investment recorded, so no ROI is shown for them.")
    return sentences


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
