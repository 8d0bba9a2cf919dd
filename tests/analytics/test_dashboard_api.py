"""/api/v1/figures/, /api/v1/kpis/ (with status) and /api/v1/kpi-targets/: the same scope as the
pages (leadership and CoE all, liaisons their departments, employees refused), CoE-only writes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics.models import Kpi, KpiTarget
from tests.analytics.factories import KpiFactory, KpiTargetFactory, RollupFactory
from tests.publishing.factories import ChannelFactory

pytestmark = pytest.mark.django_db

FIGURES = "/api/v1/figures/"
KPIS = "/api/v1/kpis/"
TARGETS = "/api/v1/kpi-targets/"


@pytest.fixture
def rollups(people):
    day = timezone.localdate() - timedelta(days=2)
    marketing = ChannelFactory(department=people.marketing, network="mastodon")
    service = ChannelFactory(department=people.service, network="bluesky")
    RollupFactory(channel=marketing, period_start=day, impressions=1000, likes=50, comments=0, shares=0, clicks=0)
    RollupFactory(channel=service, period_start=day, impressions=3000, likes=30, comments=0, shares=0, clicks=0)
    RollupFactory(
        channel=service, period_start=day - timedelta(days=30), impressions=500, likes=5, comments=0, shares=0, clicks=0
    )
    return marketing, service, day


def test_anonymous_gets_401(api_client):
    for url in (FIGURES, KPIS, TARGETS, KPIS + "status/"):
        assert api_client.get(url).status_code == 401


@pytest.mark.parametrize("who", ["employee", "approver"])
def test_people_without_figures_are_refused(api_as, people, who):
    client = api_as(getattr(people, who))
    for url in (FIGURES, KPIS, TARGETS, KPIS + "status/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json()["error"]["message"]


def test_figures_for_the_coe(api_as, people, rollups):
    data = api_as(people.leader).get(FIGURES, {"group_by": "network"}).json()
    assert data["period"] == "day" and len(data["series"]) == 30
    assert data["totals"]["impressions"] == 4000
    assert data["totals"]["engagements"] == 80
    assert data["totals"]["engagement_rate"] == "2.00"
    assert data["previous"]["impressions"] == 500
    assert data["change"]["impressions"] == "700.00"
    assert {row["key"]: row["impressions"] for row in data["groups"]} == {"mastodon": 1000, "bluesky": 3000}


def test_figures_for_a_liaison_are_their_departments(api_as, people, rollups):
    marketing, service, day = rollups
    client = api_as(people.liaison_a)
    assert client.get(FIGURES).json()["totals"]["impressions"] == 1000
    assert client.get(FIGURES, {"department": people.service.pk}).json()["totals"]["impressions"] == 1000
    assert client.get(FIGURES, {"channel": service.pk}).json()["totals"]["impressions"] == 0


def test_figures_filters_and_errors(api_as, people, rollups):
    marketing, service, day = rollups
    client = api_as(people.member)
    data = client.get(
        FIGURES, {"since": day.isoformat(), "until": day.isoformat(), "compare": "0", "period": "week"}
    ).json()
    assert data["previous"] is None and data["totals"]["impressions"] == 4000 and data["period"] == "week"
    bad = client.get(FIGURES, {"since": "soon"})
    assert bad.status_code == 400 and "dates" in bad.json()["error"]["message"]
    assert client.get(FIGURES, {"group_by": "mood"}).status_code == 400
    assert client.get(FIGURES, {"period": "year"}).status_code == 400


def test_kpis_read_with_status_scoped(api_as, people, rollups):
    mine = KpiFactory(name="Marketing impressions", department=people.marketing)
    KpiTargetFactory(kpi=mine, period_start=timezone.localdate().replace(day=1), target=10)
    KpiFactory(name="Service impressions", department=people.service)
    KpiFactory(name="Company impressions")
    leader = api_as(people.leader).get(KPIS).json()
    assert leader["count"] == 3
    liaison = api_as(people.liaison_a).get(KPIS).json()
    assert [row["name"] for row in liaison["results"]] == ["Marketing impressions"]
    status = liaison["results"][0]["status"]
    assert status["target"] == "10.0000" and status["status"] in {"on_track", "at_risk", "off_track", "no_data"}
    assert status["trend"] in {"up", "down", "flat", "none"}
    other = KpiFactory(department=people.service)
    assert api_as(people.liaison_a).get(f"{KPIS}{other.pk}/").status_code == 404
    listing = api_as(people.liaison_a).get(KPIS + "status/", {"periods_back": 2}).json()
    assert [row["name"] for row in listing] == ["Marketing impressions"] and len(listing[0]["history"]) == 3


def test_kpi_list_query_count_is_flat(api_as, people, rollups, django_assert_max_num_queries):
    client = api_as(people.member)
    for _ in range(2):
        KpiTargetFactory(kpi=KpiFactory(department=people.marketing))
    client.get(KPIS)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(KPIS)
    for _ in range(15):
        KpiTargetFactory(kpi=KpiFactory(department=people.service))
    with django_assert_max_num_queries(len(small)):
        assert client.get(KPIS).json()["count"] == 17


def test_coe_writes_kpis_and_targets(api_as, people):
    client = api_as(people.member)
    response = client.post(
        KPIS,
        {
            "name": "Engagement rate",
            "metric": "engagements",
            "aggregation": "rate",
            "denominator": "impressions",
            "department": people.marketing.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    kpi_id = response.json()["id"]
    assert client.patch(f"{KPIS}{kpi_id}/", {"cadence": "quarter"}, format="json").json()["cadence"] == "quarter"
    bad = client.patch(f"{KPIS}{kpi_id}/", {"denominator": ""}, format="json")
    assert bad.status_code == 400 and "denominator" in bad.json()["error"]["fields"]
    assert client.patch(f"{KPIS}{kpi_id}/", {"status": "on_track"}, format="json").status_code == 400
    target = client.post(TARGETS, {"kpi": kpi_id, "period_start": "2026-05-20", "target": "3.5"}, format="json")
    assert target.status_code == 201 and target.json()["period_start"] == "2026-04-01"
    again = client.post(TARGETS, {"kpi": kpi_id, "period_start": "2026-04-02", "target": "4"}, format="json")
    assert again.json()["id"] == target.json()["id"] and KpiTarget.objects.get().target == Decimal("4")
    assert client.delete(f"{TARGETS}{target.json()['id']}/").status_code == 204
    assert not KpiTarget.objects.exists()
    assert client.post(f"{KPIS}{kpi_id}/deactivate/").json()["is_active"] is False


@pytest.mark.parametrize("who", ["leader", "liaison_a"])
def test_readers_cannot_write(api_as, people, who):
    kpi = KpiFactory(department=people.marketing)
    client = api_as(getattr(people, who))
    assert client.post(KPIS, {"name": "X", "metric": "reach"}, format="json").status_code == 403
    assert client.patch(f"{KPIS}{kpi.pk}/", {"name": "Y"}, format="json").status_code == 403
    assert (
        client.post(TARGETS, {"kpi": kpi.pk, "period_start": "2026-01-01", "target": "1"}, format="json").status_code
        == 403
    )
    assert client.post(f"{KPIS}{kpi.pk}/deactivate/").status_code == 403
    assert Kpi.objects.get(pk=kpi.pk).name != "Y" and not KpiTarget.objects.exists()


def test_a_liaison_cannot_target_another_departments_kpi(api_as, people):
    other = KpiFactory(department=people.service)
    response = api_as(people.member).post(
        TARGETS, {"kpi": other.pk, "period_start": date(2026, 1, 1).isoformat(), "target": "1"}, format="json"
    )
    assert response.status_code == 201  # the CoE may
    assert api_as(people.liaison_a).get(f"{TARGETS}{response.json()['id']}/").status_code == 404
