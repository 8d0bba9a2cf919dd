"""What governance adds to coe's layout (navigation entries, the crisis banner, the home panel of
pending acknowledgments) and sign-ins in the audit trail."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.urls import reverse

from coe.extensions import Banner, HomePanel, register_banner_provider, register_home_panel
from coe.navigation import NavItem
from coe.navigation import register as register_nav_items


def _client_ip(request) -> str | None:
    from coe.http import client_ip

    return client_ip(request)


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


def _can_view_crisis(user) -> bool:
    from governance import permissions

    return permissions.can_view_crisis(user)


def _crisis_banner(user) -> list[Banner]:
    """One banner per active incident, on every page (cached; declaring and resolving forget it).
    Those who follow incidents get its title and a link; everyone else is asked to hold back."""
    from governance import permissions
    from governance.selectors import crisis as crisis_selectors

    incidents = crisis_selectors.active_incidents_for_banner()
    if not incidents:
        return []
    if permissions.can_view_all_crisis(user):
        visible = {incident.incident_id for incident in incidents}
    elif permissions.can_view_crisis(user):
        visible = set(permissions.incidents_visible_to(user).filter(status="active").values_list("pk", flat=True))
    else:
        visible = set()
    banners = []
    for incident in (incident for incident in incidents if incident.incident_id in visible):
        count = len(incident.channel_ids) if not incident.all_channels else 0
        scope = "every channel" if incident.all_channels else f"{count} channel{'s' if count != 1 else ''}"
        banners.append(
            Banner(
                level="danger",
                message=f"Crisis incident active: {incident.title}. Publishing is frozen on {scope}.",
                url=reverse("governance:incident_detail", kwargs={"pk": incident.incident_id}),
                link_text="Open the incident",
            )
        )
    if len(banners) < len(incidents):  # incidents this person does not follow: no details
        banners.append(
            Banner(
                level="danger",
                message="A crisis is being handled and company channels are frozen. Please do not post or comment "
                "about the company on social media until it is over.",
            )
        )
    return banners


def _can_view_policies(user) -> bool:
    from governance import permissions

    return permissions.can_view_policies(user)


def _policies_home_panel(user):
    """The person's pending acknowledgments (overdue first); a line saying they are up to date
    when none are left."""
    from governance import permissions
    from governance.selectors import policies as policy_selectors

    if not permissions.can_view_policies(user):
        return None
    panel = policy_selectors.home_panel(user=user)  # None while nothing is published: nothing to say
    return panel and {**panel, "can_view_compliance": permissions.can_view_compliance(user)}


def register() -> None:
    register_nav_items(NavItem("Policies", "governance:policy_list", _can_view_policies, order=50))
    register_home_panel(
        HomePanel(
            key="policies", template="governance/partials/_home_policies.html", context=_policies_home_panel, order=5
        )
    )
    register_nav_items(NavItem("Crisis", "governance:crisis", _can_view_crisis, order=60))
    register_banner_provider("governance-crisis", _crisis_banner)
    register_nav_items(NavItem("Audit trail", "governance:audit_list", _can_view_audit, order=90, menu="user"))
    # The trail must show sign-ins; Django's auth signals are the only place they surface.
    user_logged_in.connect(_signed_in, dispatch_uid="governance_audit_signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="governance_audit_signed_out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="governance_audit_sign_in_failed")
