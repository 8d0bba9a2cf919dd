"""python manage.py seed_demo — the demo company. Idempotent; never run by production start-up."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand

from coe.demo import ROLE_USERS

# Each app's demo.py seed(), in the order their data depends on each other. Named, not imported,
# so coe does not depend on the domain apps.
SEED_ORDER = ["coe", "governance", "training", "publishing", "analytics"]


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo company and print one login per role."

    def handle(self, *args, **options):
        for app in SEED_ORDER:
            if find_spec(f"{app}.demo") is not None:
                import_module(f"{app}.demo").seed()
        self.stdout.write(self.style.SUCCESS("Demo company ready. Sign in at http://127.0.0.1:8000/ as:"))
        for person in ROLE_USERS:
            self.stdout.write(f"  {person.username:<12} {person.role.label:<12} {person.department}")
        custom = settings.DEMO_PASSWORD != "coe-demo"
        self.stdout.write(f"  password: {'the value of DEMO_PASSWORD' if custom else 'coe-demo'}")
