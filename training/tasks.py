"""Celery tasks of training: a few lines each, calling a service. Schedules are in settings
(CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from training.services import assignments, certification, quizzes


@shared_task(ignore_result=True)
def assignments_remind_task() -> dict[str, int]:
    run = assignments.assignments_remind()
    return {"due_soon": run.due_soon, "overdue": run.overdue, "leads_told": run.leads_told}


@shared_task(ignore_result=True)
def attempts_close_expired_task() -> int:
    return quizzes.attempts_close_expired()


@shared_task(ignore_result=True)
def certificates_remind_expiring_task() -> int:
    return certification.certificates_remind_expiring()


@shared_task(ignore_result=True)
def certificates_expire_task() -> int:
    return certification.certificates_expire()
