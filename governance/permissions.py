"""Who may do what with policies, content rules, crisis plans and incidents, and the audit trail.

Model permissions (granted to roles in coe.roles) say what a role may do at all; object rules are
added here (a spokesperson named in a crisis plan may declare an incident under it; a policy's
audience decides who must acknowledge it). Querysets here are what a person may see at all.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet

from coe.models import Department
from coe.permissions import has_model_or_object_perm
from governance.models import (
    Acknowledgment,
    AuditEntry,
    ContentRule,
    CrisisIncident,
    CrisisPlan,
    Policy,
    PolicyVersion,
)

# --- policies -----------------------------------------------------------------------------------


def can_view_policies(user) -> bool:
    """Everyone signed in reads the published policies."""
    return bool(user and user.is_authenticated and user.is_active)


def can_edit_policies(user) -> bool:
    """Write and change drafts (CoE staff)."""
    return has_model_or_object_perm(user, "governance.change_policy")


def can_publish_policies(user) -> bool:
    """Publish and retire versions (CoE manager)."""
    return has_model_or_object_perm(user, "governance.publish_policyversion")


def can_view_compliance(user) -> bool:
    """Who acknowledged what: CoE staff and leadership."""
    return has_model_or_object_perm(user, "governance.view_policy_compliance")


def can_create_policies(user) -> bool:
    return has_model_or_object_perm(user, "governance.add_policy")


def is_policy_owner(user, policy: Policy | None) -> bool:
    return bool(policy is not None and user and user.is_authenticated and user.is_active and policy.owner_id == user.pk)


def can_edit_policy(user, policy: Policy | None) -> bool:
    """Write drafts of this policy: CoE staff, and its owner (who keeps the text current; the CoE
    manager still publishes)."""
    return can_edit_policies(user) or is_policy_owner(user, policy)


POLICY_SETTINGS_FIELDS = frozenset(
    {
        "title",
        "category",
        "summary",
        "owner",
        "review_due_on",
        "audience_everyone",
        "audience_departments",
        "audience_roles",
        "acknowledge_within_days",
    }
)
# What a policy's owner may change on it besides its drafts: recording a review sets the next date.
POLICY_OWNER_FIELDS = frozenset({"summary", "review_due_on"})


def policy_fields_writable_by(user, policy: Policy | None) -> frozenset[str]:
    """Settings ``user`` may set on ``policy`` (``None``: creating one); others are refused."""
    if policy is None:
        return POLICY_SETTINGS_FIELDS if can_create_policies(user) else frozenset()
    if can_edit_policies(user):
        return POLICY_SETTINGS_FIELDS
    return POLICY_OWNER_FIELDS if is_policy_owner(user, policy) else frozenset()


def policies_visible_to(user) -> QuerySet[Policy]:
    """Policy editors see every policy (drafts too); everyone else those with a published version,
    and owners their own."""
    if not can_view_policies(user):
        return Policy.objects.none()
    if can_edit_policies(user):
        return Policy.objects.all()
    return Policy.objects.filter(Q(current_version__isnull=False) | Q(owner=user))


def versions_visible_to(user) -> QuerySet[PolicyVersion]:
    """Drafts are for policy editors (and the policy's owner); published and retired versions for
    everyone who sees the policy."""
    if not can_view_policies(user):
        return PolicyVersion.objects.none()
    if can_edit_policies(user):
        return PolicyVersion.objects.all()
    return PolicyVersion.objects.filter(
        Q(
            policy__in=policies_visible_to(user),
            status__in=[PolicyVersion.Status.PUBLISHED, PolicyVersion.Status.RETIRED],
        )
        | Q(policy__owner=user)
    )


def policy_audience_q(user) -> Q:
    """The policies whose audience includes this person."""
    return (
        Q(audience_everyone=True)
        | Q(audience_departments__in=user.departments.all())
        | Q(audience_roles__in=user.groups.all())
    )


def is_in_policy_audience(user, policy: Policy) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if policy.audience_everyone:
        return True
    return Policy.objects.filter(pk=policy.pk).filter(policy_audience_q(user)).exists()


def policy_audience(policy: Policy) -> QuerySet:
    """The active people who must acknowledge ``policy`` (one row each)."""
    people = get_user_model().objects.filter(is_active=True)
    if policy.audience_everyone:
        return people
    members = Department.members.through.objects.filter(
        department_id__in=policy.audience_departments.through.objects.filter(policy_id=policy.pk).values(
            "department_id"
        )
    ).values("user_id")
    role_holders = (
        get_user_model()
        .groups.through.objects.filter(
            group_id__in=policy.audience_roles.through.objects.filter(policy_id=policy.pk).values("group_id")
        )
        .values("user_id")
    )
    return people.filter(Q(pk__in=members) | Q(pk__in=role_holders))


def acknowledgments_visible_to(user) -> QuerySet[Acknowledgment]:
    """Everyone sees their own; compliance viewers see everyone's."""
    if not can_view_policies(user):
        return Acknowledgment.objects.none()
    if can_view_compliance(user):
        return Acknowledgment.objects.all()
    return Acknowledgment.objects.filter(user=user)


# --- content rules ------------------------------------------------------------------------------


def can_view_rules(user) -> bool:
    """Read the rules: CoE staff, and approvers (warnings send posts to them)."""
    return has_model_or_object_perm(user, "governance.view_contentrule")


def can_add_rules(user) -> bool:
    return has_model_or_object_perm(user, "governance.add_contentrule")


def can_edit_rules(user) -> bool:
    """Change, switch off and on (CoE staff)."""
    return has_model_or_object_perm(user, "governance.change_contentrule")


def can_delete_rules(user) -> bool:
    return has_model_or_object_perm(user, "governance.delete_contentrule")


def can_test_rules(user) -> bool:
    """The rule tester: any text, any channel or department (CoE staff)."""
    return has_model_or_object_perm(user, "governance.test_contentrule")


def can_check_content(user) -> bool:
    """Check a text against the rules through the API: whoever tries rules, and whoever writes
    posts (they see the same findings while composing)."""
    return can_test_rules(user) or has_model_or_object_perm(user, "publishing.add_post")


def rules_visible_to(user) -> QuerySet[ContentRule]:
    return ContentRule.objects.all() if can_view_rules(user) else ContentRule.objects.none()


# --- crisis -------------------------------------------------------------------------------------

CRISIS_NAMED_CACHE_KEY = "governance:crisis-named-people"


def crisis_named_people() -> dict[str, frozenset[int]]:
    """Who the active crisis plans name, as ``{"spokespeople": {ids}, "contacts": {ids}}``. Cached:
    the navigation asks on every page; saving a plan forgets it (``forget_crisis_named_people``)."""
    cached = cache.get(CRISIS_NAMED_CACHE_KEY)
    if cached is None:
        spokespeople = CrisisPlan.spokespeople.through.objects.filter(crisisplan__is_active=True)
        contacts = CrisisPlan.escalation_contacts.through.objects.filter(crisisplan__is_active=True)
        cached = {
            "spokespeople": sorted(set(spokespeople.values_list("user_id", flat=True))),
            "contacts": sorted(set(contacts.values_list("user_id", flat=True))),
        }
        cache.set(CRISIS_NAMED_CACHE_KEY, cached, 600)
    return {role: frozenset(ids) for role, ids in cached.items()}


def forget_crisis_named_people() -> None:
    # Now (this request sees the change) and after commit (no other request re-caches the old one).
    cache.delete(CRISIS_NAMED_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CRISIS_NAMED_CACHE_KEY))


