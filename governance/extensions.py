"""What governance adds to coe's layout (navigation entries, the crisis banner, the home panel of
pending acknowledgments) and sign-ins in the audit trail."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from coe.navigation import NavItem
from coe.navigation import register as register_nav_items


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _signed_in(sender, request, user, **kwargs) -> None:
    from coe.audit import audit

    audit(actor=user, action="auth.signed_in", summary=f"{user} signed in.", ip_address=_client_ip(request))


def _signed_out(sender, request, user, **kwargs) -> None:
    from coe.audit import audit

    if user is not None:
        audit(actor=user, action="auth.signed_out", summary=f"{user} signed out.", ip_address=_client_ip(request))


def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    from coe.audit import audit

    username = str((credentials or {}).get("username", ""))[:150]
    audit(
        actor=None,
        action="auth.sign_in_failed",
        summary=f"A sign-in as “{username}” failed.",
        data={"username": username},
        ip_address=_client_ip(request),
    )


def _can_view_audit(user) -> bool:
    from governance import permissions

    return permissions.can_view_audit(user)


def register() -> None:
    register_nav_items(NavItem("Audit", "governance:audit_list", _can_view_audit, order=90))
    # The trail must show sign-ins; Django's auth signals are the only place they surface.
    user_logged_in.connect(_signed_in, dispatch_uid="governance_audit_signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="governance_audit_signed_out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="governance_audit_sign_in_failed")
