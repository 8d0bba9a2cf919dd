"""Demo maturity assessments: three past company assessments showing progress (14 months ago
level 1 / Social Advocate, 8 months ago level 2 / Social Teams, last month level 3 / Social
Business), one Marketing department assessment, the question bank and the recommendation table.
Runs last; idempotent (an assessment already there for its date is left alone)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from coe.models import Department, MaturityAnswer, MaturityAssessment, MaturityQuestion
from coe.permissions import SYSTEM
from coe.services import maturity as services

# Answers per competency, cycled over that competency's questions (0–4).
HISTORY = [
    {
        "days_ago": 425,
        "department": None,
        "answers": {
            "strategy": [1, 0, 1, 0, 0],
            "governance": [1, 0, 0, 1, 0],
            "training": [0, 1, 0, 0],
            "innovation": [1, 0, 1, 0],
            "measurement": [1, 0, 0, 0, 0],
            "organisation": [2, 1, 0, 0, 0],
        },
        "facts": {
            "charter_approved": False,
            "steering_committee": False,
            "objectives_defined": False,
            "crisis_plan_exists": False,
        },
        "note": "First baseline: a few enthusiasts, no shared rules.",
    },
    {
        "days_ago": 240,
        "department": None,
        "answers": {
            "strategy": [2, 1, 2, 1, 1],
            "governance": [3, 2, 2, 2, 1],
            "training": [2, 1, 1, 2],
            "innovation": [1, 1, 2, 1],
            "measurement": [2, 1, 1, 1, 0],
            "organisation": [3, 3, 1, 1, 0],
        },
        "facts": {
            "charter_approved": False,
            "steering_committee": False,
            "objectives_defined": True,
            "crisis_plan_exists": True,
        },
        "note": "Policy, approval workflow and crisis plan in place.",
    },
    {
        "days_ago": 30,
        "department": None,
        "answers": {
            "strategy": [3, 3, 2, 2, 2],
            "governance": [3, 3, 3, 2, 2],
            "training": [3, 2, 2, 2],
            "innovation": [2, 2, 3, 1],
            "measurement": [3, 2, 2, 2, 1],
            "organisation": [3, 3, 3, 3, 1],
        },
        "facts": {
            "charter_approved": True,
            "steering_committee": True,
            "objectives_defined": True,
            "crisis_plan_exists": True,
        },
        "note": "Charter approved, CoE staffed, steering committee meeting monthly.",
    },
    {
        "days_ago": 90,
        "department": "marketing",
        "answers": {
            "strategy": [3, 3, 2, 3, 2],
            "governance": [3, 2, 3, 3, 2],
            "training": [2, 2, 3, 2],
            "innovation": [3, 2, 2, 2],
            "measurement": [3, 3, 2, 2, 2],
            "organisation": [3, 3, 2, 2, 1],
        },
        "facts": {
            "charter_approved": True,
            "steering_committee": True,
            "objectives_defined": True,
            "crisis_plan_exists": True,
        },
        "note": "Marketing's own view of its social practice.",
    },
]

FACT_LABELS = {
    "charter_approved": "Approved charter",
    "steering_committee": "Steering committee",
    "objectives_defined": "Objectives",
    "crisis_plan_exists": "Crisis plan",
}


def _facts(values: dict) -> list[dict]:
    return [
        {"key": k, "label": FACT_LABELS[k], "value": v, "display": "Yes" if v else "No", "url": ""}
        for k, v in values.items()
    ]


def seed() -> None:
    services.maturity_questions_ensure()
    services.maturity_recommendations_ensure()
    questions = list(MaturityQuestion.objects.filter(is_active=True).order_by("competency", "position", "pk"))
    now = timezone.now()
    departments = {
        d.slug: d for d in Department.objects.filter(slug__in=[h["department"] for h in HISTORY if h["department"]])
    }
    manager = _manager()
    for spec in HISTORY:
        department = departments.get(spec["department"]) if spec["department"] else None
        if spec["department"] and department is None:
            continue
        completed_at = (now - timedelta(days=spec["days_ago"])).replace(hour=10, minute=0, second=0, microsecond=0)
        day = completed_at.date()
        if MaturityAssessment.objects.filter(department=department, completed_at__date=day).exists():
            continue
        assessment = MaturityAssessment.objects.create(department=department, taken_by=manager, note=spec["note"])
        MaturityAssessment.objects.filter(pk=assessment.pk).update(created_at=completed_at - timedelta(days=3))
        seen: dict[str, int] = {}
        rows = []
        for q in questions:
            cycle = spec["answers"][q.competency]
            i = seen.get(q.competency, 0)
            seen[q.competency] = i + 1
            rows.append(MaturityAnswer(assessment=assessment, question=q, score=cycle[i % len(cycle)]))
        MaturityAnswer.objects.bulk_create(rows)
        services.assessment_complete(
            actor=SYSTEM, assessment=assessment, known_facts=_facts(spec["facts"]), completed_at=completed_at
        )


def _manager():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username="manager").first()
