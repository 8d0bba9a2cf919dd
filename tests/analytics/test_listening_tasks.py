"""Listening's tasks: ingestion queues the processing after commit and a real worker recomputes
the hours and raises the alert; the sweep is in the beat schedule."""

# ruff: noqa: F811 - the listening fixtures are imported, then named as test arguments

from __future__ import annotations

import gc
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from analytics.models import ListeningAlert, TopicHour
from analytics.services import listening as services
from coe.celery import app
from tests.analytics.listening_helpers import make_topic, row  # noqa: F401


def test_the_sweep_is_in_the_beat_schedule():
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if "listening_process_task" in entry["task"]]
    assert entries and entries[0]["schedule"] <= timedelta(minutes=15)


@pytest.mark.django_db(transaction=True)
def test_ingest_then_a_real_worker_computes_hours_and_raises_the_alert(people, make_topic, redis_url):
    topic = make_topic(baseline_hours=24)
    last = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        services.mentions_ingest(
            actor=people.manager,
            rows=[row(f"Acme checkout is broken, awful {i}", last + timedelta(minutes=i)) for i in range(30)],
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not ListeningAlert.objects.filter(topic=topic).exists():
            time.sleep(0.2)
    gc.collect()  # the worker thread's connection must go before the test database is dropped
    assert TopicHour.objects.get(topic=topic, hour=last).volume == 30
    assert ListeningAlert.objects.filter(topic=topic, kind="volume_spike", hour=last).count() == 1
