"""The CoE pages: each role lands on what matters to it, sees what it may and nothing more."""

import pytest
from django.urls import reverse

from tests.coe.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_people_are_sent_to_sign_in(client):
    for url in ["/", "/coe/people/", "/coe/departments/", "/accounts/profile/", "/coe/departments/x/edit/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize(
    "who, sections, absent",
    [
        ("manager", ["The programme", "Departments at a glance", "Background workers"], []),
        ("member", ["The programme", "Background workers"], ["People without a department"]),
        ("leader", ["The programme", "Departments at a glance"], ["Background workers"]),
        ("liaison_a", ["Your department", "Marketing"], ["The programme", "Background workers"]),
        ("employee", ["Your department"], ["The programme", "Departments at a glance"]),
    ],
)
def test_home_shows_each_role_what_matters_to_it(client, people, who, sections, absent):
    client.force_login(getattr(people, who))
    html = client.get("/").content.decode()
    for text in sections:
        assert text in html
    for text in absent:
        assert text not in html


def test_manager_home_lists_people_without_a_department(client, people):
    UserFactory(username="newcomer", first_name="New", last_name="Comer", role="employee")
    client.force_login(people.manager)
    html = client.get("/").content.decode()
    assert "People without a department" in html and "New Comer" in html


def test_home_query_count_stays_flat_as_people_grow(client, people, django_assert_max_num_queries):
    client.force_login(people.manager)
    for n in range(40):
        UserFactory(username=f"extra{n}", role="employee", departments=[people.marketing])
    # Session, user, permissions, bell, banners (pause, crisis), people, publishing, training and
    # KPI panels (the KPIs, their targets, one rollup aggregate): fixed, not per row.
    with django_assert_max_num_queries(23):
        assert client.get("/").status_code == 200


def test_people_directory_is_for_coe_staff_and_leadership(client, people):
    for who in ("manager", "member", "leader"):
        client.force_login(getattr(people, who))
        assert client.get("/coe/people/").status_code == 200
    for who in ("liaison_a", "approver", "employee"):
        client.force_login(getattr(people, who))
        response = client.get("/coe/people/")
        assert response.status_code == 403
        assert "CoE" in response.content.decode()  # the reason, in the site's layout


