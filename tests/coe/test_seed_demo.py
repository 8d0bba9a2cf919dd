"""seed_demo: the demo company, one login per role, and a second run changes nothing."""

import io
import json

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from coe.models import Department, User
from coe.roles import Role

pytestmark = pytest.mark.django_db

EXPECTED_ROLES = {
    "manager": Role.COE_MANAGER,
    "member": Role.COE_MEMBER,
    "liaison": Role.LIAISON,
    "liaison_cs": Role.LIAISON,
    "approver": Role.APPROVER,
    "employee": Role.EMPLOYEE,
    "leader": Role.LEADERSHIP,
}
# Rows that depend on the clock or on sessions, not on what the seed decides.
VOLATILE = {"sessions", "axes", "admin.logentry", "coe.workerheartbeat"}


def database_snapshot() -> list:
    out = io.StringIO()
    call_command("dumpdata", exclude=sorted(VOLATILE), stdout=out, natural_foreign=False)
    return sorted(json.loads(out.getvalue()), key=lambda row: (row["model"], str(row["pk"])))


def test_seed_demo_twice_gives_the_same_database():
    call_command("seed_demo", stdout=io.StringIO())
    first = database_snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert database_snapshot() == first


def test_seed_demo_prints_the_logins_and_every_role_user_can_sign_in(settings):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    request = RequestFactory().post("/accounts/login/")
    for username, role in EXPECTED_ROLES.items():
        assert username in printed
        user = User.objects.get(username=username)
        assert user.role == role
        assert authenticate(request, username=username, password=settings.DEMO_PASSWORD) == user
    assert "coe-demo" in printed


def test_seed_demo_has_the_departments_a_real_company_has():
    call_command("seed_demo", stdout=io.StringIO())
    names = set(Department.objects.values_list("name", flat=True))
    assert {"Marketing", "Customer Service", "Sales", "PR & Communications", "Legal", "HR", "Product"} <= names
    assert User.objects.get(username="liaison").departments.get().slug == "marketing"
    assert User.objects.get(username="liaison_cs").departments.get().slug == "customer-service"
    assert User.objects.get(username="approver").departments.get().slug == "legal"
    assert Department.objects.filter(lead__isnull=True).count() == 0


def test_demo_password_comes_from_the_environment(settings):
    settings.DEMO_PASSWORD = "another-secret-42"
    call_command("seed_demo", stdout=io.StringIO())
    assert User.objects.get(username="manager").check_password("another-secret-42")


def test_set_role_command_names_the_first_manager():
    from tests.coe.factories import UserFactory

    UserFactory(username="founder")
    call_command("set_role", "founder", "coe_manager", stdout=io.StringIO())
    founder = User.objects.get(username="founder")
    assert founder.role == Role.COE_MANAGER and founder.is_staff
