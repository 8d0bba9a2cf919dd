"""Rollups in SQL against the plain-Python reference: random series with counter resets,
out-of-order and late arrival, several publications and channels, day / week / month;
idempotency; incremental (dirty days) equals a full rebuild."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.models import DirtyDay, MetricRollup, MetricSnapshot
from analytics.services.ingest import snapshots_ingest
from analytics.services.rollups import rollups_recompute, rollups_recompute_dirty
from tests.analytics.factories import published_post
from tests.analytics.rollup_reference import normalised, reference_rollups, stored_rollups
from tests.publishing.factories import CampaignFactory, ChannelFactory, ThemeFactory

BASE = datetime(2025, 12, 20, tzinfo=UTC)  # a Saturday: weeks span the new year and two months


@pytest.fixture
def world(people):
    campaign, theme = CampaignFactory(), ThemeFactory()
    a = ChannelFactory(department=people.marketing)
    b = ChannelFactory(department=people.service)
    publications = [
        published_post(channel=a),
        published_post(channel=a, campaign=campaign),
        published_post(channel=b, theme=theme),
        published_post(channel=b, campaign=campaign, theme=theme),
    ]
    return SimpleNamespace(channels=[a, b], publications=publications)


counter = st.integers(min_value=0, max_value=500)
snapshot = st.tuples(
    st.integers(min_value=0, max_value=3),  # publication, or a channel's followers when >= 4
    st.integers(min_value=0, max_value=60 * 24 * 45),  # minutes after BASE
    counter,
    counter,
    st.integers(min_value=0, max_value=20),
)
follower = st.tuples(st.integers(min_value=0, max_value=1), st.integers(min_value=0, max_value=60 * 24 * 45), counter)


def _rows(world, snaps, followers) -> list[dict]:
    rows = []
    for index, minutes, impressions, likes, conversions in snaps:
        rows.append(
            {
                "publication_id": world.publications[index].pk,
                "captured_at": (BASE + timedelta(minutes=minutes)).isoformat(),
                "impressions": impressions,
                "likes": likes,
                "conversions": conversions,
                "conversion_value": str(Decimal(conversions) * Decimal("12.50")),
            }
        )
    for channel, minutes, value in followers:
        rows.append(
            {
                "channel_id": world.channels[channel].pk,
                "captured_at": (BASE + timedelta(minutes=minutes)).isoformat(),
                "followers": value,
            }
        )
    return rows


def _reset():
    MetricSnapshot.objects.all().delete()
    MetricRollup.objects.all().delete()
    DirtyDay.objects.all().delete()


def _full():
    first = MetricSnapshot.objects.order_by("captured_at").first()
    last = MetricSnapshot.objects.order_by("captured_at").last()
    if first:
        rollups_recompute(since=first.captured_at.date(), until=last.captured_at.date())


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(snaps=st.lists(snapshot, max_size=30), followers=st.lists(follower, max_size=8))
def test_full_rollup_matches_the_reference(world, snaps, followers):
    _reset()
    report = snapshots_ingest(actor=None, rows=_rows(world, snaps, followers), source="api")
    assert not report.errors
    _full()
    assert stored_rollups() == normalised(reference_rollups())


@SETTINGS
@given(
    snaps=st.lists(snapshot, min_size=1, max_size=30),
    followers=st.lists(follower, max_size=6),
    split=st.floats(min_value=0, max_value=1),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_incremental_with_late_out_of_order_snapshots_equals_full(world, snaps, followers, split, seed):
    _reset()
    rows = _rows(world, snaps, followers)
    random.Random(seed).shuffle(rows)
    cut = int(len(rows) * split)
    snapshots_ingest(actor=None, rows=rows[:cut], source="api")
    rollups_recompute_dirty()
    snapshots_ingest(actor=None, rows=rows[cut:], source="api")
    rollups_recompute_dirty()
    assert not DirtyDay.objects.exists()
    incremental = stored_rollups()
    assert incremental == normalised(reference_rollups())
    _full()
    assert stored_rollups() == incremental


def test_counter_reset_counts_from_zero_and_first_snapshot_counts_in_full(world):
    publication = world.publications[0]
    at = datetime(2026, 1, 5, 9, tzinfo=UTC)
    snapshots_ingest(
        actor=None,
        source="api",
        rows=[
            {"publication_id": publication.pk, "captured_at": at.isoformat(), "impressions": 100},
            {"publication_id": publication.pk, "captured_at": (at + timedelta(days=1)).isoformat(), "impressions": 150},
            # the network reset its counter: 30 is new since the reset
            {"publication_id": publication.pk, "captured_at": (at + timedelta(days=2)).isoformat(), "impressions": 30},
        ],
    )
    rollups_recompute(since=date(2026, 1, 5), until=date(2026, 1, 7))
    days = dict(MetricRollup.objects.filter(period="day").values_list("period_start", "impressions"))
    assert days == {date(2026, 1, 5): 100, date(2026, 1, 6): 50, date(2026, 1, 7): 30}
    week = MetricRollup.objects.get(period="week")
    assert (week.period_start, week.impressions, week.posts) == (date(2026, 1, 5), 180, 1)


def test_running_twice_gives_the_same_rows_and_stale_rows_go(world):
    publication = world.publications[1]
    at = datetime(2026, 1, 10, 12, tzinfo=UTC)
    snapshots_ingest(
        actor=None,
        source="api",
        rows=[{"publication_id": publication.pk, "captured_at": at.isoformat(), "impressions": 10, "likes": 1}],
    )
    rollups_recompute(since=date(2026, 1, 1), until=date(2026, 1, 31))
    first = stored_rollups()
    rollups_recompute(since=date(2026, 1, 1), until=date(2026, 1, 31))
    assert stored_rollups() == first and len(first) == 3
    MetricSnapshot.objects.all().delete()
    rollups_recompute(since=date(2026, 1, 1), until=date(2026, 1, 31))
    assert not MetricRollup.objects.exists()


def test_followers_sit_on_the_channels_own_row_carried_to_the_period_end(world):
    channel = world.channels[0]
    snapshots_ingest(
        actor=None,
        source="api",
        rows=[
            {"channel_id": channel.pk, "captured_at": "2026-01-05T08:00:00Z", "followers": 1000},
            {"channel_id": channel.pk, "captured_at": "2026-01-07T08:00:00Z", "followers": 1040},
        ],
    )
    rollups_recompute(since=date(2026, 1, 5), until=date(2026, 1, 7))
    rows = {(r.period, r.period_start): r.followers for r in MetricRollup.objects.filter(channel=channel)}
    assert rows[("day", date(2026, 1, 5))] == 1000
    assert rows[("day", date(2026, 1, 7))] == 1040
    assert rows[("week", date(2026, 1, 5))] == 1040
    assert rows[("month", date(2026, 1, 1))] == 1040
    assert ("day", date(2026, 1, 6)) not in rows


def test_dirty_days_are_taken_and_their_weeks_and_months_recomputed(world):
    publication = world.publications[2]
    snapshots_ingest(
        actor=None,
        source="api",
        rows=[{"publication_id": publication.pk, "captured_at": "2026-02-02T10:00:00Z", "shares": 4}],
    )
    assert set(DirtyDay.objects.values_list("day", "channel_id")) == {(date(2026, 2, 2), publication.channel_id)}
    assert rollups_recompute_dirty() == 1
    assert not DirtyDay.objects.exists()
    assert set(MetricRollup.objects.values_list("period", flat=True)) == {"day", "week", "month"}
    assert rollups_recompute_dirty() == 0
