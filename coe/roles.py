"""Roles are Django groups, one per person; this module says which model permissions each has.

``ROLE_PERMISSIONS`` is the single source of truth. ``sync_role_groups`` makes the groups in the
database match it: the data migration ``coe.0002_role_groups`` calls it to create the groups, and
the post_migrate hook (coe.apps) calls it again so permissions of apps migrated later are granted
as soon as they exist. Running it twice changes nothing.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import models


class Role(models.TextChoices):
    COE_MANAGER = "coe_manager", "CoE manager"
    COE_MEMBER = "coe_member", "CoE member"
    LIAISON = "liaison", "Liaison"
    APPROVER = "approver", "Approver"
    EMPLOYEE = "employee", "Employee"
    LEADERSHIP = "leadership", "Leadership"

    @property
    def group_name(self) -> str:
        return self.label

    @classmethod
    def from_group_name(cls, name: str) -> Role | None:
        return next((role for role in cls if role.label == name), None)


# Order of precedence when a person (wrongly) holds several role groups: the first one wins.
ROLE_GROUP_NAMES = [role.group_name for role in Role]

# Everyone reads the charter (with its objectives) and the best-practice library, submits
# practices, votes and marks what their department adopted.
_EVERYONE = {
    "coe.view_department",
    "coe.view_charterversion",
    "coe.view_objective",
    "coe.view_practice",
    "coe.add_practice",
    "coe.add_practicevote",
    "coe.add_practiceadoption",
}
# Reading the CoE's own records: CoE staff and leadership.
_COE_RECORDS_READ = {
    "coe.view_department_insights",
    "coe.view_maturityassessment",
    "coe.view_maturityquestion",
    "coe.view_maturityrecommendation",
    "coe.view_steeringmember",
    "coe.view_steeringseries",
    "coe.view_steeringmeeting",
    "coe.view_actionitem",
    "coe.view_tool",
    "coe.view_evaluation",
}
_COMPOSE = {"publishing.add_post", "publishing.change_post"}
_COE_STAFF = (
    _EVERYONE
    | _COMPOSE
    | {
        "coe.view_user",
        "coe.view_workerheartbeat",
        "django_celery_beat.view_periodictask",
        "publishing.view_all_posts",
        "publishing.review_posts",
        "publishing.view_channel",
        "publishing.add_channel",
        "publishing.change_channel",
        "publishing.view_approvalpolicy",
        "publishing.view_publication",
        "publishing.add_campaign",
        "publishing.change_campaign",
        "publishing.view_campaign",
        "publishing.delete_campaign",  # only campaigns no post uses (the service refuses the others)
        "publishing.add_contenttheme",
        "publishing.change_contenttheme",
        "publishing.view_contenttheme",
        "publishing.delete_contenttheme",
        # governance: draft policies, see compliance, keep the content rules, follow incidents
        "governance.view_policy",
        "governance.add_policy",
        "governance.change_policy",
        "governance.view_policyversion",
        "governance.add_policyversion",
        "governance.change_policyversion",
        "governance.view_policy_compliance",
        "governance.view_acknowledgment",
        "governance.view_contentrule",
        "governance.add_contentrule",
        "governance.change_contentrule",
        "governance.delete_contentrule",
        "governance.test_contentrule",
        "governance.view_crisisplan",
        "governance.view_crisisscenario",
        "governance.view_holdingstatement",
        "governance.view_crisisincident",
        "governance.add_incidentupdate",
        "governance.view_incidentupdate",
        "governance.view_auditentry",
        # training: author modules and tracks, assign them, accommodations, the report
        "training.author_module",
        "training.view_module",
        "training.add_module",
        "training.change_module",
        "training.view_certificationtrack",
        "training.add_certificationtrack",
        "training.change_certificationtrack",
        "training.view_certificate",
        "training.view_assignment",
        "training.add_assignment",
        "training.change_assignment",
        "training.delete_assignment",
        "training.view_attempt",
        "training.grant_accommodation",
        "training.view_accommodation",
        "training.view_training_report",
        # analytics: every figure; ingest metrics, KPIs and targets, investment, listening
        "analytics.view_all_figures",
        "analytics.view_roi",
        "analytics.view_metricsnapshot",
        "analytics.add_metricsnapshot",
        "analytics.view_metricrollup",
        "analytics.view_dirtyday",
        "analytics.view_metricimport",
        "analytics.add_metricimport",
        "analytics.view_kpi",
        "analytics.add_kpi",
        "analytics.change_kpi",
        "analytics.delete_kpi",
        "analytics.view_kpitarget",
        "analytics.add_kpitarget",
        "analytics.change_kpitarget",
        "analytics.view_investment",
        "analytics.add_investment",
        "analytics.change_investment",
        "analytics.delete_investment",
        "analytics.view_valuesettings",
        "analytics.change_valuesettings",
        "analytics.view_listeningtopic",
        "analytics.add_listeningtopic",
        "analytics.change_listeningtopic",
        "analytics.view_mention",
        "analytics.add_mention",
        "analytics.view_listeningalert",
        "analytics.change_listeningalert",
        "analytics.view_topichour",
        "analytics.view_reportdelivery",
        "coe.add_objective",
        "coe.change_objective",
        # the CoE itself: members keep the steering committee and curate the library
        "coe.add_steeringmember",
        "coe.change_steeringmember",
        "coe.add_steeringseries",
        "coe.change_steeringseries",
        "coe.add_steeringmeeting",
        "coe.change_steeringmeeting",
        "coe.add_actionitem",
        "coe.change_actionitem",
        "coe.curate_practice",
        "coe.add_practicetag",
        "coe.change_practicetag",
    }
    | _COE_RECORDS_READ
)

ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.COE_MANAGER: _COE_STAFF
    | {
        "coe.add_department",
        "coe.change_department",
        "coe.delete_department",
        "coe.change_department_lead",
        "coe.add_user",
        "coe.change_user",
        "coe.manage_roles",
        "authtoken.view_token",
        "django_celery_beat.add_periodictask",
        "django_celery_beat.change_periodictask",
        "django_celery_beat.view_intervalschedule",
        "django_celery_beat.view_crontabschedule",
        "django_celery_beat.add_intervalschedule",
        "django_celery_beat.add_crontabschedule",
        "django_celery_beat.change_intervalschedule",
        "django_celery_beat.change_crontabschedule",
        "publishing.delete_channel",
        "publishing.add_approvalpolicy",
        "publishing.change_approvalpolicy",
        "publishing.delete_approvalpolicy",
        "publishing.pause_publishing",
        "governance.publish_policyversion",
        "governance.delete_policy",
        "governance.add_crisisplan",
        "governance.change_crisisplan",
        "governance.delete_crisisplan",
        "governance.add_crisisscenario",
        "governance.change_crisisscenario",
        "governance.delete_crisisscenario",
        "governance.add_holdingstatement",
        "governance.change_holdingstatement",
        "governance.delete_holdingstatement",
        "governance.declare_incident",
        "governance.add_crisisincident",
        "governance.change_crisisincident",
        "training.revoke_certificate",
        "training.delete_module",
        # the CoE manager keeps the charter, the maturity assessments and the tech-stack evaluations
        "coe.add_charterversion",
        "coe.change_charterversion",
        "coe.approve_charterversion",
        "coe.delete_objective",
        "coe.add_maturityassessment",
        "coe.change_maturityassessment",
        "coe.add_maturityquestion",
        "coe.change_maturityquestion",
        "coe.add_maturityrecommendation",
        "coe.change_maturityrecommendation",
        "coe.delete_maturityrecommendation",
        "coe.add_tool",
        "coe.change_tool",
        "coe.delete_tool",
        "coe.add_evaluation",
        "coe.change_evaluation",
    },
    Role.COE_MEMBER: set(_COE_STAFF),
    Role.LIAISON: _EVERYONE | _COMPOSE | {"analytics.view_department_figures"},
    # Reviewers see the content rules whose warnings send posts to them.
    Role.APPROVER: _EVERYONE | {"publishing.review_posts", "governance.view_contentrule"},
    Role.EMPLOYEE: set(_EVERYONE),
    # Campaigns and themes are what reports are cut by; liaisons and approvers see them through
    # publishing.permissions.can_view_campaigns (they compose or review).
    Role.LEADERSHIP: _EVERYONE
    | {
        "coe.view_user",
        "publishing.view_campaign",
        "publishing.view_contenttheme",
        "governance.view_policy_compliance",
        "governance.view_crisisincident",
        "governance.view_crisisplan",
        "training.view_training_report",
        "analytics.view_all_figures",
        "analytics.view_roi",
        "analytics.view_kpi",
    }
    | _COE_RECORDS_READ,
}


def sync_role_groups(apps=global_apps) -> None:
    """Create the role groups and set their permissions to exactly ROLE_PERMISSIONS.

    Permissions that do not exist yet (their app is not migrated) are skipped; the post_migrate
    hook grants them later.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_name = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.filter(
            content_type__app_label__in={name.split(".")[0] for name in wanted}
        ).values_list("pk", "content_type__app_label", "codename")
    }
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.group_name)
        group.permissions.set([by_name[perm] for perm in perms if perm in by_name])
