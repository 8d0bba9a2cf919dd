"""The dashboard, its drill-down and the KPI pages: who may open them (leadership and CoE all,
liaisons their departments, employees 403, anonymous to sign-in), what they show, filters kept in
the URL, and a query count that does not grow with the data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics.models import Kpi, KpiTarget
from tests.analytics.factories import KpiFactory, KpiTargetFactory, RollupFactory, SnapshotFactory, published_post
from tests.publishing.factories import CampaignFactory, ChannelFactory, ThemeFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("analytics:dashboard")
DRILLDOWN = reverse("analytics:drilldown")


@pytest.fixture
def figures(people):
    """Yesterday's figures on a Marketing and a Customer Service channel, and one post each."""
    day = timezone.localdate() - timedelta(days=1)
    marketing = ChannelFactory(name="Marketing Mastodon", network="mastodon", department=people.marketing)
    service = ChannelFactory(name="Service Bluesky", network="bluesky", department=people.service)
    theme = ThemeFactory(name="How-to")
    RollupFactory(
        channel=marketing, period_start=day, impressions=12345, likes=100, comments=0, shares=0, clicks=0, theme=theme
    )
    RollupFactory(channel=service, period_start=day, impressions=54321, likes=7, comments=0, shares=0, clicks=0)
    for channel, text, likes in ((marketing, "Marketing launch post", 100), (service, "Service tip post", 7)):
        publication = published_post(channel=channel, text=text, theme=theme if channel == marketing else None)
        SnapshotFactory(
            publication=publication,
            captured_at=timezone.now() - timedelta(days=1),
            impressions=1000,
            likes=likes,
        )
    return marketing, service, theme, day


def test_anonymous_goes_to_sign_in(client):
    for url in (DASHBOARD, DRILLDOWN, reverse("analytics:kpis")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["employee", "approver"])
def test_people_without_figures_are_refused(client, people, who):
    client.force_login(getattr(people, who))
    for url in (DASHBOARD, DRILLDOWN, reverse("analytics:kpis"), reverse("analytics:kpi_create")):
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("who", ["manager", "member", "leader"])
def test_coe_and_leadership_see_every_department(client, people, figures, who):
    client.force_login(getattr(people, who))
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "66,666" in html  # impressions of both departments, with thousands separators
    assert "Marketing launch post" in html and "Service tip post" in html
    assert 'data-testid="series-chart"' in html
    data = response.context["chart_data"]
    assert sorted(data["departments"]["labels"]) == ["Customer Service", "Marketing"]


def test_liaison_sees_only_their_department(client, people, figures):
    client.force_login(people.liaison_a)
    html = client.get(DASHBOARD).content.decode()
    assert "12,345" in html and "54,321" not in html
    assert "Service tip post" not in html and "Service Bluesky" not in html
    # asking for the other department's figures shows theirs, never the other's
    html = client.get(DASHBOARD, {"department": people.service.pk}).content.decode()
    assert "54,321" not in html
    drill = client.get(DRILLDOWN, {"department": people.service.pk}).content.decode()
    assert "Service tip post" not in drill


def test_filters_stay_in_the_url_and_reproduce_the_view(client, people, figures):
    marketing, service, theme, day = figures
    client.force_login(people.member)
    query = {
        "range": "custom",
        "since": day.isoformat(),
        "until": day.isoformat(),
        "channel": service.pk,
        "compare": "0",
    }
    response = client.get(DASHBOARD, query)
    html = response.content.decode()
    assert "54,321" in html and "12,345" not in html
    assert f'<option value="{service.pk}" selected>' in html
    assert f"channel={service.pk}" in response.context["chart_data"]["drilldown"]
    assert "range=custom" in response.context["query"]


def test_empty_range_says_where_figures_come_from(client, people):
    client.force_login(people.leader)
    html = client.get(DASHBOARD).content.decode()
    assert 'data-testid="dashboard-empty"' in html
    assert "No figures for this range yet" in html


