"""Every read of the CoE's own records, always scoped to the person asking (coe.permissions)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from coe import permissions
from coe.models import Department, User, WorkerHeartbeat
from coe.roles import Role


def people_list(*, user: User, search: str = "", role: str = "", department: str = "") -> QuerySet[User]:
    """People the user may see, with departments and groups prefetched (no N+1 in lists)."""
    people = (
        permissions.people_visible_to(user)
        .prefetch_related(Prefetch("departments", queryset=Department.objects.only("id", "name", "slug")), "groups")
        .order_by("first_name", "last_name", "username")
    )
    if search:
        people = people.filter(
            Q(username__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
        )
    if role in Role.values:
        people = people.filter(groups__name=Role(role).group_name)
    if department:
        people = people.filter(departments__slug=department)
    return people.distinct()


def person_get(*, user: User, pk: int) -> User:
    return get_object_or_404(people_list(user=user), pk=pk)


def departments_list(*, user: User) -> QuerySet[Department]:
    return (
        permissions.departments_visible_to(user)
        .select_related("lead")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True), distinct=True))
        .order_by("name")
    )


def department_get(*, user: User, slug: str) -> Department:
    return get_object_or_404(departments_list(user=user), slug=slug)


def department_members(*, user: User, department: Department) -> QuerySet[User]:
    return people_list(user=user).filter(departments=department)


def departments_of(*, user: User) -> QuerySet[Department]:
    """The departments the person belongs to, for their home page."""
    return departments_list(user=user).filter(members=user)


@dataclass(frozen=True)
class RoleCount:
    role: Role
    count: int


def role_counts(*, user: User) -> list[RoleCount]:
    """How many active people hold each role, as far as the user may see people."""
    rows = (
        permissions.people_visible_to(user)
        .filter(is_active=True, groups__name__in=[role.group_name for role in Role])
        .values("groups__name")
        .annotate(n=Count("pk", distinct=True))
    )
    counts = {row["groups__name"]: row["n"] for row in rows}
    return [RoleCount(role=role, count=counts.get(role.group_name, 0)) for role in Role]


def worker_heartbeats(*, user: User) -> QuerySet[WorkerHeartbeat]:
    if not permissions.can_view_operations(user):
        return WorkerHeartbeat.objects.none()
    return WorkerHeartbeat.objects.order_by("-seen_at")


def latest_worker_heartbeat() -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.order_by("-seen_at").first()
