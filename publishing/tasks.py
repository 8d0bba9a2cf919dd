"""Celery tasks of publishing: a few lines each, calling a service. Schedules are in settings."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from publishing.services import dispatch, workflow


@shared_task(bind=True, ignore_result=True)
def publications_dispatch_due_task(self) -> int:
    result = dispatch.publications_dispatch_due()
    if result.more:  # bounded batches: the next one right away
        publications_dispatch_due_task.delay()
    return len(result.queued)


@shared_task(bind=True, ignore_result=True, acks_late=True)
def publications_publish_task(self, publication_ids: list[int]) -> None:
    rest = dispatch.publications_publish(publication_ids=publication_ids, worker=self.request.hostname or "")
    if rest:  # its time budget ran out: the rest in a new message
        publications_publish_task.delay(rest)


@shared_task(bind=True, ignore_result=True, acks_late=True)
def publication_publish_task(self, publication_id: int) -> str:
    """One publication (messages of earlier versions; the sweep sends chunks)."""
    return dispatch.publication_publish(publication_id=publication_id, worker=self.request.hostname or "")


@shared_task(ignore_result=True)
def publications_recover_stuck_task() -> None:
    dispatch.publications_recover_stuck()


@shared_task(ignore_result=True)
def publications_reconcile_unknown_task() -> None:
    dispatch.publications_reconcile_unknown()


@shared_task(ignore_result=True)
def posts_expire_overdue_task() -> None:
    workflow.posts_expire_overdue()


@shared_task(ignore_result=True)
def stages_remind_overdue_task() -> None:
    workflow.stages_remind_overdue()


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def external_review_email_task(*, invite_id: int) -> None:
    from publishing.models import ExternalReviewInvite
    from publishing.services.routes import external_review_token

    invite = ExternalReviewInvite.objects.select_related("post", "stage").filter(pk=invite_id).first()
    if invite is None or invite.decided_at:
        return
    link = f"{settings.SITE_URL.rstrip('/')}/publishing/external/{external_review_token(invite)}/"
    send_mail(
        subject=f"[CoE Hub] Please review a post ({invite.stage.name})",
        message=(
            f"Hello{' ' + invite.name if invite.name else ''},\n\nYou are asked to review this post:\n\n"
            f"{invite.post.text[:1000]}\n\nApprove it, ask for changes or reject it here (no account needed; the "
            f"link works until {invite.expires_at:%Y-%m-%d %H:%M} UTC):\n{link}\n"
        ),
        from_email=None,
        recipient_list=[invite.email],
    )
