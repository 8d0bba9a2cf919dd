"""The department directory: figures for CoE staff and leadership (page, detail and API), the plain
directory for everyone else, silo warnings, sorting and a flat query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coe.selectors.directory import department_directory
from tests.coe.factories import DepartmentFactory, UserFactory
from tests.coe.factories_steering import ActionItemFactory
from tests.publishing.factories import ChannelFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["manager", "member", "leader"])
def test_coe_and_leadership_see_the_figures(client, people, who):
    ChannelFactory(department=people.marketing)
    ActionItemFactory(owner=people.liaison_a, department=people.marketing)
    client.force_login(getattr(people, who))
    body = client.get(reverse("coe:department_list")).content.decode()
    assert "Policy ack." in body and "Approval turnaround" in body and 'data-testid="company-row"' in body
    detail = client.get(reverse("coe:department_detail", kwargs={"slug": "marketing"})).content.decode()
    assert 'data-testid="department-figures"' in detail


@pytest.mark.parametrize("who", ["liaison_a", "liaison_b", "employee", "approver"])
def test_others_see_the_plain_directory(client, people, who):
    client.force_login(getattr(people, who))
    response = client.get(reverse("coe:department_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Marketing" in body and "Policy ack." not in body and "People" in body
    detail = client.get(reverse("coe:department_detail", kwargs={"slug": "marketing"})).content.decode()
    assert 'data-testid="department-figures"' not in detail


def test_anonymous_goes_to_sign_in(client, people):
    response = client.get(reverse("coe:department_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_silos_are_flagged_with_the_reason(people):
    rows = {row.department.slug: row for row in department_directory(user=people.manager).rows}
    assert "No liaison" in rows["social-media-coe"].warnings
    assert "No liaison" not in rows["marketing"].warnings  # liaison_a
    assert rows["marketing"].liaisons == [people.liaison_a]


def test_sorting_puts_unknown_figures_last(people):
    UserFactory(departments=[people.marketing])
    ChannelFactory(department=people.marketing)
    ChannelFactory(department=people.marketing)
    ChannelFactory(department=people.service)
    order = [row.department.slug for row in department_directory(user=people.manager, sort="-channels").rows]
    assert order[:2] == ["marketing", "customer-service"]
    order = [row.department.slug for row in department_directory(user=people.manager, sort="channels").rows]
    assert order[-1] == "marketing"


def _grow(size):
    for i in range(size):
        department = DepartmentFactory(name=f"Team {size}-{i}")
        liaison = UserFactory(role="liaison", departments=[department])
        ChannelFactory(department=department)
        ActionItemFactory(owner=liaison, department=department)


@pytest.mark.parametrize("size", [2, 12])
def test_the_directory_has_a_flat_query_count(client, people, django_assert_max_num_queries, size):
    _grow(size)
    client.force_login(people.manager)
    client.get(reverse("coe:department_list"))
    with django_assert_max_num_queries(26):
        response = client.get(reverse("coe:department_list") + "?sort=-policy_ack_pct")
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="department-row"') == size + 3
    client.force_login(people.employee)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("coe:department_list")).status_code == 200


@pytest.mark.parametrize(("who", "status"), [("manager", 200), ("leader", 200), ("liaison_a", 403), ("employee", 403)])
def test_insights_api(api_client, people, who, status):
    api_client.force_authenticate(getattr(people, who))
    response = api_client.get("/api/v1/department-insights/?sort=name")
    assert response.status_code == status
    if status == 200:
        marketing = next(row for row in response.json() if row["slug"] == "marketing")
        assert {fact["key"] for fact in marketing["figures"]} == {
            "channels",
            "posts_this_month",
            "approval_turnaround_hours",
            "policy_ack_pct",
            "certified_pct",
        }
        assert marketing["liaisons"] == [people.liaison_a.display_name]


def test_insights_api_needs_sign_in(api_client, people):
    assert api_client.get("/api/v1/department-insights/").status_code in (401, 403)


def test_the_query_count_is_the_same_for_2_and_12_departments(client, people):
    client.force_login(people.manager)

    def count() -> int:
        client.get(reverse("coe:department_list"))
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("coe:department_list"))
        return len(queries)

    _grow(2)
    small = count()
    _grow(10)
    assert count() == small
