"""Celery tasks of governance: a few lines each, calling a service. Schedules are in settings
(CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from governance.services import policies


@shared_task(ignore_result=True)
def policy_acknowledgments_remind_task() -> dict[str, int]:
    run = policies.policy_acknowledgments_remind()
    return {"reminded": run.reminded, "escalated": run.escalated}


@shared_task(ignore_result=True)
def policies_remind_review_due_task() -> int:
    return policies.policies_remind_review_due()
