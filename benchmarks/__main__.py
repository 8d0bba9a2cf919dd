"""make bench — request latency of the pages that grow with data, against a floor.

Runs in a throw-away test database (Postgres when DATABASE_URL is set), seeds the demo company
plus extra people, and prints one line per benchmark:

    BENCH <name> p50_ms=<v> p95_ms=<v> floor_p50_ms=<v> rows=<n>

The floor is the sign-in page measured in the same run: the cost of the stack with no data work.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
import warnings

warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic here
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coe.settings_test")


def _timed(client, url: str, repeat: int) -> tuple[float, float]:
    client.get(url)  # warm caches and connections
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.test import Client

        from coe.models import Department, User
        from coe.roles import Role
        from tests.coe.factories import UserFactory

        call_command("seed_demo", stdout=io.StringIO())
        departments = list(Department.objects.all())
        extra = int(os.environ.get("BENCH_PEOPLE", "2000"))
        for n in range(extra):
            UserFactory(username=f"bench{n}", role=Role.EMPLOYEE, departments=[departments[n % len(departments)]])
        rows = User.objects.count()

        client = Client()
        client.force_login(User.objects.get(username="manager"))
        floor = _timed(Client(), "/accounts/login/", 50)
        for name, url in [
            ("home_manager", "/"),
            ("people_directory", "/coe/people/"),
            ("api_users_list", "/api/v1/users/"),
            ("departments", "/coe/departments/"),
        ]:
            p50, p95 = _timed(client, url, 50)
            print(f"BENCH {name} p50_ms={p50:.1f} p95_ms={p95:.1f} floor_p50_ms={floor[0]:.1f} rows={rows}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main())
