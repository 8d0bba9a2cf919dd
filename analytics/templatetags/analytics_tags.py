"""Analytics' template helpers: the sub-navigation between its pages, figures as people read them."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.urls import NoReverseMatch, reverse

from analytics import permissions

register = template.Library()


def _investment_viewer(user) -> bool:
    check = getattr(permissions, "can_view_investment", permissions.can_manage_analytics)
    return check(user)


# (label, URL name, who sees it). A page another area has not built yet is skipped, not broken.
SUBNAV = [
    ("Dashboard", "analytics:dashboard", permissions.can_view_dashboard),
    ("KPIs", "analytics:kpis", permissions.can_view_dashboard),
    ("ROI", "analytics:roi", permissions.can_view_roi),
    ("Investment", "analytics:investment", permissions.can_view_investment),
    ("Listening", "analytics:listening", permissions.can_view_listening),
    ("Import metrics", "analytics:metrics_import", permissions.can_manage_analytics),
]


@register.simple_tag(takes_context=True)
def analytics_subnav(context) -> list[dict]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    items = []
    for label, url_name, allowed in SUBNAV:
        if user is None or not allowed(user):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": current == url_name})
    return items


@register.filter
def figure(value, places: int = 0) -> str:
    """A figure with thousands separators; an empty value as a dash."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if places:
        return f"{value:,.{int(places)}f}"
    return f"{int(value.quantize(Decimal(1))):,}"


@register.filter
def signed(value) -> str:
    """A change in percent with its sign: +12.5 %, −3.0 %; nothing to compare with: a dash."""
    if value is None:
        return "—"
    value = Decimal(value)
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    if abs(value) > 999:
        return f"{sign}999 % or more"
    return f"{sign}{abs(value)} %"


@register.filter
def change_class(value, direction: str = "up") -> str:
    if value is None or Decimal(value) == 0:
        return "text-body-secondary"
    better = (Decimal(value) > 0) == (direction != "down")
    return "text-success" if better else "text-danger"


@register.filter
def kpi_value(value, kpi) -> str:
    """A KPI's figure in its unit: rates and growth in percent, others with separators."""
    if value is None:
        return "—"
    if kpi.aggregation in {"rate", "growth"}:
        return (
            f"{Decimal(value):.1f} %" if kpi.aggregation == "rate" else signed(Decimal(value).quantize(Decimal("0.1")))
        )
    shown = figure(value, 2 if Decimal(value) != Decimal(value).to_integral_value() and abs(value) < 100 else 0)
    return f"{shown} {kpi.unit}".strip() if kpi.unit and kpi.unit != "%" else shown


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def kpi_measure(kpi) -> str:
    """What a KPI measures, in a few words: "sum of clicks", "engagements / impressions" …"""
    if kpi.aggregation == "rate":
        return f"{kpi.metric} / {kpi.denominator or 'impressions'} (%)"
    if kpi.aggregation == "growth":
        return f"growth of {kpi.metric} (%)"
    if kpi.aggregation == "latest":
        return f"{kpi.metric} at the period's end"
    return f"sum of {kpi.metric}"
