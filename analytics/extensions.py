"""What analytics adds to coe's layout: the "Analytics" navigation entry (the dashboard, for the
CoE team, leadership and liaisons) and the home page's KPI tiles for leadership and the CoE."""

from __future__ import annotations

from coe.extensions import HomePanel, register_home_panel, register_objective_status
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


def _objective_status(user, objective_ids: list[int]) -> dict[int, list[dict]]:
    """The KPIs measuring each charter objective, with actual, target and status for the current
    period — only the KPIs this person sees (someone without figures sees none)."""
    from django.urls import reverse
    from django.utils import timezone

    from analytics.selectors.kpis import STATUS_LABELS, kpi_statuses, kpis_visible_to

    kpis = kpis_visible_to(user).filter(is_active=True, objective_id__in=objective_ids)
    result: dict[int, list[dict]] = {pk: [] for pk in objective_ids}
    url = reverse("analytics:kpis")
    for status in kpi_statuses(user=user, on=timezone.localdate(), periods_back=0, kpis=kpis):
        result.setdefault(status.kpi.objective_id, []).append(
            {
                "name": status.kpi.name,
                "actual": status.actual,
                "target": status.current.expected if status.current.expected is not None else status.target,
                "status": status.status,
                "status_label": STATUS_LABELS.get(status.status, status.status),
                "url": url,
            }
        )
    return result


def register() -> None:
    register_nav_items(NavItem("Analytics", "analytics:dashboard", _can_view_dashboard, order=65))
    register_home_panel(
        HomePanel(key="analytics_kpis", template="analytics/partials/_home_kpis.html", context=_kpi_home_panel, order=4)
    )
    register_objective_status("analytics", _objective_status)
