"""Small display helpers for publishing pages."""

from django import template

register = template.Library()

_BADGES = {
    "draft": "secondary",
    "in_review": "primary",
    "changes_requested": "warning",
    "approved": "success",
    "rejected": "danger",
    "withdrawn": "secondary",
    "expired": "dark",
    "pending": "light",
    "scheduled": "success",
    "queued": "info",
    "publishing": "info",
    "published": "success",
    "failed": "danger",
    "unknown": "danger",
    "held": "warning",
    "cancelled": "secondary",
    "active": "primary",
    "waiting": "light",
    "informed": "info",
    "closed": "secondary",
    "ok": "success",
    "degraded": "warning",
    "needs_reconnect": "danger",
}


@register.filter
def badge(status: str) -> str:
    """The Bootstrap text-bg class for a status."""
    return f"text-bg-{_BADGES.get(status, 'secondary')}"


@register.filter
def humanize_status(status: str) -> str:
    return status.replace("_", " ")
