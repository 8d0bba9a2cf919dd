"""python manage.py seed_demo — the demo company. Idempotent; never run by production start-up."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand

from coe.demo import ROLE_USERS

# Each app's demo seed(), in the order their data depends on each other. Named, not imported,
# so coe does not depend on the domain apps. The CoE's own programme records come last: its
# maturity assessments read what the other apps know.
SEED_ORDER = ["coe.demo", "governance.demo", "training.demo", "publishing.demo", "analytics.demo", "coe.demo.programme"]


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo company and print one login per role."

    def handle(self, *args, **options):
        for module in SEED_ORDER:
            if find_spec(module) is not None:
                import_module(module).seed()
        self.stdout.write(self.style.SUCCESS("Demo company ready. Sign in at http://127.0.0.1:8000/ as:"))
        for person in ROLE_USERS:
            self.stdout.write(f"  {person.username:<12} {person.role.label:<12} {person.department}")
        custom = settings.DEMO_PASSWORD != "coe-demo"
        self.stdout.write(f"  password: {'the value of DEMO_PASSWORD' if custom else 'coe-demo'}")
