"""Listening over the API: topics (CRUD, hours), mentions (filters, idempotent bulk), alerts
(dismiss, open-incident); CoE staff only, the same rules as the pages."""

# ruff: noqa: F811 - the listening fixtures are imported, then named as test arguments

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.models import ListeningAlert, ListeningTopic, Mention
from analytics.services import listening as services
from governance.models import CrisisIncident
from tests.analytics.listening_helpers import make_topic, row, series  # noqa: F401

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/listening-topics/", "/api/v1/mentions/", "/api/v1/listening-alerts/"]


def _alert(make_topic):
    topic = make_topic(baseline_hours=24)
    series(topic, {timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1): 40})
    return services.alerts_detect()[0]


@pytest.mark.parametrize("url", LISTS)
def test_only_coe_staff_read_listening(api_as, api_client, people, url):
    assert api_as(people.member).get(url).status_code == 200
    for person in (people.leader, people.liaison_a, people.liaison_b, people.employee):
        assert api_as(person).get(url).status_code == 403, person
    api_client.force_authenticate(None)
    assert api_client.get(url).status_code == 401


def test_topic_crud(api_as, people):
    api = api_as(people.member)
    response = api.post(
        "/api/v1/listening-topics/", {"name": "Acme", "any_terms": "Acme\n#acme", "spike_z": "4"}, format="json"
    )
    assert response.status_code == 201, response.json()
    topic_id = response.json()["id"]
    assert response.json()["any_terms"] == "acme\n#acme"
    bad = api.post("/api/v1/listening-topics/", {"name": "Empty", "exclude_terms": "x"}, format="json")
    assert bad.status_code == 400 and "any_terms" in str(bad.json())
    dup = api.post("/api/v1/listening-topics/", {"name": "acme", "any_terms": "a"}, format="json")
    assert dup.status_code == 400
    patched = api.patch(f"/api/v1/listening-topics/{topic_id}/", {"all_terms": "go"}, format="json")
    assert patched.status_code == 200 and patched.json()["all_terms"] == "go"
    assert api.delete(f"/api/v1/listening-topics/{topic_id}/").status_code == 204
    assert ListeningTopic.objects.get(pk=topic_id).is_active is False
    assert api_as(people.leader).post("/api/v1/listening-topics/", {"name": "X", "any_terms": "x"}).status_code == 403


def test_topic_hours_series(api_as, people, make_topic):
    topic = make_topic()
    last = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    series(topic, {last - timedelta(hours=2): 3, last: (5, -0.5)})
    response = api_as(people.manager).get(f"/api/v1/listening-topics/{topic.pk}/hours/")
    assert response.status_code == 200
    assert [(h["volume"], h["sentiment_avg"]) for h in response.json()] == [(3, 0.2), (5, -0.5)]
    bad = api_as(people.manager).get(f"/api/v1/listening-topics/{topic.pk}/hours/?since=2020-01-01T00:00:00Z")
    assert bad.status_code == 400
    assert api_as(people.leader).get(f"/api/v1/listening-topics/{topic.pk}/hours/").status_code == 403


def test_bulk_ingest_is_idempotent_and_reports_bad_rows(api_as, people, make_topic):
    make_topic()
    now = timezone.now()
    rows = [row("Acme is wonderful", now - timedelta(minutes=3), external_id="x1", source="bluesky")]
    api = api_as(people.manager)
    first = api.post("/api/v1/mentions/bulk/", {"rows": rows}, format="json")
    assert first.status_code == 200 and first.json()["created"] == 1
    again = api.post("/api/v1/mentions/bulk/", {"rows": rows}, format="json")
    assert again.json()["created"] == 0 and again.json()["duplicates"] == 1
    assert Mention.objects.count() == 1
    bad = api.post("/api/v1/mentions/bulk/", {"rows": [*rows, {"text": "no ids"}]}, format="json")
    assert bad.status_code == 400 and bad.json()["bad_rows"] == 1
    assert bad.json()["rows"][1]["errors"] == [
        "The source is empty.",
        "The external_id is empty.",
        bad.json()["rows"][1]["errors"][2],
    ]
    assert api_as(people.leader).post("/api/v1/mentions/bulk/", {"rows": rows}, format="json").status_code == 403


def test_mentions_filter_by_topic_time_and_sentiment(api_as, people, make_topic):
    acme = make_topic()
    now = timezone.now()
    services.mentions_ingest(
        actor=people.manager,
        rows=[
            row("Acme is wonderful", now - timedelta(hours=1)),
            row("Acme is terrible", now - timedelta(hours=30)),
            row("Globex is terrible", now - timedelta(hours=2)),
        ],
    )
    api = api_as(people.manager)
    assert api.get(f"/api/v1/mentions/?topic={acme.pk}").json()["count"] == 2
    assert api.get("/api/v1/mentions/?sentiment=negative").json()["count"] == 2
    since = (now - timedelta(hours=5)).isoformat().replace("+00:00", "Z")
    result = api.get("/api/v1/mentions/", {"topic": acme.pk, "since": since}).json()
    assert [m["text"] for m in result["results"]] == ["Acme is wonderful"]
    assert result["results"][0]["sentiment_label"] == "positive" and result["results"][0]["topics"] == [acme.pk]


def test_alert_actions(api_as, people, make_topic):
    alert = _alert(make_topic)
    assert api_as(people.leader).post(f"/api/v1/listening-alerts/{alert.pk}/dismiss/").status_code == 403
    refused = api_as(people.member).post(f"/api/v1/listening-alerts/{alert.pk}/open-incident/", {}, format="json")
    assert refused.status_code == 403 and not CrisisIncident.objects.exists()
    response = api_as(people.manager).post(
        f"/api/v1/listening-alerts/{alert.pk}/open-incident/", {"title": "Acme storm"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (
        body["alert"]["status"] == "incident" and CrisisIncident.objects.get(pk=body["incident"]).title == "Acme storm"
    )
    again = api_as(people.manager).post(f"/api/v1/listening-alerts/{alert.pk}/dismiss/")
    assert again.status_code == 409
    listed = api_as(people.member).get("/api/v1/listening-alerts/?status=incident").json()
    assert listed["count"] == 1 and listed["results"][0]["explanation"].startswith("40 mentions")


def test_alert_dismiss(api_as, people, make_topic):
    alert = _alert(make_topic)
    response = api_as(people.member).post(f"/api/v1/listening-alerts/{alert.pk}/dismiss/")
    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    assert ListeningAlert.objects.get().handled_by == people.member
    assert api_as(people.member).post("/api/v1/listening-alerts/999999/dismiss/").status_code == 404


def test_mention_list_query_count_is_flat(api_as, people, make_topic, django_assert_max_num_queries):
    make_topic()
    now = timezone.now()
    api = api_as(people.manager)
    services.mentions_ingest(
        actor=people.manager, rows=[row(f"Acme {i}", now - timedelta(minutes=i)) for i in range(3)]
    )
    with django_assert_max_num_queries(8):
        api.get("/api/v1/mentions/")
    services.mentions_ingest(
        actor=people.manager, rows=[row(f"Acme x{i}", now - timedelta(minutes=i)) for i in range(60)]
    )
    with django_assert_max_num_queries(8):
        api.get("/api/v1/mentions/")


def test_bulk_refuses_unknown_fields(api_as, people):
    rows = [{**row("Acme", timezone.now()), "sentiment": 1}]
    response = api_as(people.manager).post("/api/v1/mentions/bulk/", {"rows": rows}, format="json")
    assert response.status_code == 400 and "sentiment" in str(response.json())
    assert not Mention.objects.exists()
