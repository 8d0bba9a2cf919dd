"""Celery tasks of the CoE app: a few lines each, calling a service."""

from celery import shared_task

from coe.services import notification_email_send, worker_heartbeat_record


@shared_task(bind=True, ignore_result=True)
def worker_heartbeat_record_task(self) -> None:
    worker_heartbeat_record(hostname=self.request.hostname or "unknown")


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def notification_email_send_task(*, recipient_ids: list[int], subject: str, body: str, url: str) -> None:
    notification_email_send(recipient_ids=recipient_ids, subject=subject, body=body, url=url)


@shared_task(ignore_result=True)
def tools_remind_renewal_task() -> None:
    from coe.services.techstack import tools_remind_renewal

    tools_remind_renewal()


@shared_task(ignore_result=True)
def action_items_remind_task() -> None:
    from coe.services.steering import action_items_remind

    action_items_remind()
