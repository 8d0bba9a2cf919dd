"""The CoE's own demo records, seeded last (after every domain app, whose facts the maturity
assessments read): a charter with two versions and its objectives, three past maturity assessments
showing progress, a steering committee with recent meetings and open action items, the tools
inventory with one finished vendor evaluation, and a dozen best practices. Each area seeds itself
(coe/demo/<area>.py, ``seed()``); all idempotent."""

from importlib import import_module
from importlib.util import find_spec

from django.db import transaction

AREAS = ["charter", "library", "steering", "techstack", "maturity"]


@transaction.atomic
def seed() -> None:
    for area in AREAS:
        if find_spec(f"coe.demo.{area}") is not None:
            import_module(f"coe.demo.{area}").seed()
