"""Maturity test helpers: the default bank, answering every question, completed assessments."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from coe.models import MaturityAnswer, MaturityAssessment, MaturityQuestion
from coe.services import maturity as services


def bank() -> list[MaturityQuestion]:
    services.maturity_questions_ensure()
    services.maturity_recommendations_ensure()
    return list(MaturityQuestion.objects.filter(is_active=True))


def answer_all(assessment: MaturityAssessment, score: int | dict[str, int] = 2) -> None:
    """Answer every active question: one score everywhere, or a score per competency."""
    rows = [
        MaturityAnswer(
            assessment=assessment, question=q, score=score if isinstance(score, int) else score[q.competency]
        )
        for q in MaturityQuestion.objects.filter(is_active=True)
    ]
    MaturityAnswer.objects.bulk_create(rows)


def completed_assessment(*, days_ago: int = 30, department=None, level: int = 2, stage: int = 2, overall: float = 40.0):
    """A completed assessment written directly (for pages and query counts)."""
    competencies = dict.fromkeys(services.COMPETENCIES, overall)
    return MaturityAssessment.objects.create(
        department=department,
        status=MaturityAssessment.Status.COMPLETED,
        completed_at=timezone.now() - timedelta(days=days_ago),
        scores={"competencies": competencies, "overall": overall, "level_reasons": [], "stage_reasons": []},
        level=level,
        stage=stage,
        facts=[{"key": "charter_approved", "label": "Approved charter", "value": True, "display": "Yes", "url": ""}],
    )