def _is_active_person(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and getattr(user, "pk", None))


def is_named_in_crisis_plans(user) -> bool:
    """A spokesperson or an escalation contact of an active plan."""
    if not _is_active_person(user):
        return False
    named = crisis_named_people()
    return user.pk in named["spokespeople"] or user.pk in named["contacts"]


def can_view_crisis(user) -> bool:
    """CoE staff and leadership, and the people an active plan names (spokespeople, escalation
    contacts): they are the ones called when something goes wrong."""
    return has_model_or_object_perm(user, "governance.view_crisisincident") or is_named_in_crisis_plans(user)


def can_view_all_crisis(user) -> bool:
    return has_model_or_object_perm(user, "governance.view_crisisincident")


def can_edit_crisis_plans(user) -> bool:
    return has_model_or_object_perm(user, "governance.change_crisisplan")


def can_declare_incident(user, plan: CrisisPlan | None = None) -> bool:
    """The CoE manager (under any plan, or none), or a spokesperson named in an active plan."""
    if has_model_or_object_perm(user, "governance.declare_incident"):
        return True
    return bool(
        plan is not None
        and plan.is_active
        and _is_active_person(user)
        and plan.spokespeople.filter(pk=user.pk).exists()
    )


def can_declare_some_incident(user) -> bool:
    """Whether to offer "Declare an incident" at all."""
    if has_model_or_object_perm(user, "governance.declare_incident"):
        return True
    return _is_active_person(user) and user.pk in crisis_named_people()["spokespeople"]


