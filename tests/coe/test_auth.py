"""Sign-in, lockout after repeated failures, sign-out, password change and reset by e-mail."""

import re

import pytest
from django.conf import settings
from django.core import mail

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-123"


def sign_in(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_sign_in_lands_on_home(client, people):
    response = sign_in(client, "liaison_a")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_sign_in_returns_to_the_page_asked_for(client, people):
    response = client.post(
        "/accounts/login/?next=/coe/departments/",
        {"username": "employee", "password": PASSWORD, "next": "/coe/departments/"},
    )
    assert response["Location"] == "/coe/departments/"


def test_wrong_password_is_refused_with_a_message(client, people):
    response = sign_in(client, "liaison_a", "wrong")
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, people):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "liaison_a", "wrong")
    response = sign_in(client, "liaison_a")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert client.get("/").status_code == 302  # still signed out
    # Another person from the same address is not locked out by someone else's failures.
    assert sign_in(client, "employee").status_code == 302


def test_api_token_endpoint_counts_towards_the_same_lockout(api_client, people):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = api_client.post("/api/v1/auth/token/", {"username": "liaison_b", "password": "nope"}, format="json")
        assert response.status_code in (401, 429)
    response = api_client.post("/api/v1/auth/token/", {"username": "liaison_b", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"


def test_sign_out_needs_a_post_and_ends_the_session(client, people):
    client.force_login(people.employee)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_password_change(client, people):
    client.force_login(people.employee)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "a-much-longer-pass-42", "new_password2": "a-much-longer-pass-42"},
    )
    assert response.status_code == 302
    people.employee.refresh_from_db()
    assert people.employee.check_password("a-much-longer-pass-42")


def test_password_reset_by_email(client, people):
    response = client.post("/accounts/password_reset/", {"email": people.employee.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session and redirects
    response = client.post(
        form_url, {"new_password1": "reset-pass-for-eli-77", "new_password2": "reset-pass-for-eli-77"}
    )
    assert response.status_code == 302
    people.employee.refresh_from_db()
    assert people.employee.check_password("reset-pass-for-eli-77")


def test_password_reset_for_unknown_address_reveals_nothing(client, people):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and len(mail.outbox) == 0


def test_session_and_csrf_cookies_are_hardened_in_production_settings():
    # settings_test only relaxes SECURE_* for http test servers; the flags themselves hold.
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.X_FRAME_OPTIONS == "DENY"


def test_pages_carry_the_csrf_token_for_htmx(client, people):
    client.force_login(people.employee)
    html = client.get("/").content.decode()
    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"[A-Za-z0-9]+\"\}'", html)
