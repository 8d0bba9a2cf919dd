"""make bench — request latency of the pages that grow with data, against a floor.

Runs in a throw-away test database (Postgres when DATABASE_URL is set; `make bench` sets it),
seeds the demo company plus extra people and posts, and prints one line per benchmark:

    BENCH <name> <figure>=<value> <unit> ...

Page floors are the sign-in page measured in the same run (the cost of the stack with no data
work); publish_dispatch's floor is a plain loop of the same requests to the same test server;
rules_check's is one precompiled pattern of every banned term scanning the same post.
Sizes: BENCH_PEOPLE (2000), BENCH_DISPATCH_POSTS (10000), BENCH_DISPATCH_CONCURRENCY (4),
BENCH_CALENDAR_POSTS (50000), BENCH_ROLLUP_ROWS (500000),
BENCH_SNAPSHOTS (1000000: metrics_ingest, rollup_full, rollup_incremental); BENCH_ONLY=name,name runs some of them.
"""

from __future__ import annotations

import io
import os
import sys
import warnings

warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic here
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coe.settings_test")


def wanted(name: str) -> bool:
    only = {part.strip() for part in os.environ.get("BENCH_ONLY", "").split(",") if part.strip()}
    return not only or any(name.startswith(part) for part in only)


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

        from benchmarks import publishing
        from benchmarks.report import bench, timed
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
        floor = timed(Client(), "/accounts/login/", 50)
        for name, url in [
            ("home_manager", "/"),
            ("people_directory", "/coe/people/"),
            ("api_users_list", "/api/v1/users/"),
            ("departments", "/coe/departments/"),
        ]:
            if wanted(name):
                p50, p95 = timed(client, url, 50)
                bench(name, p50=(p50, "ms"), p95=(p95, "ms"), floor_p50=(floor[0], "ms"), people=(rows, "users"))
        if wanted("calendar_month"):
            publishing.calendar_month(int(os.environ.get("BENCH_CALENDAR_POSTS", "50000")), repeat=30)
        if wanted("publish_dispatch"):
            publishing.publish_dispatch(
                int(os.environ.get("BENCH_DISPATCH_POSTS", "10000")),
                concurrency=int(os.environ.get("BENCH_DISPATCH_CONCURRENCY", "4")),
            )
        if wanted("rules_check"):
            from benchmarks import governance

            governance.rules_check(rule_count=500)
        if wanted("metrics_ingest") or wanted("rollup_full") or wanted("rollup_incremental"):
            from benchmarks import analytics_metrics

            analytics_metrics.metrics_ingest(int(os.environ.get("BENCH_SNAPSHOTS", "1000000")))
        if wanted("dashboard"):
            from benchmarks import analytics_dashboard

            analytics_dashboard.dashboard(
                int(os.environ.get("BENCH_ROLLUP_ROWS", "500000")),
                floor=floor,
                manager=User.objects.get(username="manager"),
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main())
