"""The dashboard's figures selector against hand-computed rollup rows: totals, the previous period
of the same length, series with gaps filled, breakdowns, scoping per role, and posts' figures from
snapshots (latest in the range minus latest before it)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import timezone

from analytics.selectors import figures
from tests.analytics.factories import RollupFactory, SnapshotFactory, published_post
from tests.publishing.factories import CampaignFactory, ChannelFactory, ThemeFactory

pytestmark = pytest.mark.django_db

JAN = date(2026, 1, 1)


@pytest.fixture
def world(people):
    marketing = ChannelFactory(name="Marketing Mastodon", network="mastodon", department=people.marketing)
    service = ChannelFactory(name="Service Bluesky", network="bluesky", department=people.service)
    theme = ThemeFactory(name="Tips")
    campaign = CampaignFactory(name="Launch")
    # January 10 and 11 (the range), and January 3 (the previous period of 2 days is Jan 8–9: none)
    RollupFactory(
        channel=marketing,
        period_start=date(2026, 1, 10),
        impressions=1000,
        likes=40,
        comments=5,
        shares=3,
        clicks=2,
        theme=theme,
    )
    RollupFactory(
        channel=marketing,
        period_start=date(2026, 1, 11),
        impressions=500,
        likes=10,
        comments=0,
        shares=0,
        clicks=0,
        campaign=campaign,
    )
    RollupFactory(
        channel=service, period_start=date(2026, 1, 11), impressions=2000, likes=20, comments=10, shares=5, clicks=5
    )
    RollupFactory(
        channel=service, period_start=date(2026, 1, 8), impressions=100, likes=1, comments=0, shares=0, clicks=0
    )
    RollupFactory(
        channel=marketing, period_start=date(2026, 1, 9), impressions=300, likes=3, comments=0, shares=0, clicks=0
    )
    # rows of other period kinds are never mixed into daily sums
    RollupFactory(channel=marketing, period="week", period_start=date(2026, 1, 5), impressions=99999)
    return marketing, service, theme, campaign


def test_totals_sum_the_range_and_compare_with_the_previous_period(world, people):
    totals = figures.figures_totals(user=people.manager, since=date(2026, 1, 10), until=date(2026, 1, 11))
    assert totals.current["impressions"] == 3500
    assert totals.current["engagements"] == 50 + 10 + 40
    assert totals.current["engagement_rate"] == Decimal("2.86")  # 100 / 3500
    # previous: Jan 8–9
    assert totals.previous["impressions"] == 400
    assert totals.previous["engagements"] == 4
    assert totals.change["impressions"] == Decimal("775.0")
    assert totals.change["engagement_rate"] == Decimal("2.86") - Decimal("1.00")


def test_totals_without_comparison(world, people):
    totals = figures.figures_totals(
        user=people.manager, since=date(2026, 1, 10), until=date(2026, 1, 11), compare=False
    )
    assert totals.previous is None
    assert totals.current["posts"] == 3


def test_liaison_sees_only_their_department(world, people):
    totals = figures.figures_totals(user=people.liaison_a, since=date(2026, 1, 10), until=date(2026, 1, 11))
    assert totals.current["impressions"] == 1500
    # asking for another department changes nothing: the scope is applied first
    other = figures.figures_totals(
        user=people.liaison_a, since=date(2026, 1, 10), until=date(2026, 1, 11), department_ids=[people.service.pk]
    )
    assert other.current["impressions"] == 0


def test_employee_sees_nothing(world, people):
    totals = figures.figures_totals(user=people.employee, since=date(2026, 1, 1), until=date(2026, 1, 31))
    assert totals.is_empty


def test_series_fills_empty_days_and_keeps_order(world, people):
    series = figures.figures_series(user=people.leader, since=date(2026, 1, 9), until=date(2026, 1, 12), period="day")
    assert [row["period_start"] for row in series] == [date(2026, 1, d) for d in (9, 10, 11, 12)]
    assert [row["impressions"] for row in series] == [300, 1000, 2500, 0]
    assert series[3]["engagement_rate"] is None


def test_series_by_week_uses_week_rows(world, people):
    series = figures.figures_series(user=people.leader, since=date(2026, 1, 7), until=date(2026, 1, 12), period="week")
    assert [(row["period_start"], row["impressions"]) for row in series] == [
        (date(2026, 1, 5), 99999),
        (date(2026, 1, 12), 0),
    ]


def test_filters_narrow_by_channel_and_campaign(world, people):
    marketing, service, theme, campaign = world
    since, until = date(2026, 1, 10), date(2026, 1, 11)
    assert (
        figures.figures_totals(user=people.manager, since=since, until=until, channel_ids=[service.pk]).current[
            "impressions"
        ]
        == 2000
    )
    assert (
        figures.figures_totals(user=people.manager, since=since, until=until, campaign_ids=[campaign.pk]).current[
            "impressions"
        ]
        == 500
    )
    assert (
        figures.figures_totals(user=people.manager, since=since, until=until, theme_ids=[theme.pk]).current[
            "impressions"
        ]
        == 1000
    )


def test_breakdowns(world, people):
    since, until = date(2026, 1, 10), date(2026, 1, 11)
    departments = figures.figures_totals(user=people.manager, since=since, until=until, group_by="department")
    assert [(row["label"], row["impressions"], row["engagements"]) for row in departments] == [
        ("Marketing", 1500, 60),
        ("Customer Service", 2000, 40),
    ]
    networks = figures.figures_totals(user=people.manager, since=since, until=until, group_by="network")
    assert {row["key"]: row["impressions"] for row in networks} == {"mastodon": 1500, "bluesky": 2000}
    themes = figures.figures_totals(user=people.manager, since=since, until=until, group_by="theme")
    assert {row["label"]: row["engagement_rate"] for row in themes} == {"Tips": Decimal("5.00"), "—": Decimal("2.00")}


def test_comparison_period_is_the_same_length_just_before():
    assert figures.previous_range(date(2026, 3, 1), date(2026, 3, 31)) == (date(2026, 1, 29), date(2026, 2, 28))


def at(day: int, hour: int = 12):
    return timezone.make_aware(datetime(2026, 1, day, hour))


def test_posts_figures_are_latest_in_range_minus_latest_before(people):
    channel = ChannelFactory(department=people.marketing)
    early = published_post(channel=channel, text="Early post")
    late = published_post(channel=channel, text="Late post")
    hidden = published_post(channel=ChannelFactory(department=people.service), text="Service post")
    SnapshotFactory(publication=early, captured_at=at(5), impressions=100, likes=10)
    SnapshotFactory(publication=early, captured_at=at(10), impressions=400, likes=30, clicks=5)
    SnapshotFactory(publication=early, captured_at=at(20), impressions=999, likes=99)  # after the range
    SnapshotFactory(publication=late, captured_at=at(11), impressions=50, likes=2)
    SnapshotFactory(publication=hidden, captured_at=at(11), impressions=5000, likes=500)
    rows = figures.publication_figures(user=people.manager, since=date(2026, 1, 8), until=date(2026, 1, 12))
    assert [(row.pk, row.engagements, row.impressions) for row in rows] == [
        (hidden.pk, 500, 5000),
        (early.pk, 25, 300),
        (late.pk, 2, 50),
    ]
    bottom = figures.publication_figures(
        user=people.liaison_a, since=date(2026, 1, 8), until=date(2026, 1, 12), order="engagements"
    )
    assert [row.pk for row in bottom] == [late.pk, early.pk]
    by_rate = figures.publication_figures(
        user=people.manager, since=date(2026, 1, 8), until=date(2026, 1, 12), order="-engagement_rate"
    )
    assert [row.pk for row in by_rate] == [hidden.pk, early.pk, late.pk]
    assert by_rate[1].engagement_rate == Decimal("8.33")


def test_filters_from_the_querystring(people):
    today = date(2026, 5, 20)
    params = QueryDict(
        f"range=custom&since=2026-01-01&until=2026-01-31&compare=0&department={people.marketing.pk}&channel=7"
        "&metric=clicks"
    )
    filters = figures.filters_from(params, user=people.manager, today=today)
    assert (filters.since, filters.until, filters.compare, filters.metric) == (
        date(2026, 1, 1),
        date(2026, 1, 31),
        False,
        "clicks",
    )
    assert filters.department_ids == (people.marketing.pk,) and filters.channel_ids == (7,)
    # the same URL gives the same filters
    again = figures.filters_from(
        QueryDict("&".join(f"{k}={v}" for k, v in filters.as_query())), user=people.manager, today=today
    )
    assert again == filters
    quarter = figures.filters_from(QueryDict("range=quarter"), user=people.manager, today=today)
    assert (quarter.since, quarter.until) == (date(2026, 4, 1), today)
    bad = figures.filters_from(QueryDict("since=yesterday"), user=people.manager, today=today)
    assert bad.errors and bad.since == today - timedelta(days=29)
    # a liaison cannot put another department in the filter
    liaison = figures.filters_from(QueryDict(f"department={people.service.pk}"), user=people.liaison_a, today=today)
    assert liaison.department_ids is None


def test_overview_matches_the_separate_queries(world, people):
    since, until = date(2026, 1, 9), date(2026, 1, 11)
    for user in (people.manager, people.liaison_a):
        overview = figures.figures_overview(user=user, since=since, until=until, period="day")
        totals = figures.figures_totals(user=user, since=since, until=until)
        assert overview.totals.current == totals.current
        assert overview.totals.previous == totals.previous
        assert overview.totals.change == totals.change
        series = figures.figures_series(user=user, since=since, until=until, period="day")
        assert [row["impressions"] for row in overview.series] == [row["impressions"] for row in series]
        for group, rows in (
            ("channel", overview.channels),
            ("department", overview.departments),
            ("theme", overview.themes),
        ):
            expected = figures.figures_totals(user=user, since=since, until=until, group_by=group)
            assert {row["key"]: row["engagements"] for row in rows} == {
                row["key"]: row["engagements"] for row in expected
            }


def test_whole_months_come_from_month_rows(people):
    channel = ChannelFactory(department=people.marketing)
    # January as a month row (the days are not there), and two days around it
    RollupFactory(channel=channel, period="month", period_start=date(2026, 1, 1), impressions=31000)
    RollupFactory(channel=channel, period="day", period_start=date(2025, 12, 31), impressions=5)
    RollupFactory(channel=channel, period="day", period_start=date(2026, 2, 1), impressions=7)
    RollupFactory(channel=channel, period="day", period_start=date(2026, 2, 2), impressions=1000)  # after the range
    totals = figures.figures_totals(user=people.manager, since=date(2025, 12, 31), until=date(2026, 2, 1))
    assert totals.current["impressions"] == 31012
    overview = figures.figures_overview(
        user=people.manager, since=date(2025, 12, 31), until=date(2026, 2, 1), period="week"
    )
    assert overview.totals.current["impressions"] == 31012
    # a range inside one month uses day rows only
    assert (
        figures.figures_totals(user=people.manager, since=date(2026, 2, 1), until=date(2026, 2, 2)).current[
            "impressions"
        ]
        == 1007
    )


def test_top_and_bottom_posts(people):
    channel = ChannelFactory(department=people.marketing)
    posts = [published_post(channel=channel, text=f"Post {n}", published_at=at(9)) for n in range(5)]
    for n, publication in enumerate(posts):
        SnapshotFactory(
            publication=publication, captured_at=at(10), impressions=100 * (5 - n) if n else 0, likes=10 * n
        )
    # published before the range: however well it still does, it is not one of this range's posts
    old = published_post(channel=channel, text="Old post", published_at=at(2))
    SnapshotFactory(publication=old, captured_at=at(10), impressions=10_000, likes=5_000)
    # figures after the range's end do not count
    SnapshotFactory(publication=posts[0], captured_at=at(20), impressions=100_000, likes=90_000)
    top, bottom = figures.top_and_bottom_posts(
        user=people.manager, since=date(2026, 1, 8), until=date(2026, 1, 12), limit=2
    )
    assert [row.pk for row in top] == [posts[4].pk, posts[3].pk]
    assert [row.pk for row in bottom] == [posts[0].pk, posts[1].pk]
    assert top[0].engagements == 40 and top[0].engagement_rate == Decimal("40.00")
    top, bottom = figures.top_and_bottom_posts(
        user=people.manager, since=date(2026, 1, 8), until=date(2026, 1, 12), limit=3, rank="engagement_rate"
    )
    # post 0 has no impressions: no rate, left out; rates 10/400, 20/300, 30/200, 40/100
    assert [row.pk for row in top] == [posts[4].pk, posts[3].pk, posts[2].pk]
    assert [row.pk for row in bottom] == [posts[1].pk]
    assert figures.top_and_bottom_posts(user=people.liaison_b, since=date(2026, 1, 8), until=date(2026, 1, 12)) == (
        [],
        [],
    )