def test_people_directory_filters_and_answers_htmx_with_the_table_only(client, people):
    client.force_login(people.member)
    response = client.get("/coe/people/", {"role": "liaison"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "liaison_a" in html and "liaison_b" in html and "employee" not in html
    response = client.get("/coe/people/", {"department": "customer-service", "q": "approver"})
    assert "approver" in response.content.decode() and "liaison_b" not in response.content.decode()


def test_people_directory_query_count_is_flat(client, people, django_assert_max_num_queries):
    client.force_login(people.manager)
    for n in range(60):
        UserFactory(username=f"bulk{n}", role="employee", departments=[people.marketing, people.service])
    with django_assert_max_num_queries(13):  # the layout's banners (pause, crisis) read a cold cache once
        assert client.get("/coe/people/").status_code == 200


def test_manager_changes_someones_role_and_departments(client, people):
    client.force_login(people.manager)
    response = client.post(
        f"/coe/people/{people.employee.pk}/",
        {
            "first_name": "Eli",
            "last_name": "Novak",
            "email": "eli@example.com",
            "role": "liaison",
            "departments": [people.service.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    people.employee.refresh_from_db()
    assert people.employee.role.value == "liaison"
    assert list(people.employee.departments.all()) == [people.service]


def test_member_may_see_but_not_edit_people_and_liaison_cannot_even_find_others(client, people):
    client.force_login(people.member)
    assert client.get(f"/coe/people/{people.employee.pk}/").status_code == 403
    client.force_login(people.liaison_a)
    assert client.get(f"/coe/people/{people.liaison_b.pk}/").status_code == 404


def test_manager_cannot_demote_the_last_manager_and_is_told_why(client, people):
    client.force_login(people.manager)
    response = client.post(
        f"/coe/people/{people.manager.pk}/",
        {"first_name": "M", "last_name": "R", "email": "m@example.com", "role": "coe_member", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "last CoE manager" in response.content.decode()
    people.manager.refresh_from_db()
    assert people.manager.role.value == "coe_manager"


def test_department_pages(client, people):
    client.force_login(people.employee)
    assert client.get("/coe/departments/").status_code == 200
    response = client.get("/coe/departments/marketing/")
    assert response.status_code == 200 and "Edit" not in response.content.decode()
    assert client.get("/coe/departments/marketing/edit/").status_code == 403
    assert client.get("/coe/departments/nope/").status_code == 404


def test_department_lead_edits_only_the_description(client, people):
    from coe import services
    from coe.permissions import SYSTEM

    services.department_update(actor=SYSTEM, department=people.marketing, changes={"lead": people.liaison_a})
    client.force_login(people.liaison_a)
    page = client.get("/coe/departments/marketing/edit/").content.decode()
    assert 'name="description"' in page and 'name="name"' not in page and 'name="lead"' not in page
    response = client.post("/coe/departments/marketing/edit/", {"description": "We tell the brand's story."})
    assert response.status_code == 302
    people.marketing.refresh_from_db()
    assert people.marketing.description == "We tell the brand's story."
    # Fields outside the form are not applied, whatever is posted.
    client.post("/coe/departments/marketing/edit/", {"description": "x", "name": "Hijacked"})
    people.marketing.refresh_from_db()
    assert people.marketing.name == "Marketing"


def test_manager_adds_a_department_and_a_duplicate_name_gets_a_clear_error(client, people):
    client.force_login(people.manager)
    response = client.post("/coe/departments/new/", {"name": "Investor Relations", "description": ""})
    assert response.status_code == 302
    response = client.post("/coe/departments/new/", {"name": "Marketing", "description": ""})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_profile_saves_own_settings_and_shows_errors_next_to_fields(client, people):
    client.force_login(people.liaison_a)
    form = {
        "first_name": "Lena",
        "last_name": "Fischer",
        "email": "lena@example.com",
        "time_zone": "Europe/Berlin",
        "notify_in_app": "on",
    }
    assert client.post("/accounts/profile/", form).status_code == 302
    people.liaison_a.refresh_from_db()
    assert people.liaison_a.time_zone == "Europe/Berlin" and people.liaison_a.notify_by_email is False

    taken = {**form, "email": people.liaison_b.email.upper()}
    response = client.post("/accounts/profile/", taken)
    assert response.status_code == 200
    assert "already uses this e-mail" in response.content.decode()
    people.liaison_a.refresh_from_db()
    assert people.liaison_a.email == "lena@example.com"


def test_profile_creates_a_token_shown_once(client, people):
    client.force_login(people.employee)
    client.post("/accounts/profile/", {"action": "regenerate_token"})
    first = client.get("/accounts/profile/").content.decode()
    assert 'data-testid="new-token"' in first
    assert 'data-testid="new-token"' not in client.get("/accounts/profile/").content.decode()


def test_times_are_shown_in_the_persons_time_zone(client, people):
    people.employee.time_zone = "Asia/Tokyo"
    people.employee.save()
    client.force_login(people.employee)
    assert "Times are shown in Asia/Tokyo" in client.get("/").content.decode()


def test_error_pages_use_the_site_layout(client, people):
    client.force_login(people.employee)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'aria-label="Main navigation"' in html


def test_server_error_page_renders_without_the_database(rf):
    from coe.views import server_error

    response = server_error(rf.get("/anything/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html and "<main" in html


def test_server_error_under_the_api_answers_in_json(rf):
    from coe.views import server_error

    response = server_error(rf.get("/api/v1/me/"))
    assert response.status_code == 500
    assert b'"code": "server_error"' in response.content
