"""Who may see and change which figures.

Leadership reads the dashboard and the ROI report; CoE staff everything (and change KPIs,
investment, value settings, listening topics, imports); liaisons their own departments' figures;
employees none. The API follows the same rules. Model permissions are granted in coe.roles; the
department scoping is here, used by every selector.
"""

from __future__ import annotations

from django.db.models import Q

from coe.permissions import has_model_or_object_perm


def can_view_all_figures(user) -> bool:
    """Every department's figures: CoE staff and leadership."""
    return has_model_or_object_perm(user, "analytics.view_all_figures")


def can_view_department_figures(user) -> bool:
    """Liaisons see their own departments' figures."""
    return has_model_or_object_perm(user, "analytics.view_department_figures")


def can_view_dashboard(user) -> bool:
    return can_view_all_figures(user) or can_view_department_figures(user)


def can_view_roi(user) -> bool:
    return has_model_or_object_perm(user, "analytics.view_roi")


def can_manage_analytics(user) -> bool:
    """Ingest metrics, change KPIs and targets, investment, value settings (CoE staff)."""
    return has_model_or_object_perm(user, "analytics.change_kpi")


def can_view_listening(user) -> bool:
    return has_model_or_object_perm(user, "analytics.view_listeningtopic")


def can_manage_listening(user) -> bool:
    return has_model_or_object_perm(user, "analytics.change_listeningtopic")


def department_ids_visible_to(user) -> set[int] | None:
    """The departments whose figures this person sees: None means all; an empty set, none."""
    if can_view_all_figures(user):
        return None
    if can_view_department_figures(user):
        return set(user.departments.values_list("pk", flat=True))
    return set()


def figures_q(user, field: str = "department_id") -> Q:
    """A filter for any queryset with a department: everything, their departments, or nothing."""
    departments = department_ids_visible_to(user)
    if departments is None:
        return Q()
    return Q(**{f"{field}__in": departments})


# --- investment, value settings and ROI -----------------------------------------------------------


def can_view_investment(user) -> bool:
    """Investment entries: CoE staff and leadership all of them, liaisons their departments'."""
    return can_view_dashboard(user) or can_view_roi(user)


def can_manage_investment(user) -> bool:
    """Record, change, delete and import investment entries (CoE staff)."""
    return has_model_or_object_perm(user, "analytics.change_investment")


def can_manage_value_settings(user) -> bool:
    """What an engagement and a lead are worth (CoE staff)."""
    return has_model_or_object_perm(user, "analytics.change_valuesettings")
