"""Investment entries (what a department spent on social in a month, by category) and the value
settings that turn results into money: recorded one by one or imported from CSV, every change on
the audit trail. Only CoE staff write them.

CSV import checks every row first and reports each bad one with its line, column and reason; in
``all_or_nothing`` mode (the default) one bad row imports nothing, in ``good_rows`` mode the good
rows are imported and the bad ones reported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from analytics import permissions
from analytics.models import Investment, InvestmentCategory, ValueSettings
from analytics.models.imports import MetricImport
from coe.audit import audit
from coe.errors import DomainError, NotAllowed
from coe.models import Department

MONEY_FIELDS = ("amount", "hours", "loaded_rate", "fte_share", "fte_yearly_cost")
FIELDS = ("department", "month", "category", *MONEY_FIELDS, "note")
IMPORT_COLUMNS = ["month", "department", "category", *MONEY_FIELDS, "note"]
REQUIRED_COLUMNS = {"month", "department", "category"}
MAX_IMPORT_ROWS = 10_000
MODES = tuple(MetricImport.Mode.values)  # all_or_nothing (the default), good_rows: as metric imports
# Bounds that catch a typo (an hourly rate of 9,000,000) before it lands in a leadership report.
LIMITS = {
    "amount": Decimal("100000000"),
    "hours": Decimal("100000"),
    "loaded_rate": Decimal("10000"),
    "fte_share": Decimal("100"),
    "fte_yearly_cost": Decimal("10000000"),
}
EARLIEST_MONTH = date(2000, 1, 1)


def _require_manager(actor) -> None:
    if not permissions.can_manage_investment(actor):
        raise NotAllowed("Only the CoE team records investment.")


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """The rules of one entry, with the field each message belongs to: the month is the first of
    its month; amounts, hours, rates and shares are not negative and within sane bounds; hours
    need a loaded rate and an FTE share a yearly cost; an entry costs something."""
    errors: dict[str, list[str]] = {}
    cleaned = dict(values)
    month = cleaned.get("month")
    if not isinstance(month, date):
        errors.setdefault("month", []).append("Give the month, e.g. 2026-03.")
    else:
        cleaned["month"] = month.replace(day=1)
        if cleaned["month"] < EARLIEST_MONTH:
            errors.setdefault("month", []).append("The month is before 2000.")
    if not isinstance(cleaned.get("department"), Department):
        errors.setdefault("department", []).append("Choose a department.")
    if cleaned.get("category") not in InvestmentCategory.values:
        errors.setdefault("category", []).append(f"Choose a category: {', '.join(InvestmentCategory.values)}.")
    for name in MONEY_FIELDS:
        value = Decimal(cleaned.get(name) or 0)
        cleaned[name] = value
        if value < 0:
            errors.setdefault(name, []).append("Cannot be negative.")
        elif value > LIMITS[name]:
            errors.setdefault(name, []).append(f"At most {LIMITS[name]:,}.")
    if cleaned["hours"] > 0 and cleaned["loaded_rate"] == 0:
        errors.setdefault("loaded_rate", []).append("Hours need a loaded rate (the cost of one hour).")
    if cleaned["fte_share"] > 0 and cleaned["fte_yearly_cost"] == 0:
        errors.setdefault("fte_yearly_cost", []).append("An FTE share needs the yearly cost of one FTE.")
    if not errors and Investment(**{k: cleaned[k] for k in MONEY_FIELDS}).cost <= 0:
        errors.setdefault("amount", []).append("The entry costs nothing: give an amount, hours or an FTE share.")
    cleaned["note"] = (cleaned.get("note") or "").strip()[:300]
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, code="invalid", fields=errors)
    return cleaned


def _describe(entry: Investment) -> dict[str, Any]:
    return {
        "department": entry.department.slug,
        "month": entry.month.isoformat(),
        "category": entry.category,
        **{name: str(getattr(entry, name)) for name in MONEY_FIELDS},
        "cost": str(entry.cost),
        "note": entry.note,
    }


@transaction.atomic
def investment_create(*, actor, values: Mapping[str, Any]) -> Investment:
    """Record one month's spend of a department in a category (CoE staff); see ``_clean``."""
    _require_manager(actor)
    cleaned = _clean(values)
    entry = Investment.objects.create(created_by=actor, **{name: cleaned[name] for name in FIELDS})
    audit(
        actor=actor,
        action="investment.created",
        obj=entry,
        summary=f"Investment recorded: {entry} costs {entry.cost}.",
        data=_describe(entry),
    )
    return entry


