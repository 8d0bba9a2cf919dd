"""A real Celery worker (celery.contrib.testing) consumes the heartbeat task through Redis."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from coe.celery import app
from coe.models import WorkerHeartbeat
from coe.tasks import worker_heartbeat_record_task


@pytest.mark.django_db(transaction=True)
def test_worker_runs_the_heartbeat_task_through_redis(redis_url):
    assert app.conf.broker_url.startswith("redis://")
    app.control.purge()  # leftovers of an interrupted earlier run must not count
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        worker_heartbeat_record_task.delay()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not WorkerHeartbeat.objects.exists():
            time.sleep(0.2)
    heartbeat = WorkerHeartbeat.objects.get()
    assert heartbeat.hostname  # the worker's own name, as /healthz will report it
