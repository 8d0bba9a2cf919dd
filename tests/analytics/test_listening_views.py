"""Listening pages: who may see them (CoE staff only), what they show, their actions (dismiss,
declare an incident, topics with the terms preview, CSV import) and flat query counts."""

# ruff: noqa: F811 - the listening fixtures are imported, then named as test arguments

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from analytics.models import ListeningAlert, ListeningTopic, Mention
from analytics.services import listening as services
from governance.models import CrisisIncident
from tests.analytics.listening_helpers import make_topic, row, series  # noqa: F401
from tests.governance.crisis_fixtures import crisis  # noqa: F401
from tests.publishing.conftest import later, pub  # noqa: F401

pytestmark = pytest.mark.django_db

PAGES = [
    "/analytics/listening/",
    "/analytics/listening/mentions/",
    "/analytics/listening/topics/",
]


def _recent_alert(people, make_topic, name="Acme", terms="acme"):
    topic = make_topic(name=name, any_terms=terms, baseline_hours=24)
    last = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    series(topic, {last: 40})
    return services.alerts_detect()[0]


def _mentions(people, n: int, terms=("Acme", "Globex")):
    now = timezone.now()
    services.mentions_ingest(
        actor=people.manager,
        rows=[
            row(f"{terms[i % len(terms)]} is great number {i}", now - timedelta(minutes=7 * i + 1)) for i in range(n)
        ],
    )
    services.topic_hours_recompute(since=now - timedelta(days=8), until=now)


@pytest.mark.parametrize("url", PAGES)
def test_coe_staff_see_the_listening_pages(client, people, make_topic, url):
    make_topic()
    for person in (people.manager, people.member):
        client.force_login(person)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [*PAGES, "/analytics/listening/mentions/import/", "/analytics/listening/topics/new/"])
def test_leaders_liaisons_and_employees_are_refused(client, people, url):
    for person in (people.leader, people.liaison_a, people.liaison_b, people.employee):
        client.force_login(person)
        assert client.get(url).status_code == 403, person


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_people_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_listening_page_shows_open_alerts_charts_and_latest_mentions(client, people, make_topic):
    alert = _recent_alert(people, make_topic)
    _mentions(people, 8)
    client.force_login(people.manager)
    response = client.get("/analytics/listening/?range=24h")
    page = response.content.decode()
    assert "Volume spike: Acme" in page and f"/analytics/listening/alerts/{alert.pk}/declare/" in page
    assert page.count('data-testid="mention"') == 4  # the 4 Acme mentions, newest first
    charts = response.context["charts"]
    assert len(charts[str(alert.topic_id)]["labels"]) == 24
    assert sum(charts[str(alert.topic_id)]["volume"]) == 4  # the constructed hour had no mentions: recomputed away
    assert 'id="listening-data"' in page


def test_a_member_who_may_not_declare_sees_dismiss_only(client, people, make_topic):
    alert = _recent_alert(people, make_topic)
    client.force_login(people.member)
    page = client.get("/analytics/listening/").content.decode()
    assert "Dismiss" in page and f"/alerts/{alert.pk}/declare/" not in page
    assert client.get(f"/analytics/listening/alerts/{alert.pk}/declare/").status_code == 403


def test_long_ranges_are_drawn_per_day(client, people, make_topic):
    make_topic()
    client.force_login(people.manager)
    response = client.get("/analytics/listening/?range=30d")
    assert response.context["overview"].hourly is False
    assert len(next(iter(response.context["charts"].values()))["labels"]) in (30, 31)


def test_dismiss_from_the_page(client, people, make_topic):
    alert = _recent_alert(people, make_topic)
    client.force_login(people.member)
    response = client.post(f"/analytics/listening/alerts/{alert.pk}/dismiss/")
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == ListeningAlert.Status.DISMISSED
    client.post(f"/analytics/listening/alerts/{alert.pk}/dismiss/")  # again: a message, no change
    page = client.get("/analytics/listening/").content.decode()
    assert 'data-testid="listening-alert"' not in page and 'data-testid="handled-alert"' in page
    assert f"dismissed by {people.member.display_name}" in page
    client.force_login(people.leader)
    assert client.post(f"/analytics/listening/alerts/{alert.pk}/dismiss/").status_code == 403


