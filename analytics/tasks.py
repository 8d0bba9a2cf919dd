"""Celery tasks of analytics: a few lines each, calling a service. Schedules are in settings
(CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

# --- metrics in and rollups -------------------------------------------------------------------


@shared_task(ignore_result=True)
def rollups_recompute_dirty_task() -> int:
    from analytics.services.rollups import rollups_recompute_dirty

    return rollups_recompute_dirty()


@shared_task(ignore_result=True, soft_time_limit=1800, time_limit=2000)
def rollups_recompute_recent_task() -> int:
    from analytics.services.rollups import rollups_recompute_recent

    return rollups_recompute_recent()


@shared_task(ignore_result=True)
def metrics_fetch_recent_task() -> dict[str, int]:
    from analytics.services.fetch import metrics_fetch_recent

    run = metrics_fetch_recent()
    return {"fetched": run.fetched, "failed": run.failed, "created": run.created}


@shared_task(ignore_result=True, soft_time_limit=3600, time_limit=3900)
def metric_import_process_task(import_id: int) -> str:
    from analytics.services.imports import metric_import_process

    return metric_import_process(import_id=import_id)


# --- ROI: the monthly report to leadership ----------------------------------------------------------


@shared_task(ignore_result=True)
def roi_report_send_monthly_task() -> int | None:
    from analytics.services.reports import roi_report_send_monthly

    delivery = roi_report_send_monthly()
    return delivery.recipients if delivery else None


# --- listening ------------------------------------------------------------------------------------


@shared_task(ignore_result=True)
def listening_process_task(touched: dict[str, list[str]] | None = None) -> dict:
    """Recompute the topic-hours ingestion touched (or the last two hours), then detect spikes."""
    from analytics.services.listening import listening_process

    return listening_process(touched=touched)


@shared_task(ignore_result=True)
def topic_rematch_task(topic_id: int) -> int | None:
    """Re-match the recent mentions of a topic whose terms changed (when too many for the request)."""
    from analytics.models import ListeningTopic
    from analytics.services.listening import topic_rematch

    topic = ListeningTopic.objects.filter(pk=topic_id).first()
    return topic_rematch(topic=topic) if topic is not None else None
