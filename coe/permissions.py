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
