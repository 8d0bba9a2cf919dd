"""The API: token auth, /api/v1/me/, scoped people and departments, refused fields, one error
shape, and a schema that validates."""

import pytest
from django.core.management import call_command

from tests.coe.factories import UserFactory

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


def test_token_from_username_and_password_then_me(api_client, people):
    response = api_client.post("/api/v1/auth/token/", {"username": "liaison_a", "password": "pw-for-tests-123"})
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/").json()
    assert me["username"] == "liaison_a"
    assert me["role"] == "liaison"
    assert me["departments"] == ["marketing"]


def test_wrong_password_gets_a_401_in_the_error_shape(api_client, people):
    error = assert_error(
        api_client.post("/api/v1/auth/token/", {"username": "liaison_a", "password": "x"}), 401, "authentication_failed"
    )
    assert "not correct" in error["message"]


def test_missing_credentials_and_bad_tokens(api_client, people):
    assert_error(api_client.get("/api/v1/me/"), 401, "not_authenticated")
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_error(api_client.get("/api/v1/me/"), 401, "authentication_failed")


def test_regenerating_a_token_retires_the_old_one(api_client, people):
    api_client.force_authenticate(people.employee)
    first = api_client.post("/api/v1/me/token/").json()["token"]
    second = api_client.post("/api/v1/me/token/").json()["token"]
    assert first != second
    api_client.force_authenticate(None)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api_client.get("/api/v1/me/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api_client.get("/api/v1/me/").status_code == 200


def test_me_patch_changes_own_settings(api_as, people):
    response = api_as(people.employee).patch("/api/v1/me/", {"time_zone": "Asia/Tokyo", "notify_by_email": False})
    assert response.status_code == 200
    assert response.json()["time_zone"] == "Asia/Tokyo"
    people.employee.refresh_from_db()
    assert people.employee.notify_by_email is False


def test_bad_input_gets_field_errors_and_changes_nothing(api_as, people):
    error = assert_error(api_as(people.employee).patch("/api/v1/me/", {"time_zone": "Mars/Olympus"}), 400, "invalid")
    assert "time_zone" in error["fields"]
    error = assert_error(api_as(people.employee).patch("/api/v1/me/", {"email": "not-an-email"}), 400, "invalid")
    assert "email" in error["fields"]
    people.employee.refresh_from_db()
    assert people.employee.time_zone == "UTC"


def test_role_and_department_cannot_be_set_on_oneself(api_as, people):
    client = api_as(people.liaison_a)
    error = assert_error(
        client.patch("/api/v1/me/", {"departments": ["customer-service"], "role": "coe_manager"}, format="json"),
        403,
        "field_not_allowed",
    )
    assert set(error["fields"]) == {"departments", "role"}
    people.liaison_a.refresh_from_db()
    assert people.liaison_a.role.value == "liaison"
    assert [d.slug for d in people.liaison_a.departments.all()] == ["marketing"]


def test_unknown_or_read_only_fields_are_refused_not_ignored(api_as, people):
    error = assert_error(
        api_as(people.employee).patch("/api/v1/me/", {"is_staff": True, "username": "root"}), 400, "invalid"
    )
    assert set(error["fields"]) == {"is_staff", "username"}
    people.employee.refresh_from_db()
    assert people.employee.is_staff is False and people.employee.username == "employee"


def test_people_list_is_scoped(api_as, people):
    names = {p["username"] for p in api_as(people.liaison_a).get("/api/v1/users/").json()["results"]}
    assert names == {"liaison_a", "employee"}
    assert_error(api_as(people.liaison_a).get(f"/api/v1/users/{people.liaison_b.pk}/"), 404, "not_found")


def test_people_list_filters(api_as, people):
    client = api_as(people.member)
    names = {p["username"] for p in client.get("/api/v1/users/", {"role": "liaison"}).json()["results"]}
    assert names == {"liaison_a", "liaison_b"}
    names = {p["username"] for p in client.get("/api/v1/users/", {"department": "customer-service"}).json()["results"]}
    assert names == {"liaison_b", "approver"}


def test_manager_sets_role_and_departments_others_may_not(api_as, people):
    url = f"/api/v1/users/{people.employee.pk}/"
    payload = {"role": "liaison", "departments": ["customer-service"]}
    assert_error(api_as(people.member).patch(url, payload, format="json"), 403, "field_not_allowed")
    response = api_as(people.manager).patch(url, payload, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "liaison" and response.json()["departments"] == ["customer-service"]


def test_unknown_department_slug_is_a_field_error(api_as, people):
    response = api_as(people.manager).patch(
        f"/api/v1/users/{people.employee.pk}/", {"departments": ["nope"]}, format="json"
    )
    assert "departments" in assert_error(response, 400, "invalid")["fields"]


def test_departments_read_by_all_written_by_manager(api_as, people):
    assert api_as(people.employee).get("/api/v1/departments/").json()["count"] == 3
    assert_error(api_as(people.liaison_a).post("/api/v1/departments/", {"name": "Sales"}), 403, "field_not_allowed")
    response = api_as(people.manager).post("/api/v1/departments/", {"name": "PR & Communications"})
    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "pr-communications"
    error = assert_error(api_as(people.manager).post("/api/v1/departments/", {"name": "marketing"}), 400, "invalid")
    assert "name" in error["fields"]


def test_department_lead_may_edit_description_only(api_as, people):
    api_as(people.manager).patch("/api/v1/departments/marketing/", {"lead": people.liaison_a.pk}, format="json")
    client = api_as(people.liaison_a)
    assert client.patch("/api/v1/departments/marketing/", {"description": "Brand"}).status_code == 200
    error = assert_error(client.patch("/api/v1/departments/marketing/", {"name": "Mine"}), 403, "field_not_allowed")
    assert "name" in error["fields"]
    assert_error(client.patch("/api/v1/departments/customer-service/", {"description": "x"}), 403, "field_not_allowed")


def test_department_with_people_cannot_be_deleted(api_as, people):
    assert_error(api_as(people.manager).delete("/api/v1/departments/marketing/"), 400, "department_not_empty")
    api_as(people.manager).post("/api/v1/departments/", {"name": "Empty"})
    assert api_as(people.manager).delete("/api/v1/departments/empty/").status_code == 204


def test_unknown_api_url_and_wrong_method_answer_in_json(api_as, people):
    assert_error(api_as(people.employee).get("/api/v1/nothing-here/"), 404, "not_found")
    assert_error(api_as(people.employee).put("/api/v1/me/", {}), 405, "method_not_allowed")


def test_people_endpoint_query_count_is_flat(api_as, people, django_assert_max_num_queries):
    for n in range(60):
        UserFactory(username=f"bulk{n}", role="employee", departments=[people.marketing])
    client = api_as(people.manager)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/users/").json()["count"] == 67


def test_openapi_schema_validates(client):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_throttled_requests_get_a_429_with_when_to_retry(api_as, people, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import UserRateThrottle

    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "3/minute"})
    client = api_as(people.employee)
    for _ in range(3):
        assert client.get("/api/v1/me/").status_code == 200
    error = assert_error(client.get("/api/v1/me/"), 429, "throttled")
    assert "try again in" in error["message"]
    cache.clear()
