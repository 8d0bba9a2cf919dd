"""Training's demo data: a real curriculum (at least six modules with eight or more questions each),
two certification tracks (Social Publisher for liaisons, Crisis Spokesperson), assignments, and
people at every stage of progress. Each area seeds itself; all idempotent."""

from importlib import import_module
from importlib.util import find_spec

from django.db import transaction

AREAS = ["content", "certification", "assignments", "progress"]


@transaction.atomic
def seed() -> None:
    for area in AREAS:
        if find_spec(f"training.demo.{area}") is not None:
            import_module(f"training.demo.{area}").seed()
