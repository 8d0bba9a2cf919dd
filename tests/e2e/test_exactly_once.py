"""Exactly once under faults, with the real processes: Celery beat and a prefork worker on a
private Redis, Postgres, and loopback Mastodon and Bluesky servers.

A few hundred approved posts fall due over some seconds. Mid-run the worker is killed with
SIGKILL (what the OOM killer or a lost node does: no chance to clean up) and started again, some
tasks are delivered twice, and Redis is killed and restarted (every queued message is lost). In
the end each post must be on its network exactly once: one status per idempotency key on
Mastodon, one record per key on Bluesky — and not even a second *request* to create it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from coe.celery import app
from publishing.models import Publication, PublishAttempt
from tests.e2e.processes import BIN, base_env, database_url, free_port, read_logs, start, stop
from tests.publishing.bulk import approved_publications
from tests.publishing.factories import ChannelFactory
from tests.publishing.fakes import FakeBluesky, FakeMastodon

pytestmark = pytest.mark.processes

COUNT = 300
NETWORK_LATENCY = 0.15  # seconds per request: keeps sends in flight when the worker is killed


class PrivateRedis:
    """A redis-server of this test's own, so killing it disturbs nobody else."""

    def __init__(self, logs: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.logs = logs
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        args = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            args, stdout=(self.logs / "redis.log").open("a"), stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        pytest.fail("the private redis-server did not start")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def wait_until(condition: Callable[[], bool], seconds: float, what: str, logs: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}: {status_counts()}\n{read_logs(logs)}")


def status_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Publication.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def published() -> int:
    return Publication.objects.filter(status=Publication.Status.PUBLISHED).count()


@pytest.mark.django_db(transaction=True)
def test_each_post_goes_out_exactly_once_through_worker_kills_duplicate_tasks_and_a_redis_restart(tmp_path, people):
    if connection.vendor != "postgresql":
        pytest.skip("needs Postgres (CI always sets DATABASE_URL): SKIP LOCKED claims across processes")
    mastodon, bluesky = FakeMastodon(), FakeBluesky()
    mastodon.latency = bluesky.latency = NETWORK_LATENCY
    broker = PrivateRedis(tmp_path)
    processes: list[subprocess.Popen] = []
    try:
        toot = ChannelFactory(
            name="Fault Mastodon",
            network="mastodon",
            department=people.marketing,
            settings={"instance_url": mastodon.url},
        )
        toot.set_credentials({"access_token": mastodon.token})
        toot.save()
        sky = ChannelFactory(
            name="Fault Bluesky",
            network="bluesky",
            department=people.marketing,
            settings={"service_url": bluesky.url},
        )
        sky.set_credentials({"handle": bluesky.handle, "app_password": bluesky.password})
        sky.save()
        ids = approved_publications(
            channels=[toot, sky],
            author=people.liaison_a,
            count=COUNT,
            scheduled_at=timezone.now(),
            text="Fault-test post {n}: the schedule lives in Postgres",
            spread=lambda n: timedelta(milliseconds=40 * n),  # due over twelve seconds
        )

        broker.start()
        env = base_env(
            DJANGO_SETTINGS_MODULE="coe.settings_test",
            DATABASE_URL=database_url(),
            REDIS_URL=broker.url,
            PUBLISH_DISPATCH_INTERVAL_SECONDS="1",
            PUBLISH_RECOVER_INTERVAL_SECONDS="2",
            PUBLISH_QUEUED_STALE_SECONDS="6",
            CELERY_TASK_SOFT_TIME_LIMIT="5",
            CELERY_TASK_TIME_LIMIT="6",
            PUBLISH_STUCK_SECONDS="8",
            PUBLISH_ADAPTER_TIMEOUT="4",
            PUBLISH_TASK_BUDGET_SECONDS="1",
            PUBLISH_RETRY_BASE_SECONDS="1",
            PUBLISH_RETRY_CAP_SECONDS="2",
            PUBLISH_MAX_ATTEMPTS="20",
            PUBLISH_DISPATCH_BATCH="50",
        )
        celery = str(BIN / "celery")
        worker_args = [
            celery,
            "-A",
            "coe",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "4",
            "-l",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        processes.append(start([celery, "-A", "coe", "beat", "-l", "INFO"], env, tmp_path / "beat.log"))
        worker = start(worker_args, env, tmp_path / "worker-1.log")
        processes.append(worker)

        # 1. Kill the worker outright while it is sending.
        wait_until(lambda: published() >= COUNT // 5, 90, "the first posts to go out", tmp_path)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        in_flight = Publication.objects.filter(status=Publication.Status.PUBLISHING).count()

        # 2. Deliver tasks twice: the publish task for posts already out, queued or still due,
        #    and extra sweeps, as a doubled beat or a redelivered message would.
        with app.connection_for_write(broker.url) as producer_connection:
            for pk in ids[: COUNT // 2 : 3]:
                app.send_task("publishing.tasks.publication_publish_task", args=[pk], connection=producer_connection)
            for _ in range(3):
                app.send_task("publishing.tasks.publications_dispatch_due_task", connection=producer_connection)

        worker = start(worker_args, env, tmp_path / "worker-2.log")
        processes.append(worker)

        # 3. Restart Redis: whatever was queued in it is gone.
        wait_until(lambda: published() >= COUNT // 2, 90, "half of the posts", tmp_path)
        broker.kill()
        time.sleep(1)
        broker.start()

        wait_until(lambda: published() == COUNT, 180, "every post to go out", tmp_path)
    finally:
        stop(processes)
        broker.kill()
        mastodon.close()
        bluesky.close()

    mastodon_keys = {
        str(key) for key in Publication.objects.filter(channel=toot).values_list("idempotency_key", flat=True)
    }
    assert len(mastodon.statuses) == len(mastodon_keys) == COUNT // 2
    assert {status["idempotency_key"] for status in mastodon.statuses} == mastodon_keys
    assert set(mastodon.posts_by_key.values()) == {1}, "a status was requested twice"
    assert len(bluesky.records) == COUNT // 2
    assert set(bluesky.creates_by_rkey.values()) == {1}, "a record was requested twice"

    # The faults did happen: sends cut short by the kill were found on the network afterwards.
    assert in_flight >= 1
    assert PublishAttempt.objects.filter(message="The worker stopped during this attempt.").count() >= 1
    assert not Publication.objects.exclude(status=Publication.Status.PUBLISHED).exists()
    outcomes = dict(PublishAttempt.objects.values_list("outcome").annotate(n=Count("id")).order_by())
    print(f"exactly-once: {COUNT} posts, {in_flight} in flight at the kill, attempts by outcome {outcomes}")
