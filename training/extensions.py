"""What training adds to coe's layout: the "Training" navigation entry (My learning, for everyone
signed in) and the home page's panel of the person's due and overdue training."""

from __future__ import annotations

from coe.extensions import HomePanel, register_home_panel
from coe.navigation import NavItem
from coe.navigation import register as register_nav_items


def _can_learn(user) -> bool:
    from training import permissions

    return permissions.can_learn(user)


def _training_home_panel(user):
    """The person's open assigned training (overdue first), or nothing when none is assigned."""
    from training.selectors.my_learning import home_panel

    return home_panel(user=user)


def register() -> None:
    register_nav_items(NavItem("Training", "training:my_learning", _can_learn, order=55))
    register_home_panel(
        HomePanel(
            key="training", template="training/partials/_home_training.html", context=_training_home_panel, order=6
        )
    )
    from coe.extensions import register_department_facts

    register_department_facts("training", department_facts)


# --- department facts (coe's directory and maturity assessments read them) ---------------------


def department_facts(department_ids: list[int]) -> dict:
    """Certified %: active people of the department holding a valid (unexpired, unrevoked)
    certificate of any active track, over its active people; and for the company. Two queries,
    whatever the number of departments."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Exists, OuterRef, Q
    from django.utils import timezone

    from coe.extensions import Fact
    from coe.models import Department
    from training.models import Certificate

    certified = Exists(
        Certificate.objects.filter(
            user=OuterRef("user_id"),
            track__is_active=True,
            status=Certificate.Status.VALID,
            expires_at__gt=timezone.now(),
        )
    )
    rows = (
        Department.members.through.objects.filter(department_id__in=department_ids, user__is_active=True)
        .annotate(certified=certified)
        .values("department_id")
        .annotate(
            people=Count("user_id", distinct=True), holders=Count("user_id", filter=Q(certified=True), distinct=True)
        )
    )
    counts = dict.fromkeys(department_ids, (0, 0))
    for row in rows:
        counts[row["department_id"]] = (row["people"], row["holders"])
    company_certified = Exists(
        Certificate.objects.filter(
            user=OuterRef("pk"), track__is_active=True, status=Certificate.Status.VALID, expires_at__gt=timezone.now()
        )
    )
    counts[None] = tuple(
        get_user_model()
        .objects.filter(is_active=True)
        .aggregate(people=Count("pk"), holders=Count("pk", filter=Q(company_certified)))
        .values()
    )
    result = {}
    for key, (people, holders) in counts.items():
        pct = round(100 * holders / people, 1) if people else None
        result[key] = [
            Fact("certified_pct", "Certified", pct, "—" if pct is None else f"{pct:.0f} %", "/training/report/")
        ]
    return result