def test_bad_dates_fall_back_with_a_message(client, people, figures):
    client.force_login(people.member)
    response = client.get(DASHBOARD, {"since": "not-a-date"})
    assert response.status_code == 200
    assert "The dates were not understood" in response.content.decode()


def test_drilldown_lists_the_posts_behind_a_point(client, people, figures):
    marketing, service, theme, day = figures
    client.force_login(people.member)
    response = client.get(DRILLDOWN, {"point": day.isoformat(), "period": "day"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Marketing launch post" in html and "Service tip post" in html
    assert reverse("publishing:post_detail", args=[response.context["publications"][0].post_id]) in html
    # a bar: one theme
    html = client.get(DRILLDOWN, {"theme": theme.pk}).content.decode()
    assert "Marketing launch post" in html and "Service tip post" not in html
    # a day without figures
    empty = client.get(DRILLDOWN, {"point": (day - timedelta(days=3)).isoformat(), "period": "day"})
    assert 'data-testid="drilldown-empty"' in empty.content.decode()
    assert client.get(DRILLDOWN, {"point": "nope"}).status_code == 404


def _grow(people, n: int) -> None:
    """More of everything the dashboard shows: channels, campaigns, themes, rollups, posts, KPIs."""
    today = timezone.localdate()
    for i in range(n):
        department = people.marketing if i % 2 else people.service
        channel = ChannelFactory(department=department)
        campaign, theme = CampaignFactory(), ThemeFactory()
        for back in range(1, 8):
            RollupFactory(channel=channel, period_start=today - timedelta(days=back), campaign=campaign, theme=theme)
        RollupFactory(channel=channel, period="month", period_start=today.replace(day=1), followers=100 + i)
        publication = published_post(channel=channel, text=f"Grown post {i}", campaign=campaign, theme=theme)
        SnapshotFactory(
            publication=publication, captured_at=timezone.now() - timedelta(days=2), impressions=10 * i, likes=i
        )
        kpi = KpiFactory(
            department=department,
            metric=["impressions", "followers", "engagements"][i % 3],
            aggregation=["sum", "latest", "rate"][i % 3],
            denominator="impressions" if i % 3 == 2 else "",
        )
        KpiTargetFactory(kpi=kpi, period_start=today.replace(day=1), target=100)


@pytest.mark.parametrize("who", ["member", "liaison_a"])
def test_dashboard_query_count_does_not_grow(client, people, figures, who, django_assert_max_num_queries):
    client.force_login(getattr(people, who))
    _grow(people, 2)
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as small:
        assert client.get(DASHBOARD).status_code == 200
    _grow(people, 12)
    with django_assert_max_num_queries(len(small)):
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert len(response.context["kpi_statuses"]) > 2
    assert len(small) <= 30


def test_drilldown_query_count_does_not_grow(client, people, figures, django_assert_max_num_queries):
    client.force_login(people.member)
    client.get(DRILLDOWN)
    with CaptureQueriesContext(connection) as small:
        client.get(DRILLDOWN)
    _grow(people, 10)
    with django_assert_max_num_queries(len(small)):
        assert len(client.get(DRILLDOWN).context["publications"]) > 10


# --- KPI pages ------------------------------------------------------------------------------------


def test_kpi_list_per_role(client, people):
    KpiFactory(name="Marketing reach", department=people.marketing)
    KpiFactory(name="Service replies", department=people.service)
    client.force_login(people.leader)
    html = client.get(reverse("analytics:kpis")).content.decode()
    assert "Marketing reach" in html and "Service replies" in html and "New KPI" not in html
    client.force_login(people.liaison_a)
    html = client.get(reverse("analytics:kpis")).content.decode()
    assert "Marketing reach" in html and "Service replies" not in html
    client.force_login(people.member)
    assert "New KPI" in client.get(reverse("analytics:kpis")).content.decode()


def test_coe_member_creates_a_kpi_and_sets_a_target(client, people):
    from coe.models import Objective

    objective = Objective.objects.create(title="Awareness", period_start="2026-01-01", period_end="2026-12-31")
    client.force_login(people.member)
    response = client.post(
        reverse("analytics:kpi_create"),
        {
            "name": "Reach",
            "metric": "reach",
            "aggregation": "sum",
            "cadence": "month",
            "direction": "up",
            "objective": objective.pk,
            "department": people.marketing.pk,
        },
    )
    kpi = Kpi.objects.get(name="Reach")
    assert response.status_code == 302 and response["Location"] == reverse("analytics:kpi_edit", args=[kpi.pk])
    assert (kpi.objective, kpi.department) == (objective, people.marketing)
    response = client.post(
        reverse("analytics:kpi_target_set", args=[kpi.pk]), {"period_start": "2026-02-14", "target": "1500"}
    )
    assert response.status_code == 302
    assert KpiTarget.objects.get(kpi=kpi).period_start.isoformat() == "2026-02-01"
    # a rate without a denominator is refused next to the field, nothing changes
    response = client.post(
        reverse("analytics:kpi_edit", args=[kpi.pk]),
        {"name": "Reach", "metric": "reach", "aggregation": "rate", "cadence": "month", "direction": "up"},
    )
    assert response.status_code == 200 and "A rate divides by another figure" in response.content.decode()
    assert Kpi.objects.get(pk=kpi.pk).aggregation == "sum"
    client.post(reverse("analytics:kpi_deactivate", args=[kpi.pk]))
    assert Kpi.objects.get(pk=kpi.pk).is_active is False


@pytest.mark.parametrize("who", ["leader", "liaison_a"])
def test_only_the_coe_changes_kpis_on_the_pages(client, people, who):
    kpi = KpiFactory(department=people.marketing)
    client.force_login(getattr(people, who))
    assert client.get(reverse("analytics:kpi_create")).status_code == 403
    assert client.get(reverse("analytics:kpi_edit", args=[kpi.pk])).status_code == 403
    assert (
        client.post(
            reverse("analytics:kpi_target_set", args=[kpi.pk]), {"period_start": "2026-01-01", "target": "1"}
        ).status_code
        == 403
    )
    assert client.post(reverse("analytics:kpi_deactivate", args=[kpi.pk])).status_code == 403
    assert not KpiTarget.objects.exists() and Kpi.objects.get(pk=kpi.pk).is_active


def test_unknown_kpi_is_404(client, people):
    client.force_login(people.member)
    assert client.get(reverse("analytics:kpi_edit", args=[999999])).status_code == 404


def test_navigation_and_subnav(client, people):
    client.force_login(people.leader)
    html = client.get(reverse("analytics:kpis")).content.decode()
    assert f'href="{DASHBOARD}"' in html
    assert 'data-testid="analytics-subnav"' in html
    client.force_login(people.employee)
    assert f'href="{DASHBOARD}"' not in client.get("/").content.decode()


def test_home_shows_kpi_tiles_to_leadership_only(client, people):
    KpiFactory(name="Company reach")
    client.force_login(people.leader)
    assert 'data-testid="kpi-panel"' in client.get("/").content.decode()
    client.force_login(people.liaison_a)
    assert 'data-testid="kpi-panel"' not in client.get("/").content.decode()


def test_drilldown_of_a_week_point(client, people, figures):
    marketing, service, theme, day = figures
    client.force_login(people.liaison_b)
    monday = day - timedelta(days=day.weekday())
    response = client.get(DRILLDOWN, {"point": day.isoformat(), "period": "week"})
    assert (response.context["since"], response.context["until"]) == (monday, monday + timedelta(days=6))
    html = response.content.decode()
    assert "The week of" in html
    assert "Service tip post" in html and "Marketing launch post" not in html
