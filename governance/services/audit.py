"""Writing the audit trail (every app reaches it through ``coe.audit.audit``)."""

from __future__ import annotations

from typing import Any

from governance.models import AuditEntry


def audit_entry_record(
    *,
    actor,
    action: str,
    summary: str,
    obj: Any = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry. The actor's name and the object's name are copied, so the entry still
    reads right after either is renamed or removed."""
    person = actor if getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        actor=person,
        actor_label=(str(actor) if actor is not None else "CoE Hub")[:200],
        action=action[:80],
        app=action.split(".", 1)[0][:30] if obj is None else obj._meta.app_label[:30],
        object_type=obj._meta.model_name[:60] if obj is not None else "",
        object_id=str(obj.pk)[:64] if obj is not None and obj.pk is not None else "",
        object_label=str(obj)[:300] if obj is not None else "",
        summary=summary[:500],
        data=data or {},
        ip_address=ip_address or None,
    )
