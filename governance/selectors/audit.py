"""Reading the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from governance import permissions
from governance.models import AuditEntry


@dataclass
class AuditFilters:
    search: str = ""
    app: str = ""
    action: str = ""
    actor: int | None = None
    since: date | None = None
    until: date | None = None
    object_type: str = ""
    object_id: str = ""


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries(*, user, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    """Newest first; the dates are the viewer's days (``until`` included)."""
    filters = filters or AuditFilters()
    entries = permissions.audit_visible_to(user).order_by("-created_at", "-id")
    if filters.search:
        words = filters.search.strip()
        entries = entries.filter(
            Q(summary__icontains=words) | Q(object_label__icontains=words) | Q(actor_label__icontains=words)
        )
    if filters.app:
        entries = entries.filter(app=filters.app)
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.actor:
        entries = entries.filter(actor_id=filters.actor)
    if filters.since:
        entries = entries.filter(created_at__gte=_day_start(filters.since))
    if filters.until:
        entries = entries.filter(created_at__lt=_day_start(filters.until + timedelta(days=1)))
    if filters.object_type:
        entries = entries.filter(object_type=filters.object_type)
    if filters.object_id:
        entries = entries.filter(object_id=filters.object_id)
    return entries


def audit_actions(*, user) -> list[str]:
    """The actions that occur in the trail, for the filter."""
    return list(permissions.audit_visible_to(user).order_by("action").values_list("action", flat=True).distinct())


def audit_apps(*, user) -> list[str]:
    return list(permissions.audit_visible_to(user).order_by("app").values_list("app", flat=True).distinct())
