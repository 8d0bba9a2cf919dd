"""The department directory's figures: each department's liaisons, what the domain apps know about
it (coe.extensions.department_facts: channels, posts this month, approval turnaround, policy
acknowledgment %, certification %) and its open steering action items, with the reasons it may
be a silo. Figures only for those with ``coe.view_department_insights`` (CoE staff, leadership).
A fixed number of queries, whatever the number of departments."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from coe import permissions
from coe.extensions import Fact, department_facts
from coe.models import ActionItem, Department, User
from coe.roles import Role

# What makes a department look like a silo (a small warning badge with the reason).
LOW_ACK_PCT = 70
LOW_CERTIFIED_PCT = 50
SLOW_TURNAROUND_HOURS = 48

FIGURE_KEYS = [
    "channels",
    "posts_this_month",
    "approval_turnaround_hours",
    "policy_ack_pct",
    "certified_pct",
]
SORT_KEYS = ["name", *FIGURE_KEYS, "open_items", "liaisons", "warnings"]


@dataclass
class DirectoryRow:
    department: Department
    liaisons: list[User] = field(default_factory=list)
    facts: dict[str, Fact] = field(default_factory=dict)
    open_items: int = 0
    overdue_items: int = 0
    warnings: list[str] = field(default_factory=list)

    def value(self, key: str):
        if key == "name":
            return self.department.name.lower()
        if key == "open_items":
            return self.open_items
        if key == "liaisons":
            return len(self.liaisons)
        if key == "warnings":
            return len(self.warnings)
        fact = self.facts.get(key)
        return fact.value if fact is not None else None

    @property
    def warning_items(self) -> list[tuple[str, str]]:
        return [(reason, WARNING_HELP.get(reason, reason)) for reason in self.warnings]

    @property
    def figures(self) -> list[Fact | None]:
        return [self.facts.get(key) for key in FIGURE_KEYS]


@dataclass
class Directory:
    rows: list[DirectoryRow]
    with_figures: bool
    company: dict[str, Fact] = field(default_factory=dict)
    sort: str = "name"


WARNING_HELP = {
    "No liaison": "Nobody in the department holds the liaison role.",
    "Low policy ack.": f"Under {LOW_ACK_PCT} % of the policy acceptances due are done.",
    "Slow approvals": f"Posts wait over {SLOW_TURNAROUND_HOURS} hours for approval (median).",
    "Few certified": f"Under {LOW_CERTIFIED_PCT} % of its people hold a valid certificate.",
    "Overdue actions": "Steering committee action items of the department are overdue.",
}


def _warnings(row: DirectoryRow) -> list[str]:
    """Short reasons (WARNING_HELP explains each) why the department may be working in a silo."""
    reasons = []
    if not row.liaisons:
        reasons.append("No liaison")
    ack = row.value("policy_ack_pct")
    if ack is not None and ack < LOW_ACK_PCT:
        reasons.append("Low policy ack.")
    turnaround = row.value("approval_turnaround_hours")
    if turnaround is not None and turnaround > SLOW_TURNAROUND_HOURS:
        reasons.append("Slow approvals")
    certified = row.value("certified_pct")
    if certified is not None and certified < LOW_CERTIFIED_PCT:
        reasons.append("Few certified")
    if row.overdue_items:
        reasons.append("Overdue actions")
    return reasons


def _sorted(rows: list[DirectoryRow], sort: str) -> list[DirectoryRow]:
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        return rows
    present = [row for row in rows if row.value(key) is not None]
    missing = [row for row in rows if row.value(key) is None]  # unknown figures always last
    present.sort(key=lambda row: (row.value(key), row.department.name.lower()), reverse=sort.startswith("-"))
    return present + missing


def department_directory(*, user: User, sort: str = "name", departments=None) -> Directory:
    """The directory as ``user`` may see it; ``departments`` narrows it (the detail page)."""
    from coe.selectors import departments_list

    base = departments_list(user=user)
    departments = list(base if departments is None else base.filter(pk__in=departments.values("pk")))
    with_figures = permissions.can_view_department_insights(user)
    rows = {d.pk: DirectoryRow(d) for d in departments}
    if not rows:
        return Directory([], with_figures, sort=sort)
    liaison_rows = (
        Department.members.through.objects.filter(
            department_id__in=rows, user__is_active=True, user__groups__name=Role.LIAISON.group_name
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name")
    )
    for membership in liaison_rows:
        rows[membership.department_id].liaisons.append(membership.user)
    company: dict[str, Fact] = {}
    if with_figures:
        today = timezone.localdate()
        counts = (
            ActionItem.objects.filter(department_id__in=rows, status__in=ActionItem.OPEN_STATUSES)
            .values("department_id")
            .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
        )
        for count in counts:
            rows[count["department_id"]].open_items = count["n"]
            rows[count["department_id"]].overdue_items = count["late"]
        facts = department_facts(list(rows))
        for pk, row in rows.items():
            row.facts = {fact.key: fact for fact in facts.get(pk, [])}
            row.warnings = _warnings(row)
        company = {fact.key: fact for fact in facts.get(None, [])}
    else:
        for row in rows.values():
            if not row.liaisons:
                row.warnings = ["No liaison"]
    return Directory(_sorted(list(rows.values()), sort), with_figures, company=company, sort=sort)
