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
    from coe.extensions import register_department_facts

    register_department_facts("governance", department_facts)


# --- department facts (coe's directory and maturity assessments read them) ---------------------


def department_facts(department_ids: list[int]) -> dict:
    """Policy acknowledgment %: of the (person, published policy asking for acceptance) pairs where
    the policy applies to the person (everyone, one of their departments or their role), the share
    accepted at the required version or later — per department (its active members) and for the
    company. Whether an active crisis plan exists is company-wide (key None). Seven queries,
    whatever the number of departments or people (the pairs are counted in Python)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Max

    from coe.extensions import Fact
    from coe.models import Department
    from governance.models import Acknowledgment, CrisisPlan, Policy

    User = get_user_model()
    policies = list(
        Policy.objects.filter(current_version__isnull=False, acknowledgment_version__isnull=False).values_list(
            "pk", "audience_everyone", "acknowledgment_version__number"
        )
    )
    policy_ids = [pk for pk, _, _ in policies]
    audience_departments: dict[int, set[int]] = {pk: set() for pk in policy_ids}
    for policy_id, department_id in Policy.audience_departments.through.objects.filter(
        policy_id__in=policy_ids
    ).values_list("policy_id", "department_id"):
        audience_departments[policy_id].add(department_id)
    audience_roles: dict[int, set[int]] = {pk: set() for pk in policy_ids}
    for policy_id, group_id in Policy.audience_roles.through.objects.filter(policy_id__in=policy_ids).values_list(
        "policy_id", "group_id"
    ):
        audience_roles[policy_id].add(group_id)
    active = set(User.objects.filter(is_active=True).values_list("pk", flat=True))
    departments_of: dict[int, set[int]] = {}
    for user_id, department_id in Department.members.through.objects.filter(user__is_active=True).values_list(
        "user_id", "department_id"
    ):
        departments_of.setdefault(user_id, set()).add(department_id)
    groups_of: dict[int, set[int]] = {}
    for user_id, group_id in User.groups.through.objects.filter(user__is_active=True).values_list(
        "user_id", "group_id"
    ):
        groups_of.setdefault(user_id, set()).add(group_id)
    accepted = {
        (row["user_id"], row["version__policy_id"]): row["number"]
        for row in Acknowledgment.objects.filter(version__policy_id__in=policy_ids, user__is_active=True)
        .values("user_id", "version__policy_id")
        .annotate(number=Max("version__number"))
    }
    counts = {pk: [0, 0] for pk in [*department_ids, None]}  # [should, accepted]
    for user_id in active:
        mine = departments_of.get(user_id, set())
        roles = groups_of.get(user_id, set())
        should = done = 0
        for policy_id, everyone, number in policies:
            if everyone or mine & audience_departments[policy_id] or roles & audience_roles[policy_id]:
                should += 1
                done += accepted.get((user_id, policy_id), 0) >= number
        for key in [None, *(pk for pk in mine if pk in counts)]:
            counts[key][0] += should
            counts[key][1] += done
    crisis_plan = CrisisPlan.objects.filter(is_active=True).exists()
    result = {}
    for key, (should, done) in counts.items():
        pct = round(100 * done / should, 1) if should else None
        result[key] = [
            Fact(
                "policy_ack_pct",
                "Policy acknowledgment",
                pct,
                "—" if pct is None else f"{pct:.0f} %",
                "/governance/policies/",
            )
        ]
    result[None].append(
        Fact(
            "crisis_plan_exists",
            "Crisis plan",
            crisis_plan,
            "Yes" if crisis_plan else "No",
            "/governance/crisis/",
        )
    )
    return result