def can_resolve_incident(user, incident: CrisisIncident) -> bool:
    return has_model_or_object_perm(user, "governance.declare_incident")


def can_review_incident(user, incident: CrisisIncident) -> bool:
    """The post-incident review is recorded by whoever may resolve (the CoE manager)."""
    return can_resolve_incident(user, incident)


def _named_in(plan: CrisisPlan | None, user) -> bool:
    return bool(
        plan is not None
        and _is_active_person(user)
        and (plan.spokespeople.filter(pk=user.pk).exists() or plan.escalation_contacts.filter(pk=user.pk).exists())
    )


def can_update_incident(user, incident: CrisisIncident) -> bool:
    """Add to the timeline: CoE staff, the plan's spokespeople and escalation contacts."""
    if has_model_or_object_perm(user, "governance.add_incidentupdate"):
        return True
    return _named_in(incident.plan, user)


def can_speak_for_incident(user, incident: CrisisIncident) -> bool:
    """Write a statement while the incident is active: a spokesperson named in its plan (the CoE
    manager when it was declared without a plan). This is the only way onto a frozen channel."""
    if not incident.is_active or not _is_active_person(user):
        return False
    if incident.plan_id is None:
        return has_model_or_object_perm(user, "governance.declare_incident")
    return incident.plan.spokespeople.filter(pk=user.pk).exists()


def is_spokesperson(user) -> bool:
    return _is_active_person(user) and user.pk in crisis_named_people()["spokespeople"]


def plans_visible_to(user) -> QuerySet[CrisisPlan]:
    """Every plan for CoE staff and leadership; for the people a plan names, the plans naming them."""
    if has_model_or_object_perm(user, "governance.view_crisisplan"):
        return CrisisPlan.objects.all()
    if not _is_active_person(user):
        return CrisisPlan.objects.none()
    return CrisisPlan.objects.filter(
        pk__in=CrisisPlan.objects.filter(Q(spokespeople=user) | Q(escalation_contacts=user)).values("pk")
    )


def incidents_visible_to(user) -> QuerySet[CrisisIncident]:
    """Every incident for CoE staff and leadership; for the people a plan names, its incidents."""
    if can_view_all_crisis(user):
        return CrisisIncident.objects.all()
    if not _is_active_person(user):
        return CrisisIncident.objects.none()
    return CrisisIncident.objects.filter(plan__in=plans_visible_to(user).values("pk"))


# --- audit --------------------------------------------------------------------------------------


def can_view_audit(user) -> bool:
    return has_model_or_object_perm(user, "governance.view_auditentry")


def audit_visible_to(user) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.all() if can_view_audit(user) else AuditEntry.objects.none()