@transaction.atomic
def investment_update(*, actor, investment: Investment, values: Mapping[str, Any]) -> Investment:
    """Change an entry (CoE staff); the same rules as recording one. Fields not given keep their
    value."""
    _require_manager(actor)
    entry = Investment.objects.select_for_update().select_related("department").get(pk=investment.pk)
    before = _describe(entry)
    cleaned = _clean({**{name: getattr(entry, name) for name in FIELDS}, **values})
    for name in FIELDS:
        setattr(entry, name, cleaned[name])
    entry.save()
    after = _describe(entry)
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changed:
        audit(
            actor=actor,
            action="investment.changed",
            obj=entry,
            summary=f"Investment changed: {entry} ({', '.join(sorted(changed))}).",
            data=changed,
        )
    return entry


@transaction.atomic
def investment_delete(*, actor, investment: Investment) -> None:
    """Remove an entry (CoE staff), e.g. one recorded twice."""
    _require_manager(actor)
    audit(
        actor=actor,
        action="investment.deleted",
        obj=investment,
        summary=f"Investment deleted: {investment} ({investment.cost}).",
        data=_describe(investment),
    )
    investment.delete()


@transaction.atomic
def value_settings_update(*, actor, values: Mapping[str, Any]) -> ValueSettings:
    """What results are worth (CoE staff): the currency (a three-letter code), the value of one
    engagement and of one lead (a conversion). Neither value may be negative."""
    if not permissions.can_manage_value_settings(actor):
        raise NotAllowed("Only the CoE team sets what results are worth.")
    current = ValueSettings.current()
    current = ValueSettings.objects.select_for_update().get(pk=current.pk)
    errors: dict[str, list[str]] = {}
    currency = str(values.get("currency", current.currency)).strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        errors["currency"] = ["Use a three-letter currency code such as EUR, USD or GBP."]
    numbers = {}
    for name in ("value_per_engagement", "value_per_lead"):
        try:
            numbers[name] = Decimal(str(values.get(name, getattr(current, name))))
        except InvalidOperation:
            errors[name] = ["Give a number."]
            continue
        if numbers[name] < 0:
            errors[name] = ["Cannot be negative."]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], code="invalid", fields=errors)
    before = str(current)
    current.currency = currency
    current.value_per_engagement = numbers["value_per_engagement"]
    current.value_per_lead = numbers["value_per_lead"]
    current.changed_by = actor
    current.changed_at = timezone.now()
    current.save()
    current.refresh_from_db()
    if str(current) != before:
        audit(
            actor=actor,
            action="value_settings.changed",
            obj=current,
            summary=f"Value settings changed from “{before}” to “{current}”.",
        )
    return current


# --- CSV import ---------------------------------------------------------------------------------


@dataclass
class ImportProblem:
    line: int
    column: str
    message: str


@dataclass
class InvestmentImportReport:
    mode: str
    rows: int = 0
    created: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    total_cost: Decimal = Decimal(0)

    @property
    def bad_lines(self) -> list[int]:
        return sorted({error.line for error in self.errors})

    @property
    def imported(self) -> bool:
        return self.created > 0


