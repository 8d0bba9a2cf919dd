"""Reading investment entries, scoped to the person asking: CoE staff and leadership see every
department's, liaisons their own departments', employees none. Totals per month and category are
aggregated in SQL (one query, whatever the number of entries)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from analytics import permissions
from analytics.models import Investment, InvestmentCategory
from analytics.models.investment import investment_cost_expression
from coe.errors import NotAllowed
from coe.models import Department

INVESTMENT_AUDIENCE = "Investment is for the CoE team, leadership and each department's liaisons."


def _month(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(f"{text.strip()[:7]}-01")
    except ValueError:
        return None


@dataclass
class InvestmentFilters:
    since: date | None = None  # a first of the month
    until: date | None = None  # a first of the month, included
    department: Department | None = None
    category: str = ""

    def as_query(self) -> dict[str, str]:
        return {
            "from": f"{self.since:%Y-%m}" if self.since else "",
            "to": f"{self.until:%Y-%m}" if self.until else "",
            "department": self.department.slug if self.department else "",
            "category": self.category,
        }

    @classmethod
    def from_query(cls, query: Mapping[str, str], *, user) -> InvestmentFilters:
        """Filters from a page's or the API's query string; unknown values are ignored, and a
        department the person may not see is as if none was chosen."""
        slug = (query.get("department") or "").strip()
        department = departments_for_investment(user).filter(slug=slug).first() if slug else None
        category = query.get("category") or ""
        return cls(
            since=_month(query.get("from")),
            until=_month(query.get("to")),
            department=department,
            category=category if category in InvestmentCategory.values else "",
        )


def investments_visible_to(user) -> QuerySet[Investment]:
    if not permissions.can_view_investment(user):
        return Investment.objects.none()
    return Investment.objects.filter(permissions.figures_q(user))


def departments_for_investment(user) -> QuerySet[Department]:
    """The departments whose investment this person sees (and CoE staff may record for)."""
    visible = permissions.department_ids_visible_to(user)
    departments = Department.objects.order_by("name")
    return departments if visible is None else departments.filter(pk__in=visible)


def investments_list(*, user, filters: InvestmentFilters | None = None) -> QuerySet[Investment]:
    """The entries this person sees, newest month first, with their department and cost."""
    if not permissions.can_view_investment(user):
        raise NotAllowed(INVESTMENT_AUDIENCE)
    entries = investments_visible_to(user).select_related("department", "created_by")
    filters = filters or InvestmentFilters()
    if filters.since:
        entries = entries.filter(month__gte=filters.since)
    if filters.until:
        entries = entries.filter(month__lte=filters.until)
    if filters.department:
        entries = entries.filter(department=filters.department)
    if filters.category:
        entries = entries.filter(category=filters.category)
    return entries.annotate(total_cost=investment_cost_expression()).order_by(
        "-month", "department__name", "category", "pk"
    )


@dataclass
class MonthTotals:
    month: date
    by_category: dict[str, Decimal] = field(default_factory=dict)
    row: list[Decimal | None] = field(default_factory=list)  # in the order of the table's columns

    @property
    def total(self) -> Decimal:
        return sum(self.by_category.values(), Decimal(0))


@dataclass
class InvestmentTotals:
    categories: list[tuple[str, str]]  # (code, label) of the categories with a cost
    months: list[MonthTotals]
    by_category: dict[str, Decimal]
    by_department: list[tuple[str, Decimal]]

    @property
    def total(self) -> Decimal:
        return sum(self.by_category.values(), Decimal(0))

    @property
    def category_cells(self) -> list[Decimal | None]:
        return [self.by_category.get(code) for code, _ in self.categories]


def investments_totals(entries: QuerySet[Investment]) -> InvestmentTotals:
    """Cost per month × category and per department of a filtered list (one query)."""
    rows = (
        entries.order_by()
        .values("month", "category", "department__name")
        .annotate(cost=Coalesce(Sum(investment_cost_expression()), Decimal(0)))
    )
    months: dict[date, MonthTotals] = {}
    by_category: dict[str, Decimal] = {}
    by_department: dict[str, Decimal] = {}
    for row in rows:
        cost = Decimal(row["cost"]).quantize(Decimal("0.01"))
        month = months.setdefault(row["month"], MonthTotals(month=row["month"]))
        month.by_category[row["category"]] = month.by_category.get(row["category"], Decimal(0)) + cost
        by_category[row["category"]] = by_category.get(row["category"], Decimal(0)) + cost
        by_department[row["department__name"]] = by_department.get(row["department__name"], Decimal(0)) + cost
    categories = [(code, label) for code, label in InvestmentCategory.choices if code in by_category]
    for month in months.values():
        month.row = [month.by_category.get(code) for code, _ in categories]
    return InvestmentTotals(
        categories=categories,
        months=[months[key] for key in sorted(months, reverse=True)],
        by_category=by_category,
        by_department=sorted(by_department.items(), key=lambda item: (-item[1], item[0])),
    )


def investment_for(*, user, pk: int) -> Investment:
    """One entry the person may see; Investment.DoesNotExist (→ 404) otherwise."""
    return investments_visible_to(user).select_related("department").get(pk=pk)
