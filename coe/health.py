"""What /healthz reports: can we reach the database and the broker, and is a worker alive?"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import Connection

from coe.selectors import latest_worker_heartbeat


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": str(exc).strip() or exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict[str, Any]:
    url = settings.CELERY_BROKER_URL
    try:
        with Connection(url, connect_timeout=2, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as exc:
        return {"ok": False, "transport": url.split("://", 1)[0], "error": str(exc) or exc.__class__.__name__}
    return {"ok": True, "transport": url.split("://", 1)[0]}


def check_worker(database_ok: bool) -> dict[str, Any]:
    if not database_ok:
        return {"ok": False, "error": "unknown: the database is unreachable"}
    heartbeat = latest_worker_heartbeat()
    max_age = settings.HEALTHZ_HEARTBEAT_MAX_AGE_SECONDS
    if heartbeat is None:
        return {"ok": False, "error": "no worker has reported a heartbeat yet", "max_age_seconds": max_age}
    age = (timezone.now() - heartbeat.seen_at).total_seconds()
    return {
        "ok": age <= max_age,
        "hostname": heartbeat.hostname,
        "last_heartbeat": heartbeat.seen_at.isoformat(),
        "age_seconds": round(age, 1),
        "max_age_seconds": max_age,
    }


def system_health() -> tuple[bool, dict[str, Any]]:
    database = check_database()
    report = {"database": database, "broker": check_broker(), "worker": check_worker(database["ok"])}
    healthy = all(part["ok"] for part in report.values())
    return healthy, {"status": "ok" if healthy else "unhealthy", **report}
