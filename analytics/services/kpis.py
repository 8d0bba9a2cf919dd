"""KPIs and their targets: the CoE defines what the charter's objectives are measured by."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from analytics.models import Kpi, KpiTarget
from analytics.permissions import can_manage_analytics
from analytics.selectors.kpis import KPI_METRICS, period_start
from coe.audit import audit
from coe.errors import DomainError, NotAllowed

KPI_FIELDS = (
    "name",
    "description",
    "objective",
    "department",
    "metric",
    "denominator",
    "aggregation",
    "cadence",
    "direction",
    "unit",
    "is_active",
)


def _require_manager(actor) -> None:
    if not can_manage_analytics(actor):
        raise NotAllowed("Only the CoE team defines KPIs and their targets.")


def kpi_settings_check(*, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A KPI measures one rollup figure: a known metric; a rate also names its denominator (a
    different figure); growth and latest need no denominator (it is cleared)."""
    cleaned = {name: value for name, value in fields.items() if name in KPI_FIELDS}
    errors: dict[str, list[str]] = {}
    name = (cleaned.get("name") or "").strip()
    if "name" in cleaned:
        cleaned["name"] = name
        if not name:
            errors["name"] = ["Give the KPI a name."]
    metric = cleaned.get("metric")
    if metric is not None and metric not in KPI_METRICS:
        errors["metric"] = [f"“{metric}” is not a figure we measure; pick one of {', '.join(KPI_METRICS)}."]
    aggregation = cleaned.get("aggregation", Kpi.Aggregation.SUM)
    if aggregation == Kpi.Aggregation.RATE:
        denominator = cleaned.get("denominator") or ""
        if denominator not in KPI_METRICS or denominator == metric or denominator == "followers":
            errors["denominator"] = ["A rate divides by another figure, e.g. engagements / impressions."]
    elif "aggregation" in cleaned:
        cleaned["denominator"] = ""
    if aggregation == Kpi.Aggregation.SUM and metric == "followers":
        errors["aggregation"] = ["Followers are a level, not a flow: use “latest” or “growth”."]
    if errors:
        raise DomainError("The KPI needs a few corrections.", fields=errors)
    return cleaned


@transaction.atomic
def kpi_create(*, actor, fields: Mapping[str, Any]) -> Kpi:
    """Create a KPI (CoE staff), tied to an objective and owned by a department (or the company)."""
    _require_manager(actor)
    cleaned = kpi_settings_check(fields={"name": fields.get("name", ""), **fields})
    if not cleaned.get("metric"):
        raise DomainError("The KPI needs a few corrections.", fields={"metric": ["Pick the figure it measures."]})
    kpi = Kpi.objects.create(**cleaned)
    audit(actor=actor, action="kpi.created", obj=kpi, summary=f"The KPI “{kpi}” was created.")
    return kpi


@transaction.atomic
def kpi_update(*, actor, kpi: Kpi, changes: Mapping[str, Any]) -> Kpi:
    """Change a KPI (CoE staff). Targets stay; changing what it measures changes every period's
    actual, so it is recorded in the audit trail with the old values."""
    _require_manager(actor)
    kpi = Kpi.objects.select_for_update().get(pk=kpi.pk)
    merged = {name: getattr(kpi, name) for name in KPI_FIELDS}
    merged.update({name: value for name, value in changes.items() if name in KPI_FIELDS})
    cleaned = kpi_settings_check(fields=merged)
    before = {name: str(getattr(kpi, name)) for name in cleaned if getattr(kpi, name) != cleaned[name]}
    for name, value in cleaned.items():
        setattr(kpi, name, value)
    kpi.save()
    if before:
        audit(actor=actor, action="kpi.changed", obj=kpi, summary=f"The KPI “{kpi}” was changed.", data=before)
    return kpi


@transaction.atomic
def kpi_deactivate(*, actor, kpi: Kpi) -> Kpi:
    """Stop tracking a KPI (CoE staff): it leaves the dashboard; its targets stay for the record."""
    _require_manager(actor)
    updated = Kpi.objects.filter(pk=kpi.pk, is_active=True).update(is_active=False)
    kpi.refresh_from_db()
    if updated:
        audit(actor=actor, action="kpi.deactivated", obj=kpi, summary=f"The KPI “{kpi}” is no longer tracked.")
    return kpi


@transaction.atomic
def kpi_target_set(*, actor, kpi: Kpi, period_start_on: date, target: Decimal | None) -> KpiTarget | None:
    """Set (or, with ``target`` None, remove) a KPI's target for one period. Any day of the period
    names it: it is stored under the period's first day (the month's, or the quarter's)."""
    _require_manager(actor)
    start = period_start(period_start_on, kpi.cadence)
    if target is None:
        KpiTarget.objects.filter(kpi=kpi, period_start=start).delete()
        audit(
            actor=actor, action="kpi.target_removed", obj=kpi, summary=f"The target of “{kpi}” for {start} was removed."
        )
        return None
    target = Decimal(target)
    if kpi.aggregation != Kpi.Aggregation.GROWTH and target < 0:
        raise DomainError("A target is zero or more.", fields={"target": ["A target is zero or more."]})
    row, _ = KpiTarget.objects.update_or_create(kpi=kpi, period_start=start, defaults={"target": target})
    audit(
        actor=actor,
        action="kpi.target_set",
        obj=kpi,
        summary=f"The target of “{kpi}” for {start} is now {target}.",
        data={"period_start": start.isoformat(), "target": str(target)},
    )
    return row
