"""Who may do what with policies, content rules, crisis plans and incidents, and the audit trail.

Model permissions (granted to roles in coe.roles) say what a role may do at all; object rules are
added here (a spokesperson named in a crisis plan may declare an incident under it; a policy's
audience decides who must acknowledge it). Querysets here are what a person may see at all.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from coe.permissions import has_model_or_object_perm
from governance.models import AuditEntry, ContentRule, CrisisIncident, CrisisPlan, Policy, PolicyVersion

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
    return has_model_or_object_perm(user, "governance.view_policy_compliance")


def policies_visible_to(user) -> QuerySet[Policy]:
    """Policy editors see every policy (drafts too); everyone else those with a published version."""
    if not can_view_policies(user):
        return Policy.objects.none()
    if can_edit_policies(user):
        return Policy.objects.all()
    return Policy.objects.filter(current_version__isnull=False)


def versions_visible_to(user) -> QuerySet[PolicyVersion]:
    if can_edit_policies(user):
        return PolicyVersion.objects.all()
    return PolicyVersion.objects.filter(
        policy__in=policies_visible_to(user), status__in=[PolicyVersion.Status.PUBLISHED, PolicyVersion.Status.RETIRED]
    )


def policy_audience_q(user) -> Q:
    """The policies whose audience includes this person."""
    return (
        Q(audience_everyone=True)
        | Q(audience_departments__in=user.departments.all())
        | Q(audience_roles__in=user.groups.all())
    )


# --- content rules ------------------------------------------------------------------------------


def can_view_rules(user) -> bool:
    return has_model_or_object_perm(user, "governance.view_contentrule")


def can_edit_rules(user) -> bool:
    return has_model_or_object_perm(user, "governance.change_contentrule")


def can_test_rules(user) -> bool:
    return has_model_or_object_perm(user, "governance.test_contentrule")


def rules_visible_to(user) -> QuerySet[ContentRule]:
    return ContentRule.objects.all() if can_view_rules(user) else ContentRule.objects.none()


# --- crisis -------------------------------------------------------------------------------------


def can_view_crisis(user) -> bool:
    return has_model_or_object_perm(user, "governance.view_crisisincident")


def can_edit_crisis_plans(user) -> bool:
    return has_model_or_object_perm(user, "governance.change_crisisplan")


def can_declare_incident(user, plan: CrisisPlan | None = None) -> bool:
    """The CoE manager, or a spokesperson named in the plan."""
    if has_model_or_object_perm(user, "governance.declare_incident"):
        return True
    return bool(plan is not None and user.is_authenticated and plan.spokespeople.filter(pk=user.pk).exists())


def can_resolve_incident(user, incident: CrisisIncident) -> bool:
    return has_model_or_object_perm(user, "governance.declare_incident")


def can_update_incident(user, incident: CrisisIncident) -> bool:
    """Add to the timeline: CoE staff, the plan's spokespeople and escalation contacts."""
    if has_model_or_object_perm(user, "governance.add_incidentupdate"):
        return True
    plan = incident.plan
    return bool(
        plan is not None
        and user.is_authenticated
        and (plan.spokespeople.filter(pk=user.pk).exists() or plan.escalation_contacts.filter(pk=user.pk).exists())
    )


def is_spokesperson(user) -> bool:
    return bool(user and user.is_authenticated and CrisisPlan.objects.filter(spokespeople=user).exists())


# --- audit --------------------------------------------------------------------------------------


def can_view_audit(user) -> bool:
    return has_model_or_object_perm(user, "governance.view_auditentry")


def audit_visible_to(user) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.all() if can_view_audit(user) else AuditEntry.objects.none()
