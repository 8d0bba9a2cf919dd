"""Reads for maturity assessments, scoped by coe.permissions: CoE staff and leadership see them;
for everyone else they do not exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from coe import maturity_bank, permissions
from coe.models import Competency, MaturityAssessment, MaturityQuestion, MaturityRecommendation

HISTORY_LIMIT = 24


def assessments_visible_to(user) -> QuerySet[MaturityAssessment]:
    if not permissions.can_view_maturity(user):
        return MaturityAssessment.objects.none()
    return MaturityAssessment.objects.select_related("department", "taken_by")


def questions_visible_to(user) -> QuerySet[MaturityQuestion]:
    if not permissions.can_view_maturity(user):
        return MaturityQuestion.objects.none()
    return MaturityQuestion.objects.all()


def recommendations_visible_to(user) -> QuerySet[MaturityRecommendation]:
    if not permissions.can_view_maturity(user):
        return MaturityRecommendation.objects.none()
    return MaturityRecommendation.objects.all()


def in_competency_order(rows) -> list:
    """Questions or recommendations in the order competencies are presented (not alphabetical)."""
    order = {c.value: i for i, c in enumerate(Competency)}
    return sorted(rows, key=lambda row: order.get(row.competency, len(order)))


def competency_scores_of(assessment: MaturityAssessment | None) -> dict[str, float]:
    if assessment is None:
        return {}
    return (assessment.scores or {}).get("competencies", {})


def overall_of(assessment: MaturityAssessment | None) -> float | None:
    if assessment is None:
        return None
    return (assessment.scores or {}).get("overall")


@dataclass
class Result:
    """A completed assessment as pages show it."""

    assessment: MaturityAssessment
    scores: dict[str, float]
    overall: float | None
    level_name: str
    level_text: str
    stage_name: str
    stage_text: str
    rows: list[dict[str, Any]] = field(default_factory=list)


def result_of(assessment: MaturityAssessment, previous: MaturityAssessment | None = None) -> Result:
    scores = competency_scores_of(assessment)
    before = competency_scores_of(previous)
    level_name, level_text = maturity_bank.LEVELS.get(assessment.level, ("", ""))
    stage_name, stage_text = maturity_bank.STAGES.get(assessment.stage, ("", ""))
    rows = [
        {
            "competency": c.value,
            "label": c.label,
            "score": scores.get(c.value),
            "previous": before.get(c.value),
            "change": round(scores[c.value] - before[c.value], 1) if c.value in scores and c.value in before else None,
        }
        for c in Competency
    ]
    return Result(assessment, scores, overall_of(assessment), level_name, level_text, stage_name, stage_text, rows)


def next_steps(scores: dict[str, float], recommendations: list[MaturityRecommendation]) -> list[dict[str, Any]]:
    """Per competency with a gap, the active recommendations whose threshold it is below, weakest
    competency first."""
    steps = []
    for competency in sorted(scores, key=lambda c: scores[c]):
        items = [r for r in recommendations if r.competency == competency and scores[competency] < r.below_score]
        if items:
            steps.append({"competency": Competency(competency).label, "score": scores[competency], "items": items})
    return steps


def chart_data(latest: MaturityAssessment | None, previous: MaturityAssessment | None, history) -> dict[str, Any]:
    return {
        "labels": [c.label for c in Competency],
        "latest": [competency_scores_of(latest).get(c.value) for c in Competency] if latest else [],
        "previous": [competency_scores_of(previous).get(c.value) for c in Competency] if previous else [],
        "latest_label": f"{latest.completed_at:%b %Y}" if latest else "",
        "previous_label": f"{previous.completed_at:%b %Y}" if previous else "",
        "history": {
            "labels": [f"{a.completed_at:%b %Y}" for a in history],
            "overall": [overall_of(a) for a in history],
            "level": [a.level for a in history],
        },
    }


def maturity_overview(*, user) -> dict[str, Any]:
    """The maturity page: the latest company result against the previous one, history, next steps,
    each department's latest result, assessments in progress. A fixed number of queries."""
    visible = assessments_visible_to(user)
    completed = visible.filter(status=MaturityAssessment.Status.COMPLETED)
    company = list(completed.filter(department__isnull=True).order_by("-completed_at", "-pk")[:HISTORY_LIMIT])
    latest = company[0] if company else None
    previous = company[1] if len(company) > 1 else None
    history = list(reversed(company))
    departments: dict[int, MaturityAssessment] = {}
    for assessment in completed.filter(department__isnull=False).order_by("department__name", "-completed_at", "-pk"):
        departments.setdefault(assessment.department_id, assessment)
    recommendations = list(recommendations_visible_to(user).filter(is_active=True))
    in_progress = list(visible.filter(status=MaturityAssessment.Status.IN_PROGRESS).order_by("-created_at"))
    return {
        "latest": result_of(latest, previous) if latest else None,
        "previous": previous,
        "history": [result_of(a) for a in reversed(history)],
        "next_steps": next_steps(competency_scores_of(latest), recommendations) if latest else [],
        "departments": [result_of(a) for a in departments.values()],
        "in_progress": in_progress,
        "chart": chart_data(latest, previous, history),
    }


def questionnaire(*, assessment: MaturityAssessment) -> list[dict[str, Any]]:
    """Active questions grouped by competency, each with this assessment's answer (two queries)."""
    answers = {a.question_id: a for a in assessment.answers.all()}
    groups = []
    questions = list(MaturityQuestion.objects.filter(is_active=True))
    for competency in Competency:
        items = [{"question": q, "answer": answers.get(q.pk)} for q in questions if q.competency == competency.value]
        if items:
            groups.append({"competency": competency.value, "label": competency.label, "items": items})
    return groups


def answered_rows(*, assessment: MaturityAssessment) -> list[dict[str, Any]]:
    """Every answer of an assessment grouped by competency, for the detail page (one query)."""
    groups: dict[str, dict[str, Any]] = {}
    for answer in assessment.answers.select_related("question").order_by("question__position", "question__pk"):
        competency = answer.question.competency
        groups.setdefault(competency, {"label": Competency(competency).label, "items": []})["items"].append(answer)
    return [groups[c.value] for c in Competency if c.value in groups]
