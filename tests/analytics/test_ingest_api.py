"""The snapshots API: bulk ingestion (CoE staff only, idempotent, per-row errors by index) and the
read-only list scoped to the departments a person sees."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from analytics.models import MetricSnapshot
from tests.analytics.factories import published_post
from tests.publishing.factories import ChannelFactory

pytestmark = pytest.mark.django_db

BULK = "/api/v1/metric-snapshots/bulk/"
LIST = "/api/v1/metric-snapshots/"


@pytest.fixture
def pubs(people):
    return (
        published_post(channel=ChannelFactory(department=people.marketing)),
        published_post(channel=ChannelFactory(department=people.service)),
    )


def rows(pubs):
    return [
        {"publication_id": pubs[0].pk, "captured_at": "2026-01-05T09:00:00Z", "impressions": 100, "likes": 4},
        {"publication_id": pubs[1].pk, "captured_at": "2026-01-05T09:00:00Z", "impressions": 50},
    ]


def test_coe_member_sends_snapshots_and_a_resend_is_a_duplicate(api_as, people, pubs):
    client = api_as(people.member)
    first = client.post(BULK, {"rows": rows(pubs)}, format="json")
    assert first.status_code == 200, first.content
    assert first.json() | {"errors": []} == {
        "received": 2,
        "created": 2,
        "duplicates": 0,
        "rejected": 0,
        "stored": True,
        "errors": [],
    }
    again = client.post(BULK, rows(pubs), format="json")  # a bare list works too
    assert (again.json()["created"], again.json()["duplicates"]) == (0, 2)
    assert MetricSnapshot.objects.count() == 2


def test_all_or_nothing_answers_400_with_every_bad_row(api_as, people, pubs):
    bad = [*rows(pubs), {"publication_id": pubs[0].pk, "captured_at": "soon", "likes": -1}]
    response = api_as(people.member).post(BULK, {"rows": bad}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["stored"] is False
    assert {(e["index"], e["column"]) for e in body["errors"]} == {(2, "captured_at"), (2, "likes")}
    assert not MetricSnapshot.objects.exists()


def test_good_rows_mode_stores_the_good_ones(api_as, people, pubs):
    bad = [*rows(pubs), {"publication_id": 0, "captured_at": "2026-01-05T09:00:00Z"}]
    response = api_as(people.manager).post(BULK, {"rows": bad, "mode": "good_rows"}, format="json")
    assert response.status_code == 200
    assert (response.json()["created"], response.json()["rejected"]) == (2, 1)


def test_too_many_rows_are_refused(api_as, people, pubs):
    response = api_as(people.member).post(BULK, {"rows": rows(pubs) * 2501}, format="json")
    assert response.status_code == 400
    assert "5000" in response.json()["error"]["message"]


@pytest.mark.parametrize("who", ["leader", "liaison_a", "employee"])
def test_only_coe_staff_send_snapshots(api_as, people, pubs, who):
    response = api_as(getattr(people, who)).post(BULK, {"rows": rows(pubs)}, format="json")
    assert response.status_code == 403
    assert not MetricSnapshot.objects.exists()


def test_anonymous_gets_401(api_client, pubs):
    assert api_client.post(BULK, [], format="json").status_code == 401
    assert api_client.get(LIST).status_code == 401


def test_token_auth_works(api_client, people, pubs):
    token = Token.objects.create(user=people.member)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.post(BULK, rows(pubs), format="json").json()["created"] == 2


def test_the_list_is_scoped_by_department(api_as, people, pubs):
    api_as(people.member).post(BULK, rows(pubs), format="json")
    seen = {
        who: {item["publication"] for item in api_as(getattr(people, who)).get(LIST).json()["results"]}
        for who in ("leader", "member", "liaison_a", "liaison_b")
    }
    assert seen["leader"] == seen["member"] == {pubs[0].pk, pubs[1].pk}
    assert seen["liaison_a"] == {pubs[0].pk}
    assert seen["liaison_b"] == {pubs[1].pk}
    assert api_as(people.employee).get(LIST).status_code == 403
    hidden = MetricSnapshot.objects.get(publication=pubs[1]).pk
    assert api_as(people.liaison_a).get(f"{LIST}{hidden}/").status_code == 404
