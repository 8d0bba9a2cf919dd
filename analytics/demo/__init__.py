"""Analytics' demo data: twelve months of realistic metrics for every demo channel (weekday and
weekend rhythm, a campaign spike, a viral post), investment per department, KPIs on and off track,
two listening topics with one past spike. Each area seeds itself; all idempotent. Analytics seeds
last, after publishing."""

from importlib import import_module
from importlib.util import find_spec

from django.db import transaction

AREAS = ["metrics", "kpis", "investment", "listening"]


@transaction.atomic
def seed() -> None:
    for area in AREAS:
        if find_spec(f"analytics.demo.{area}") is not None:
            import_module(f"analytics.demo.{area}").seed()
