"""Ingestion: validation row by row, duplicates stored once, all-or-nothing stores nothing, the
touched days are marked dirty (including the next snapshot's day of a late arrival)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from analytics.models import DirtyDay, MetricSnapshot
from analytics.services.ingest import csv_rows, snapshots_ingest
from publishing.models import Publication
from tests.analytics.factories import published_post
from tests.publishing.factories import ChannelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def publication(people):
    return published_post(channel=ChannelFactory(department=people.marketing))


def row(publication, at="2026-01-05T09:00:00Z", **counts):
    return {"publication_id": publication.pk, "captured_at": at, **counts}


def test_the_same_snapshot_twice_is_stored_once(publication):
    first = snapshots_ingest(actor=None, source="api", rows=[row(publication, impressions=10)] * 2)
    again = snapshots_ingest(actor=None, source="api", rows=[row(publication, impressions=10)])
    assert (first.created, first.duplicates) == (1, 1)
    assert (again.created, again.duplicates) == (0, 1)
    assert MetricSnapshot.objects.count() == 1


def test_same_moment_in_another_zone_is_the_same_snapshot(publication):
    snapshots_ingest(actor=None, source="api", rows=[row(publication, at="2026-01-05T09:00:00Z")])
    report = snapshots_ingest(actor=None, source="api", rows=[row(publication, at="2026-01-05T10:00:00+01:00")])
    assert report.duplicates == 1


@pytest.mark.parametrize(
    ("bad", "column"),
    [
        ({"captured_at": "2026-01-05T09:00:00"}, "captured_at"),  # no zone
        ({"captured_at": "yesterday"}, "captured_at"),
        ({"captured_at": "2999-01-01T00:00:00Z"}, "captured_at"),
        ({"impressions": -1}, "impressions"),
        ({"likes": "12.5"}, "likes"),
        ({"conversion_value": "1.005"}, "conversion_value"),
        ({"publication_id": 999999}, "publication_id"),
    ],
)
def test_bad_rows_are_reported_with_index_column_and_reason(publication, bad, column):
    report = snapshots_ingest(actor=None, source="api", rows=[row(publication), {**row(publication), **bad}])
    assert [(e.index, e.column) for e in report.errors] == [(1, column)]
    assert report.errors[0].reason
    assert report.created == 1


def test_all_or_nothing_stores_nothing_when_a_row_is_bad(publication):
    report = snapshots_ingest(
        actor=None,
        source="api",
        all_or_nothing=True,
        rows=[row(publication, impressions=5), row(publication, at="2026-01-06T09:00:00Z", impressions=-5)],
    )
    assert report.stored is False and report.created == 0
    assert not MetricSnapshot.objects.exists() and not DirtyDay.objects.exists()


def test_publication_must_be_published_and_on_the_named_channel(publication, people):
    draft = published_post(channel=publication.channel)
    Publication.objects.filter(pk=draft.pk).update(status=Publication.Status.SCHEDULED)
    other = ChannelFactory(department=people.service)
    report = snapshots_ingest(
        actor=None,
        source="api",
        rows=[row(draft), {**row(publication), "channel_id": other.pk}],
    )
    assert [(e.index, e.column) for e in report.errors] == [(0, "publication_id"), (1, "channel_id")]


def test_channel_rows_need_followers(publication):
    channel = publication.channel
    report = snapshots_ingest(
        actor=None,
        source="api",
        rows=[
            {"channel_id": channel.pk, "captured_at": "2026-01-05T00:00:00Z"},
            {"channel_id": channel.pk, "captured_at": "2026-01-05T00:00:00Z", "followers": 120},
        ],
    )
    assert [(e.index, e.column) for e in report.errors] == [(0, "followers")]
    assert MetricSnapshot.objects.get().followers == 120


def test_a_late_snapshot_marks_its_day_and_the_next_snapshots_day(publication):
    snapshots_ingest(actor=None, source="api", rows=[row(publication, at="2026-01-09T09:00:00Z", likes=9)])
    DirtyDay.objects.all().delete()
    snapshots_ingest(actor=None, source="api", rows=[row(publication, at="2026-01-05T09:00:00Z", likes=4)])
    assert set(DirtyDay.objects.values_list("day", flat=True)) == {date(2026, 1, 5), date(2026, 1, 9)}


def test_values_are_stored_as_sent(publication):
    snapshots_ingest(
        actor=None,
        source="csv",
        rows=[row(publication, impressions="1520", reach="", conversion_value="180.50", video_views=3)],
    )
    snap = MetricSnapshot.objects.get()
    assert (snap.impressions, snap.reach, snap.video_views, snap.conversion_value, snap.source) == (
        1520,
        0,
        3,
        Decimal("180.50"),
        "csv",
    )


def test_csv_header_is_checked():
    with pytest.raises(ValueError, match="Unknown columns: colour"):
        list(csv_rows("publication_id,captured_at,colour\n1,2026-01-01T00:00:00Z,red\n"))
    assert list(csv_rows("\ufeffpublication_id,captured_at\n1,2026-01-01T00:00:00Z\n")) == [
        {"publication_id": "1", "captured_at": "2026-01-01T00:00:00Z"}
    ]
