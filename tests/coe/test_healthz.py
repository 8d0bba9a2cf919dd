"""/healthz: database, broker and worker heartbeat; 200 when all are healthy, 503 when not."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from coe.services import worker_heartbeat_record

pytestmark = pytest.mark.django_db


def test_healthy_when_database_broker_and_a_fresh_heartbeat(client, redis_url):
    worker_heartbeat_record(hostname="celery@test")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["broker"]["ok"] and body["worker"]["ok"]
    assert body["worker"]["hostname"] == "celery@test"
    assert response["Cache-Control"].startswith("max-age=0")


def test_needs_no_sign_in(client):
    assert client.get("/healthz").status_code in (200, 503)


def test_unhealthy_when_the_broker_is_down(client):
    worker_heartbeat_record(hostname="celery@test")
    # Nothing listens on port 1: a real refused connection, not a mock.
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["broker"]["ok"] is False and body["broker"]["error"]
    assert body["database"]["ok"] is True


def test_unhealthy_when_no_worker_ever_reported(client, redis_url):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "no worker" in response.json()["worker"]["error"]


@override_settings(HEALTHZ_HEARTBEAT_MAX_AGE_SECONDS=120)
def test_unhealthy_when_the_last_heartbeat_is_stale(client, redis_url):
    worker_heartbeat_record(hostname="celery@old", at=timezone.now() - timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 503
    worker = response.json()["worker"]
    assert worker["ok"] is False and worker["age_seconds"] > 120
