"""Publishing benchmarks: scheduled sending through a real worker, and the calendar at scale.

- ``publish_dispatch``: N publications due at once, one Celery worker (prefork), a loopback
  Mastodon. Seconds from the first sweep until every one is published, beside the floor: the
  same server hit by a plain loop of N status requests from this process.
- ``calendar_month``: the calendar's month view (the page and its events feed, which is where
  the rows are) with many posts in the database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import redis
import requests
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.test import Client
from django.utils import timezone

from benchmarks.report import bench, timed
from coe.models import User
from publishing.models import Channel, Publication
from tests.e2e.processes import database_url
from tests.publishing.bulk import approved_publications
from tests.publishing.factories import ChannelFactory
from tests.publishing.fakes import FakeMastodon

ROOT = Path(__file__).resolve().parent.parent


class QueryCounter:
    """Counts the SQL statements run inside ``connection.execute_wrapper(counter)``."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _floor(server: FakeMastodon, count: int) -> float:
    """A plain loop of ``count`` status requests, each on its own connection as the adapter's."""
    headers = {"Authorization": f"Bearer {server.token}"}
    start = time.perf_counter()
    for n in range(count):
        response = requests.post(
            f"{server.url}/api/v1/statuses",
            data={"status": f"Floor request {n}", "visibility": "public"},
            headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
            timeout=10,
        )
        response.raise_for_status()
    return time.perf_counter() - start


def publish_dispatch(count: int, concurrency: int) -> None:
    if connection.vendor != "postgresql":
        print("BENCH publish_dispatch skipped=1 reason=needs-DATABASE_URL-on-Postgres")
        return
    broker_url = settings.REDIS_URL.rsplit("/", 1)[0] + "/13"
    redis.Redis.from_url(broker_url).flushdb()
    with FakeMastodon() as floor_server:
        floor = _floor(floor_server, count)

    server = FakeMastodon()
    channel = ChannelFactory(
        name="Bench Mastodon", network="mastodon", handle="@bench", settings={"instance_url": server.url}
    )
    channel.set_credentials({"access_token": server.token})
    channel.save()
    author = User.objects.get(username="liaison")
    # Only the benchmark's publications are due: the demo's wait until later.
    Publication.objects.filter(status=Publication.Status.SCHEDULED).update(
        scheduled_at=timezone.now() + timedelta(days=30)
    )
    approved_publications(
        channels=[channel], author=author, count=count, scheduled_at=timezone.now() - timedelta(seconds=1)
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coe.settings_test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker_url,
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "WARNING",
    }
    celery = str(Path(sys.executable).parent / "celery")
    with tempfile.TemporaryFile() as log:
        worker = subprocess.Popen(  # noqa: S603 - our own celery, fixed arguments
            [celery, "-A", "coe", "worker", "--pool", "prefork", "--concurrency", str(concurrency), "-l", "WARNING",
             "--without-gossip", "--without-mingle", "--without-heartbeat",
             *os.environ.get("BENCH_WORKER_ARGS", "").split()],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            from coe.celery import app

            time.sleep(3)  # the worker is up (not part of the figure)
            start = time.perf_counter()
            with app.connection_for_write(broker_url) as broker:
                app.send_task("publishing.tasks.publications_dispatch_due_task", connection=broker)
            done = 0
            deadline = start + 1800
            while time.perf_counter() < deadline:
                done = Publication.objects.filter(channel=channel, status=Publication.Status.PUBLISHED).count()
                if done == count:
                    break
                time.sleep(0.2)
            seconds = time.perf_counter() - start
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            server.close()
        if done != count:
            log.seek(0)
            print(log.read().decode()[-3000:], file=sys.stderr)
    duplicates = sum(1 for n in server.posts_by_key.values() if n > 1)
    bench(
        "publish_dispatch",
        seconds=(seconds, "s"),
        posts_per_s=(done / seconds, "/s"),
        floor_seconds=(floor, "s"),
        ratio_to_floor=(seconds / floor, "x"),
        published=(done, "posts"),
        duplicates=(duplicates, "posts"),
        concurrency=(concurrency, "processes"),
    )


def calendar_month(total: int, repeat: int) -> None:
    """``total`` posts spread over two years around today, on the demo's channels."""
    channels = list(Channel.objects.filter(network="console"))
    author = User.objects.get(username="liaison")
    months = 24
    span = timedelta(days=30 * months)
    first = timezone.now() - span / 2
    approved_publications(
        channels=channels,
        author=author,
        count=total,
        scheduled_at=first,
        text="Calendar load post {n}: what we publish this month",
        spread=lambda n: span * (n / total),
    )
    Publication.objects.filter(scheduled_at__lt=timezone.now(), channel__in=channels).update(
        status=Publication.Status.PUBLISHED, published_at=F("scheduled_at")
    )
    client = Client()
    client.force_login(User.objects.get(username="manager"))
    today = timezone.localdate()
    month_start = today.replace(day=1) - timedelta(days=today.replace(day=1).weekday())
    events_url = (
        f"/publishing/calendar/events/?start={month_start:%Y-%m-%d}T00:00:00"
        f"&end={month_start + timedelta(days=42):%Y-%m-%d}T00:00:00"
    )
    for name, url in [("calendar_month_page", "/publishing/calendar/"), ("calendar_month", events_url)]:
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            response = client.get(url)
        events = len(response.json()) if url == events_url else 0
        p50, p95 = timed(client, url, repeat)
        bench(
            name,
            p50=(p50, "ms"),
            p95=(p95, "ms"),
            queries=(queries.count, "queries"),
            events=(events, "events"),
            posts=(Publication.objects.count(), "publications"),
        )
