"""Shared fixtures: the standard people every page and endpoint is tested against, real
services (Postgres in CI, Redis) and the browser launch settings for Debian's Chromium."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
import redis
from django.conf import settings
from rest_framework.test import APIClient

from coe.roles import Role
from tests.coe.factories import DepartmentFactory, UserFactory

# Playwright's sync API runs an event loop in the main thread; Django's ORM refuses to run there
# unless told that this is deliberate. The live server itself runs in its own thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_sessionstart(session):
    engine = settings.DATABASES["default"]["ENGINE"]
    if IN_CI and engine != "django.db.backends.postgresql":
        pytest.exit(f"CI must test on Postgres (DATABASE_URL), not {engine}.", returncode=3)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis the tests use; unreachable means a failed run, never a silent skip."""
    url = settings.CELERY_BROKER_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {url} is not reachable ({exc}); start it (see README) or set REDIS_URL.")
    return url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def people(db):
    """A CoE manager and member, liaisons of two departments, an approver, an employee and a leader."""
    marketing = DepartmentFactory(name="Marketing", slug="marketing")
    service = DepartmentFactory(name="Customer Service", slug="customer-service")
    coe_team = DepartmentFactory(name="Social Media CoE", slug="social-media-coe")
    return SimpleNamespace(
        marketing=marketing,
        service=service,
        coe_team=coe_team,
        manager=UserFactory(username="manager", role=Role.COE_MANAGER, departments=[coe_team]),
        member=UserFactory(username="member", role=Role.COE_MEMBER, departments=[coe_team]),
        liaison_a=UserFactory(username="liaison_a", role=Role.LIAISON, departments=[marketing]),
        liaison_b=UserFactory(username="liaison_b", role=Role.LIAISON, departments=[service]),
        approver=UserFactory(username="approver", role=Role.APPROVER, departments=[service]),
        employee=UserFactory(username="employee", role=Role.EMPLOYEE, departments=[marketing]),
        leader=UserFactory(username="leader", role=Role.LEADERSHIP),
    )


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as(api_client):
    """api_as(person) -> an APIClient authenticated as that person."""

    def _as(user) -> APIClient:
        api_client.force_authenticate(user)
        return api_client

    return _as


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache (locmem in tests) holds switches such as pause-all; no test sees another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