def test_a_hidden_or_missing_alert_is_404(client, people):
    client.force_login(people.manager)
    assert client.post("/analytics/listening/alerts/999999/dismiss/").status_code == 404
    assert client.get("/analytics/listening/alerts/999999/declare/").status_code == 404


def test_declare_from_an_alert_prefills_and_lands_on_the_incident(client, crisis, make_topic):
    alert = _recent_alert(crisis, make_topic)
    client.force_login(crisis.manager)
    form = client.get(f"/analytics/listening/alerts/{alert.pk}/declare/").context["form"]
    assert form.initial["title"].startswith("Social listening: Acme")
    assert form.initial["plan"] == crisis.plan
    response = client.post(
        f"/analytics/listening/alerts/{alert.pk}/declare/",
        {
            "plan": crisis.plan.pk,
            "title": "Acme checkout outrage",
            "severity": "high",
            "all_channels": "on",
            "first_statement": "We know checkout is failing; update by 15:00.",
        },
    )
    incident = CrisisIncident.objects.get()
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    alert.refresh_from_db()
    assert alert.status == "incident" and alert.incident == incident and incident.plan == crisis.plan
    # Once escalated, the same link leads to the incident.
    assert client.get(f"/analytics/listening/alerts/{alert.pk}/declare/")["Location"] == incident.get_absolute_url()


def test_declare_form_shows_the_rule_errors(client, crisis, make_topic):
    alert = _recent_alert(crisis, make_topic)
    client.force_login(crisis.manager)
    response = client.post(
        f"/analytics/listening/alerts/{alert.pk}/declare/",
        {"title": "X", "severity": "high", "first_statement": "Y"},  # no channels, not all channels
    )
    assert response.status_code == 200 and not CrisisIncident.objects.exists()
    assert response.context["form"].errors


