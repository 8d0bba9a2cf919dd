"""The one place that answers "may this person do this to this object?" for the CoE's own records.

Rules are expressed as Django model permissions (granted to role groups in coe.roles) and
django-guardian object permissions (e.g. a department lead's right to edit their department).
Views, API endpoints, templates (through context the view computes) and services ask here;
nothing else inspects roles. Querysets returned here are what a person may see at all: anything
outside them is answered with 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from coe.models import Department

if TYPE_CHECKING:
    from coe.models import User

# Fields people may always change on their own profile.
OWN_PROFILE_FIELDS = frozenset({"first_name", "last_name", "email", "time_zone", "notify_in_app", "notify_by_email"})
# Fields only someone who manages roles may set, on anyone (themselves included).
PEOPLE_ADMIN_FIELDS = frozenset({"first_name", "last_name", "email", "departments", "role", "is_active"})
DEPARTMENT_FIELDS = frozenset({"name", "slug", "description", "lead"})
DEPARTMENT_LEAD_FIELDS = frozenset({"description"})


class SystemActor:
    """The actor for management commands and tasks that act for the programme itself (demo data,
    scheduled jobs). It holds every permission; business rules still apply to what it does."""

    is_system = True
    is_active = True
    is_authenticated = True
    is_staff = False
    pk = None

    def has_perm(self, perm: str, obj=None) -> bool:
        return True

    def __str__(self) -> str:
        return "CoE Hub (system)"


SYSTEM = SystemActor()


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def has_model_or_object_perm(user, perm: str, obj=None) -> bool:
    """A model permission (from the role) or, for ``obj``, a guardian object permission."""
    if not _active(user):
        return False
    if user.has_perm(perm):
        return True
    return obj is not None and user.has_perm(perm, obj)


# --- People -------------------------------------------------------------------------------------


def can_view_all_people(user) -> bool:
    return has_model_or_object_perm(user, "coe.view_user")


def can_manage_roles(user) -> bool:
    return has_model_or_object_perm(user, "coe.manage_roles")


def people_visible_to(user) -> QuerySet[User]:
    """Everyone for CoE staff and leadership; otherwise oneself and one's department colleagues."""
    people = get_user_model().objects.all()
    if not _active(user):
        return people.none()
    if getattr(user, "is_system", False) or can_manage_roles(user):
        return people
    if can_view_all_people(user):
        return people.filter(is_active=True)
    colleague_ids = Department.members.through.objects.filter(department_id__in=user.departments.values("pk")).values(
        "user_id"
    )
    return people.filter(Q(pk=user.pk) | Q(is_active=True, pk__in=colleague_ids))


def person_fields_writable_by(user, person) -> frozenset[str]:
    """Which profile fields ``user`` may set on ``person``; anything else is refused on write."""
    if not _active(user):
        return frozenset()
    if getattr(user, "is_system", False):
        return OWN_PROFILE_FIELDS | PEOPLE_ADMIN_FIELDS
    fields: set[str] = set()
    if person.pk == user.pk:
        fields |= OWN_PROFILE_FIELDS
    if can_manage_roles(user):
        fields |= PEOPLE_ADMIN_FIELDS
    return frozenset(fields)


def can_change_person(user, person) -> bool:
    return bool(person_fields_writable_by(user, person))


# --- Departments --------------------------------------------------------------------------------


def can_view_departments(user) -> bool:
    """Departments are a company-wide directory: every active person with a role may see them."""
    return has_model_or_object_perm(user, "coe.view_department")


def departments_visible_to(user) -> QuerySet[Department]:
    if can_view_departments(user):
        return Department.objects.all()
    return Department.objects.none()


def can_add_department(user) -> bool:
    return has_model_or_object_perm(user, "coe.add_department")


def department_fields_writable_by(user, department: Department | None) -> frozenset[str]:
    """A CoE manager sets everything; the department's lead (guardian object permission) only
    the description. ``department=None`` asks about creating one."""
    if department is None:
        return DEPARTMENT_FIELDS if can_add_department(user) else frozenset()
    if not has_model_or_object_perm(user, "coe.change_department", department):
        return frozenset()
    if has_model_or_object_perm(user, "coe.change_department_lead"):
        return DEPARTMENT_FIELDS
    if user.has_perm("coe.change_department"):
        return DEPARTMENT_FIELDS - {"lead"}
    return DEPARTMENT_LEAD_FIELDS


def can_change_department(user, department: Department) -> bool:
    return bool(department_fields_writable_by(user, department))


def can_delete_department(user, department: Department) -> bool:
    return has_model_or_object_perm(user, "coe.delete_department")


# --- Operations ---------------------------------------------------------------------------------


def can_view_operations(user) -> bool:
    """Worker heartbeats and schedules: the CoE keeps the machinery running."""
    return has_model_or_object_perm(user, "coe.view_workerheartbeat")


def can_use_admin(user) -> bool:
    return _active(user) and user.is_staff


# --- Charter and objectives, best-practice library (helper CHARTER) -----------------------------


def can_view_charter(user) -> bool:
    """Everyone with a role reads the charter and its objectives."""
    return has_model_or_object_perm(user, "coe.view_charterversion")


def can_edit_charter(user) -> bool:
    """The CoE manager starts and edits draft versions."""
    return has_model_or_object_perm(user, "coe.change_charterversion")


def can_approve_charter(user) -> bool:
    return has_model_or_object_perm(user, "coe.approve_charterversion")


