"""Demo charter: v1 (superseded) and v2 (current, approved by the demo manager, with a change note
and real differences), and the charter's objectives — the two analytics' KPI demo ties its KPIs to
(same titles; analytics seeds first and creates them bare, this fills in owner and department)
plus two more. Idempotent: versions by number, objectives by title."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from coe.models import CharterVersion, Department, Objective

V1 = {
    "vision": "Social media is where our customers talk about us. We want to be part of that conversation.",
    "business_goals": "Grow awareness of the brand on social media.\nAnswer customer questions in public.",
    "how_achieved": "A small central team publishes for every department and sets a consistent voice.",
    "how_measured": "Followers and impressions each month, reported to leadership every quarter.",
    "employees": "Employees may share our posts.",
    "customers": "Customers get answers from Customer Service on social, during office hours.",
    "prospects": "",
    "partners": "",
    "change_note": "The first charter of the social media CoE.",
}
V2 = {
    "vision": (
        "Social media is where our customers, prospects and future colleagues talk about us. "
        "We want every department to be part of that conversation, within one set of guidelines."
    ),
    "business_goals": (
        "Grow awareness of the brand on social media.\n"
        "Turn social engagement into business results: clicks, leads and support answered in public."
    ),
    "how_achieved": (
        "The CoE sets the strategy, the policy and the training; trained liaisons publish for their "
        "departments through one approval workflow; a steering committee meets every month."
    ),
    "how_measured": (
        "KPIs per objective with monthly targets — impressions, follower growth, engagement rate, clicks "
        "and conversions — and a quarterly ROI report for leadership."
    ),
    "employees": "Employees are trained and certified advocates who share and answer with confidence.",
    "customers": "Customers get answers from Customer Service on social within four hours, every day.",
    "prospects": "Prospects find useful, honest content from Sales and Product experts.",
    "partners": "Partners are tagged and amplified in joint campaigns.",
    "change_note": "Every department publishes now, not only the central team; business results and targets added.",
}
# title, description, owner username, department slug
OBJECTIVES = [
    (
        "Grow awareness of the brand on social media",
        "Reach more people and keep them following: impressions and followers across every channel.",
        "manager",
        None,
    ),
    (
        "Turn social engagement into business results",
        "Engagement that leads somewhere: clicks, leads and the support questions answered in public.",
        "member",
        None,
    ),
    (
        "Answer customers on social within four hours",
        "Customer Service answers public questions the same working day, every day of the week.",
        "liaison_cs",
        "customer-service",
    ),
    (
        "Every liaison certified and every employee aware of the policy",
        "The social media policy acknowledged and the liaison certification held by everyone who publishes.",
        "member",
        "marketing",
    ),
]


def seed() -> None:
    people = {u.username: u for u in get_user_model().objects.filter(username__in=["manager", "member", "liaison_cs"])}
    manager = people.get("manager")
    now = timezone.now()
    if not CharterVersion.objects.filter(number=1).exists():
        CharterVersion.objects.create(
            number=1,
            status=CharterVersion.Status.SUPERSEDED,
            created_by=manager,
            approved_by=manager,
            approved_at=now - timedelta(days=400),
            **V1,
        )
    if not CharterVersion.objects.filter(number=2).exists():
        CharterVersion.objects.filter(status=CharterVersion.Status.APPROVED).update(
            status=CharterVersion.Status.SUPERSEDED
        )
        CharterVersion.objects.create(
            number=2,
            status=CharterVersion.Status.APPROVED,
            created_by=manager,
            approved_by=manager,
            approved_at=now - timedelta(days=60),
            **V2,
        )
    today = timezone.localdate()
    start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    departments = {d.slug: d for d in Department.objects.filter(slug__in=["customer-service", "marketing"])}
    existing = {o.title: o for o in Objective.objects.filter(title__in=[spec[0] for spec in OBJECTIVES])}
    for title, description, owner, slug in OBJECTIVES:
        objective = existing.get(title)
        if objective is None:
            Objective.objects.create(
                title=title,
                description=description,
                owner=people.get(owner),
                department=departments.get(slug) if slug else None,
                period_start=start,
                period_end=end,
            )
        elif objective.owner_id is None and people.get(owner) is not None:
            # analytics' KPI demo created it bare: give it its owner and department once.
            objective.owner = people[owner]
            objective.department = departments.get(slug) if slug else objective.department
            objective.save(update_fields=["owner", "department", "updated_at"])