def test_topic_create_edit_and_preview(client, people, make_topic):
    _mentions(people, 4)
    client.force_login(people.member)
    response = client.post(
        "/analytics/listening/topics/new/",
        {"name": "Globex", "any_terms": "globex", "spike_z": "3", "baseline_hours": "168", "negative_turn": "0.4",
         "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    topic = ListeningTopic.objects.get(name="Globex")
    assert topic.mentions.count() == 2
    response = client.post(
        f"/analytics/listening/topics/{topic.pk}/",
        {"name": "Globex", "any_terms": "", "spike_z": "3", "baseline_hours": "168", "negative_turn": "0.4"},
    )
    assert response.status_code == 200 and "any_terms" in response.context["form"].errors
    preview = client.post("/analytics/listening/topics/preview/", {"any_terms": "acme\nglobex", "exclude_terms": "3"})
    assert preview.status_code == 200 and preview.context["count"] == 3 and preview.context["tried"] == 4
    client.force_login(people.leader)
    assert client.post("/analytics/listening/topics/preview/", {"any_terms": "acme"}).status_code == 403
    assert client.get(f"/analytics/listening/topics/{topic.pk}/").status_code == 403


def test_mentions_import_page(client, people, make_topic):
    make_topic()
    content = (
        "source,external_id,author,text,url,posted_at\n"
        "forum,1,ann,Acme is lovely,https://example.org/1,2026-11-20T09:00:00Z\n"
        "forum,2,bob,,https://example.org/2,2026-11-20T09:00:00Z\n"
    )
    client.force_login(people.member)
    upload = SimpleUploadedFile("m.csv", content.encode(), content_type="text/csv")
    response = client.post("/analytics/listening/mentions/import/", {"file": upload, "mode": "all_or_nothing"})
    assert response.status_code == 200 and response.context["report"].created == 0
    assert "The text is empty." in response.content.decode() and Mention.objects.count() == 0
    upload = SimpleUploadedFile("m.csv", content.encode(), content_type="text/csv")
    response = client.post("/analytics/listening/mentions/import/", {"file": upload, "mode": "good_rows"})
    assert response.context["report"].created == 1 and Mention.objects.count() == 1


def test_mention_list_filters_and_pages(client, people, make_topic):
    acme = make_topic()
    _mentions(people, 60)
    client.force_login(people.manager)
    response = client.get(f"/analytics/listening/mentions/?topic={acme.pk}&page=2")
    assert response.context["page"].paginator.count == 30 and response.context["page"].number == 2
    assert client.get("/analytics/listening/mentions/?sentiment=negative").context["page"].paginator.count == 0


@pytest.mark.parametrize("url", ["/analytics/listening/?range=7d", "/analytics/listening/mentions/"])
def test_query_counts_do_not_grow_with_data(client, people, make_topic, django_assert_max_num_queries, url):
    make_topic()
    make_topic(name="Globex", any_terms="globex")
    services.alert_dismiss(
        actor=people.member, alert=_recent_alert(people, make_topic, name="Initech", terms="initech")
    )
    client.force_login(people.manager)
    _mentions(people, 6)
    with django_assert_max_num_queries(13):
        client.get(url)
    _mentions(people, 120, terms=("Acme", "Globex", "Initech"))
    with django_assert_max_num_queries(13):
        client.get(url)


def test_admin_lists_listening_records(admin_client, people, make_topic):
    _recent_alert(people, make_topic)
    _mentions(people, 3)
    for model in ("listeningtopic", "mention", "topichour", "listeningalert"):
        assert admin_client.get(f"/admin/analytics/{model}/").status_code == 200, model
    assert admin_client.get("/admin/analytics/mention/add/").status_code == 403


def test_hourly_sentiment_line_is_a_rolling_average(people, make_topic):
    from analytics.selectors import listening as selectors

    topic = make_topic()
    now = timezone.now()
    last = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    series(topic, {last - timedelta(hours=2): (3, 0.6), last: (1, -0.6)})
    item = selectors.listening_overview(user=people.manager, range_key="24h", now=now).topics[0]
    assert item.volume[-3:] == [3, 0, 1]
    assert item.sentiment[-3:] == [0.6, 0.6, pytest.approx((3 * 0.6 - 0.6) / 4)]
    assert item.total == 4 and item.sentiment_avg == pytest.approx(0.3)
    assert selectors.listening_overview(user=people.leader).topics == []


def test_hours_line_up_in_a_zone_half_an_hour_off_utc(people, make_topic):
    from analytics.selectors import listening as selectors

    topic = make_topic()
    now = timezone.now()
    last = now.replace(minute=0, second=0, microsecond=0)
    series(topic, {last - timedelta(hours=3): 4})
    with timezone.override("Asia/Kolkata"):
        item = selectors.listening_overview(user=people.manager, range_key="24h", now=now).topics[0]
    assert item.total == 4 and sum(item.volume) == 4 and item.labels[-1].endswith(":30")


def test_mentions_of_one_hour_for_the_chart_drill_down(client, people, make_topic):
    acme = make_topic()
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    services.mentions_ingest(
        actor=people.manager,
        rows=[row("Acme in the hour", hour + timedelta(minutes=m)) for m in (1, 30, 59)]
        + [row("Acme before", hour - timedelta(minutes=1)), row("Acme after", hour + timedelta(minutes=60))],
    )
    client.force_login(people.manager)
    response = client.get(
        "/analytics/listening/mentions/",
        {"topic": acme.pk, "since": hour.isoformat(), "until": (hour + timedelta(hours=1)).isoformat()},
    )
    assert response.context["page"].paginator.count == 3
    assert "any time" in response.content.decode()
    overview = client.get("/analytics/listening/?range=24h").context["charts"][str(acme.pk)]
    assert len(overview["starts"]) == len(overview["labels"]) + 1
    assert client.get("/analytics/listening/mentions/?since=nonsense").status_code == 200
