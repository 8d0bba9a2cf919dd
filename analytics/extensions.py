"""What analytics adds to coe's layout: the "Analytics" navigation entry (the dashboard, for the
CoE team, leadership and liaisons) and the home page's KPI tiles for leadership and the CoE."""

from __future__ import annotations

from coe.extensions import HomePanel, register_home_panel
from coe.navigation import NavItem
from coe.navigation import register as register_nav_items


def _can_view_dashboard(user) -> bool:
    from analytics import permissions

    return permissions.can_view_dashboard(user)


def _kpi_home_panel(user):
    """The KPI tiles for people who see every department's figures; nothing for others."""
    from django.utils import timezone

    from analytics import permissions
    from analytics.selectors.kpis import STATUS_LABELS, kpi_statuses

    if not permissions.can_view_all_figures(user):
        return None
    statuses = kpi_statuses(user=user, on=timezone.localdate(), periods_back=1)
    if not statuses:
        return None
    return {"kpi_statuses": statuses, "status_labels": STATUS_LABELS}


def register() -> None:
    register_nav_items(NavItem("Analytics", "analytics:dashboard", _can_view_dashboard, order=65))
    register_home_panel(
        HomePanel(key="analytics_kpis", template="analytics/partials/_home_kpis.html", context=_kpi_home_panel, order=4)
    )
