"""The real process set: gunicorn, a Celery worker and Celery beat as separate processes.

- embedded defaults (what ``make run`` starts through honcho and the Procfile): SQLite and the
  filesystem broker under a fresh VAR_DIR, no server needed;
- production commands (what docker-compose.yml runs) on Postgres and Redis with DEBUG off.

Healthy means /healthz answers 200, which needs a worker heartbeat: beat → broker → worker → DB.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest
from django.db import connection

from tests.e2e.processes import (
    BIN,
    ROOT,
    base_env,
    database_url,
    free_port,
    get,
    read_logs,
    start,
    stop,
    wait_for_health,
)

pytestmark = pytest.mark.processes


def test_make_run_works_on_embedded_defaults(tmp_path):
    """`make run` itself: migrate, seed, then honcho + Procfile on SQLite and the filesystem
    broker, with nothing but this machine and a shell's PATH."""
    port = free_port()
    env = base_env(VAR_DIR=str(tmp_path / "var"), WEB_PORT=str(port))
    processes = [start(["make", "run", f"WEB_PORT={port}"], env, tmp_path / "make-run.log")]
    try:
        health = wait_for_health(f"http://127.0.0.1:{port}", processes, tmp_path, seconds=180)
        assert health["database"]["vendor"] == "sqlite"
        assert health["broker"]["transport"] == "filesystem"
        status, body = get(f"http://127.0.0.1:{port}/accounts/login/")
        assert status == 200 and b"Sign in" in body
        assert "manager" in (tmp_path / "make-run.log").read_text()  # the demo logins were printed
    finally:
        stop(processes)


@pytest.mark.django_db(transaction=True)
def test_production_commands_on_postgres_and_redis(tmp_path, redis_url):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at Postgres (CI always sets it)")
    port = free_port()
    env = base_env(
        DEBUG="false",
        SECRET_KEY="process-test-secret-key-long-enough-and-random-enough-4f8a9c2e7b1d",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url.rsplit("/", 1)[0] + "/14",
        STATIC_ROOT=str(tmp_path / "static"),
        CONN_MAX_AGE="60",
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    processes = [
        start(
            [str(BIN / "gunicorn"), "coe.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            env,
            tmp_path / "web.log",
        ),
        start(
            [str(BIN / "celery"), "-A", "coe", "worker", "--pool", "solo", "-l", "INFO"], env, tmp_path / "worker.log"
        ),
        start([str(BIN / "celery"), "-A", "coe", "beat", "-l", "INFO"], env, tmp_path / "beat.log"),
    ]
    try:
        url = f"http://127.0.0.1:{port}"
        health = wait_for_health(url, processes, tmp_path)
        assert health["database"]["vendor"] == "postgresql" and health["broker"]["transport"] == "redis"
        first_beat = health["worker"]["last_heartbeat"]
        # Beat keeps scheduling heartbeats from the database schedule: the heartbeat moves on.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            time.sleep(1)
            if json.loads(get(f"{url}/healthz")[1])["worker"]["last_heartbeat"] != first_beat:
                break
        else:
            pytest.fail(f"beat did not schedule another heartbeat\n{read_logs(tmp_path)}")

        status, body = get(f"{url}/accounts/login/")
        assert status == 200
        stylesheet = re.search(rb'href="(/static/vendor/bootstrap/css/bootstrap\.min\.[0-9a-f]+\.css)"', body)
        assert stylesheet, "the page links the hashed, collected stylesheet"
        assert get(url + stylesheet.group(1).decode())[0] == 200
        status, body = get(f"{url}/coe/people/")  # urllib follows the redirect to sign-in
        assert status == 200 and b"Sign in" in body and b"liaison@example.com" not in body

        # A database restart, as the app sees it: every server-side connection is cut. With
        # persistent connections health-checked (CONN_HEALTH_CHECKS) it costs at most one request.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.rowcount >= 1
        answers = [get(f"{url}/healthz")[0] for _ in range(6)]  # each one queries the database
        assert answers.count(200) >= 5, answers
    finally:
        stop(processes)
