"""The admin site: CoE managers only; every model listed with search; people added there."""

import pytest

from coe.models import User

pytestmark = pytest.mark.django_db


def test_only_staff_reach_the_admin(client, people):
    client.force_login(people.member)
    assert client.get("/admin/").status_code == 302  # to the admin's own sign-in
    client.force_login(people.manager)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    "url", ["/admin/coe/user/?q=liaison", "/admin/coe/department/?q=market", "/admin/coe/workerheartbeat/"]
)
def test_manager_lists_and_searches_records(client, people, url):
    client.force_login(people.manager)
    assert client.get(url).status_code == 200


def test_manager_adds_a_person_and_gives_them_a_role_in_the_admin(client, people):
    client.force_login(people.manager)
    response = client.post(
        "/admin/coe/user/add/",
        {"username": "newhire", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    newhire = User.objects.get(username="newhire")
    page = client.get(f"/admin/coe/user/{newhire.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"role": "liaison", "departments": [people.marketing.pk], "time_zone": "UTC"})
    data.pop("password", None)
    data.pop("user_permissions", None)
    for key in ("last_login_0", "last_login_1"):
        data.pop(key, None)
    data["date_joined_0"], data["date_joined_1"] = newhire.date_joined.strftime("%Y-%m-%d"), "00:00:00"
    response = client.post(f"/admin/coe/user/{newhire.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    newhire.refresh_from_db()
    assert newhire.role.value == "liaison"
    assert list(newhire.departments.all()) == [people.marketing]
