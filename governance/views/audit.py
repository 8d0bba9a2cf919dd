"""The audit trail: filter, page through, export. There is nothing to edit here, by design."""

from __future__ import annotations

from datetime import UTC, date

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from coe.exports import csv_response
from governance import permissions
from governance.selectors import audit as selectors

ENTRIES_PER_PAGE = 50
EXPORT_COLUMNS = ["when (UTC)", "who", "action", "app", "object type", "object id", "object", "what", "address", "data"]


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request: HttpRequest) -> selectors.AuditFilters:
    get = request.GET
    actor = get.get("actor", "")
    return selectors.AuditFilters(
        search=get.get("q", "").strip(),
        app=get.get("app", ""),
        action=get.get("action", ""),
        actor=int(actor) if actor.isdigit() else None,
        since=_date(get.get("since")),
        until=_date(get.get("until")),
        object_type=get.get("object_type", ""),
        object_id=get.get("object_id", ""),
    )


def _require_audit(user) -> None:
    if not permissions.can_view_audit(user):
        raise PermissionDenied("The audit trail is for the CoE.")


@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    _require_audit(request.user)
    filters = _filters(request)
    entries = selectors.audit_entries(user=request.user, filters=filters)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "actions": selectors.audit_actions(user=request.user),
        "apps": selectors.audit_apps(user=request.user),
    }
    template = "governance/partials/_audit_table.html" if request.htmx else "governance/audit_list.html"
    return render(request, template, context)


@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    """Every entry that matches the filters, streamed."""
    _require_audit(request.user)
    entries = selectors.audit_entries(user=request.user, filters=_filters(request))
    rows = (
        [
            entry.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor_label,
            entry.action,
            entry.app,
            entry.object_type,
            entry.object_id,
            entry.object_label,
            entry.summary,
            entry.ip_address or "",
            entry.data,
        ]
        for entry in entries.iterator(chunk_size=2000)
    )
    return csv_response(EXPORT_COLUMNS, rows, f"audit-{timezone.localdate():%Y-%m-%d}.csv")
