"""Building assignment and report data for the assignment, report and gating tests: assignments
through the real service, and scored attempts, passes and certificates as rows with exactly the
numbers a test wants (the quiz engine's own tests cover how those rows come about)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from training.models import Attempt, AttemptQuestion, Certificate, CertificationTrack, Module, Question
from training.services import assignments as services


def assign(actor, *, due_in_days: int = 14, now: datetime | None = None, **fields):
    """An assignment made through the service, due ``due_in_days`` from today."""
    now = now or timezone.now()
    fields.setdefault("due_on", timezone.localdate(now) + timedelta(days=due_in_days))
    return services.assignment_create(actor=actor, now=now, **fields)


def backdate(assignment, *, days: int) -> None:
    """Make an assignment as if it had been made ``days`` ago (its due date stays)."""
    type(assignment).objects.filter(pk=assignment.pk).update(created_at=timezone.now() - timedelta(days=days))
    assignment.refresh_from_db()


def attempt(
    user,
    module: Module,
    *,
    score: int,
    passed: bool | None = None,
    number: int | None = None,
    when: datetime | None = None,
    answers: dict[Question, bool] | None = None,
) -> Attempt:
    """A closed attempt with this score (passed when it reaches the pass mark, unless told), and
    optionally its questions answered right or wrong."""
    when = when or timezone.now()
    if number is None:
        number = Attempt.objects.filter(user=user, module=module).count() + 1
    row = Attempt.objects.create(
        user=user,
        module=module,
        number=number,
        status=Attempt.Status.SUBMITTED,
        started_at=when - timedelta(minutes=10),
        submitted_at=when,
        score_percent=Decimal(score),
        passed=score >= module.pass_mark_percent if passed is None else passed,
    )
    for position, (question, right) in enumerate((answers or {}).items(), start=1):
        AttemptQuestion.objects.create(
            attempt=row,
            question=question,
            position=position,
            answered_at=when,
            points=Decimal(1 if right else 0),
            is_correct=right,
        )
    return row


def certificate(user, track: CertificationTrack, *, expires_in_days: int = 300, status: str = "valid") -> Certificate:
    now = timezone.now()
    return Certificate.objects.create(
        user=user,
        track=track,
        holder_name=str(user),
        status=status,
        issued_at=now - timedelta(days=30),
        expires_at=now + timedelta(days=expires_in_days),
    )


def today() -> date:
    return timezone.localdate()
