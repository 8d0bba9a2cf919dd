"""Governance's demo data: a real social media policy and brand guidelines (acknowledged by some),
content rules (banned terms, a disclosure rule, personal data), a crisis plan with two scenarios
and holding statements, a resolved past incident. Each area seeds itself; all idempotent."""

from importlib import import_module
from importlib.util import find_spec

from django.db import transaction

AREAS = ["policies", "rules", "crisis"]


@transaction.atomic
def seed() -> None:
    for area in AREAS:
        if find_spec(f"governance.demo.{area}") is not None:
            import_module(f"governance.demo.{area}").seed()