def _read(file) -> tuple[list[str], list[dict[str, str]]]:
    raw = file.read()
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise DomainError("The file is not UTF-8 text; save it as “CSV UTF-8” and try again.", code="invalid") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = REQUIRED_COLUMNS - set(header)
    if missing:
        raise DomainError(
            f"The first row must name the columns; missing: {', '.join(sorted(missing))}. "
            f"Expected: {', '.join(IMPORT_COLUMNS)}.",
            code="invalid",
        )
    rows = [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k} for row in reader]
    if not rows:
        raise DomainError("The file has no rows below the header.", code="invalid")
    if len(rows) > MAX_IMPORT_ROWS:
        raise DomainError(f"At most {MAX_IMPORT_ROWS:,} rows per file; this one has {len(rows):,}.", code="invalid")
    return header, rows


def _parse_month(text: str) -> date:
    for size in (7, 10):
        if len(text) == size:
            try:
                return date.fromisoformat(text if size == 10 else f"{text}-01").replace(day=1)
            except ValueError:
                break
    raise ValueError(f"“{text}” is not a month like 2026-03.")


def _parse_number(text: str) -> Decimal:
    cleaned = text.replace(",", "").replace(" ", "")
    if not cleaned:
        return Decimal(0)
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"“{text}” is not a number.") from exc
    if not value.is_finite():
        raise ValueError(f"“{text}” is not a number.")
    return value


def investments_import(*, actor, file, mode: str = "all_or_nothing") -> InvestmentImportReport:
    """Investment entries from a CSV file (columns ``IMPORT_COLUMNS``; department by name or
    slug, category by its code or label, month as 2026-03). Every row is checked with the rules
    of ``investment_create``; bad rows are reported by line, column and reason. All or nothing
    (default): one bad row and the database is untouched; ``good_rows``: the good rows go in."""
    _require_manager(actor)
    if mode not in MODES:
        raise DomainError(f"Choose a mode: {', '.join(MODES)}.", code="invalid", fields={"mode": ["Unknown mode."]})
    _, rows = _read(file)
    departments: dict[str, Department] = {}
    for department in Department.objects.all():
        departments[department.slug.casefold()] = department
        departments[department.name.casefold()] = department
    categories = {value: value for value in InvestmentCategory.values}
    categories |= {label.casefold(): value for value, label in InvestmentCategory.choices}
    report = InvestmentImportReport(mode=mode, rows=len(rows))
    good: list[Investment] = []
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        values: dict[str, Any] = {"note": row.get("note", "")}
        row_errors: list[ImportProblem] = []
        try:
            values["month"] = _parse_month(row.get("month", ""))
        except ValueError as error:
            row_errors.append(ImportProblem(number, "month", str(error)))
        name = row.get("department", "")
        values["department"] = departments.get(name.casefold())
        if values["department"] is None:
            reason = "Empty." if not name else f"No department called “{name}”."
            row_errors.append(ImportProblem(number, "department", reason))
        category = row.get("category", "")
        values["category"] = categories.get(category.casefold())
        if values["category"] is None:
            reason = f"“{category}” is not a category; use one of {', '.join(InvestmentCategory.values)}."
            row_errors.append(ImportProblem(number, "category", reason))
        for column in MONEY_FIELDS:
            try:
                values[column] = _parse_number(row.get(column, ""))
            except ValueError as error:
                row_errors.append(ImportProblem(number, column, str(error)))
                values[column] = Decimal(0)
        if not row_errors:
            try:
                cleaned = _clean(values)
            except DomainError as error:
                for column, messages in error.fields.items():
                    row_errors.extend(ImportProblem(number, column, message) for message in messages)
            else:
                good.append(Investment(created_by=actor, **{name: cleaned[name] for name in FIELDS}))
        report.errors.extend(row_errors)
    if report.errors and mode == "all_or_nothing":
        return report
    with transaction.atomic():
        Investment.objects.bulk_create(good, batch_size=1000)
        report.created = len(good)
        report.total_cost = sum((entry.cost for entry in good), Decimal(0))
        if good:
            audit(
                actor=actor,
                action="investments.imported",
                summary=f"{len(good)} investment entries imported from CSV ({report.total_cost} in all).",
                data={"rows": report.rows, "created": len(good), "bad_rows": len(report.bad_lines), "mode": mode},
            )
    return report
