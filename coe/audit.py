"""Recording what people did, for the audit trail.

Every app calls ``audit(...)`` for the actions the trail must show (role changes, approvals,
policy and rule changes, crisis actions, sign-ins). The trail itself is governance's
(``governance.models.AuditEntry``); coe may not import governance, so governance registers its
recorder here when it starts. Without a recorder (an app tested alone) nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_recorder: Callable[..., Any] | None = None


def register_recorder(recorder: Callable[..., Any]) -> None:
    global _recorder
    _recorder = recorder


def audit(
    *,
    actor,
    action: str,
    summary: str,
    obj: Any = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> None:
    """One entry: ``action`` is ``<thing>.<verb>`` (e.g. ``role.changed``), ``summary`` a sentence a
    person reads in the trail, ``obj`` the object acted on (its type, id and name are kept)."""
    if _recorder is not None:
        _recorder(actor=actor, action=action, summary=summary, obj=obj, data=data or {}, ip_address=ip_address)