def can_manage_objectives(user) -> bool:
    """CoE staff create, edit and deactivate objectives."""
    return has_model_or_object_perm(user, "coe.change_objective")


def can_view_library(user) -> bool:
    return has_model_or_object_perm(user, "coe.view_practice")


def can_submit_practice(user) -> bool:
    return has_model_or_object_perm(user, "coe.add_practice")


def can_curate_practices(user) -> bool:
    """CoE members and the manager approve, decline, feature and tag practices."""
    return has_model_or_object_perm(user, "coe.curate_practice")


def can_vote_practice(user) -> bool:
    return has_model_or_object_perm(user, "coe.add_practicevote")


def can_adopt_practice(user) -> bool:
    return has_model_or_object_perm(user, "coe.add_practiceadoption")


def practices_visible_to(user) -> QuerySet:
    """Approved practices for everyone; one's own submissions in any state; everything for curators."""
    from coe.models import Practice

    practices = Practice.objects.all()
    if not can_view_library(user):
        return practices.none()
    if getattr(user, "is_system", False) or can_curate_practices(user):
        return practices
    return practices.filter(Q(status=Practice.Status.APPROVED) | Q(submitted_by_id=user.pk))


# --- Tools inventory and tech-stack evaluations (techstack) -------------------------------------


def can_view_tools(user) -> bool:
    """The inventory (what the CoE pays for, when it renews): CoE staff and leadership."""
    return has_model_or_object_perm(user, "coe.view_tool")


def can_manage_tools(user) -> bool:
    """Creating, editing and retiring tools: the CoE manager."""
    return has_model_or_object_perm(user, "coe.change_tool")


def can_view_all_evaluations(user) -> bool:
    return has_model_or_object_perm(user, "coe.view_evaluation")


def can_manage_evaluations(user) -> bool:
    """Setting evaluations up, starting scoring and finishing them: the CoE manager."""
    return has_model_or_object_perm(user, "coe.change_evaluation")


def evaluations_visible_to(user):
    """Every evaluation for CoE staff and leadership; otherwise those the person is named a
    reviewer of (anyone may be named)."""
    from coe.models import Evaluation

    if not _active(user):
        return Evaluation.objects.none()
    if getattr(user, "is_system", False) or can_view_all_evaluations(user):
        return Evaluation.objects.all()
    return Evaluation.objects.filter(reviewers=user)


def is_evaluation_reviewer(user, evaluation) -> bool:
    if not _active(user) or getattr(user, "is_system", False):
        return False
    return evaluation.reviewers.filter(pk=user.pk).exists()


def can_score_evaluation(user, evaluation) -> bool:
    """Reviewers score, only their own scores, only while the evaluation is being scored."""
    return evaluation.status == "scoring" and is_evaluation_reviewer(user, evaluation)


# --- Steering committee (helper STEERING) -------------------------------------------------------
# The committee is company governance: CoE staff and leadership read it, CoE staff keep it. Anyone
# who owns an action item sees it and may move its status.


def can_view_steering(user) -> bool:
    return has_model_or_object_perm(user, "coe.view_steeringmeeting")


def can_edit_steering(user) -> bool:
    return has_model_or_object_perm(user, "coe.change_steeringmeeting")


def can_view_all_action_items(user) -> bool:
    return has_model_or_object_perm(user, "coe.view_actionitem")


def action_items_visible_to(user) -> QuerySet:
    from coe.models import ActionItem

    if not _active(user):
        return ActionItem.objects.none()
    if getattr(user, "is_system", False) or can_view_all_action_items(user):
        return ActionItem.objects.all()
    return ActionItem.objects.filter(owner=user)


def action_item_fields_writable_by(user, item) -> frozenset[str]:
    """CoE staff change everything; the item's owner (whatever their role) only its status."""
    if not _active(user):
        return frozenset()
    if getattr(user, "is_system", False) or has_model_or_object_perm(user, "coe.change_actionitem"):
        return frozenset({"title", "detail", "owner", "department", "due_on", "status", "meeting"})
    if item is not None and item.owner_id == user.pk:
        return frozenset({"status"})
    return frozenset()


def can_view_department_insights(user) -> bool:
    """The directory's figures of every department: CoE staff and leadership."""
    return has_model_or_object_perm(user, "coe.view_department_insights")


# --- Maturity assessments (coe.services.maturity) -----------------------------------------------


def can_view_maturity(user) -> bool:
    """CoE staff and leadership read the assessments, the question bank and the next steps."""
    return has_model_or_object_perm(user, "coe.view_maturityassessment")


def can_take_maturity(user) -> bool:
    """The CoE manager starts, answers and completes assessments."""
    return has_model_or_object_perm(user, "coe.add_maturityassessment")


def can_edit_maturity_questions(user) -> bool:
    return has_model_or_object_perm(user, "coe.change_maturityquestion")


def can_edit_maturity_recommendations(user) -> bool:
    return has_model_or_object_perm(user, "coe.change_maturityrecommendation")


def can_view_techstack(user) -> bool:
    """The "Tech stack" entry of the CoE sub-navigation (the inventory's readers)."""
    return can_view_tools(user)


def can_see_evaluation_results(user, evaluation) -> bool:
    """Totals and the report: reviewers do not see the others' scores while they score (no
    anchoring); the CoE manager, the other readers, and everyone once it is finished do."""
    if evaluation.status == "draft":
        return False
    if evaluation.status == "finished" or can_manage_evaluations(user):
        return True
    return not is_evaluation_reviewer(user, evaluation)
