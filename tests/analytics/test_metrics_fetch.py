"""The adapters' metric fetch against the loopback Mastodon and Bluesky servers: counts of recent
publications stored as snapshots, counters the network does not report carried forward, one
publication's failure not fatal, a doubled run storing nothing twice."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from analytics.models import MetricSnapshot
from analytics.services.fetch import metrics_fetch_recent
from publishing.adapters.base import PostContent, PublishRequest
from publishing.models import Publication
from tests.analytics.factories import SnapshotFactory, published_post
from tests.publishing.factories import ChannelFactory
from tests.publishing.fakes import FakeBluesky, FakeMastodon

pytestmark = pytest.mark.django_db


@pytest.fixture
def mastodon():
    with FakeMastodon() as server:
        yield server


@pytest.fixture
def bluesky():
    with FakeBluesky() as server:
        yield server


def _publish(channel, text: str) -> Publication:
    result = channel.adapter(timeout=5).publish(
        PublishRequest(
            content=PostContent(text=text), idempotency_key=str(uuid.uuid4()), first_attempt_at=datetime.now(tz=UTC)
        )
    )
    publication = published_post(channel=channel, text=text)
    Publication.objects.filter(pk=publication.pk).update(external_id=result.external_id)
    return publication


@pytest.fixture
def channels(people, mastodon, bluesky):
    toot = ChannelFactory(network="mastodon", department=people.marketing, settings={"instance_url": mastodon.url})
    toot.set_credentials({"access_token": mastodon.token})
    toot.save()
    sky = ChannelFactory(network="bluesky", department=people.service, settings={"service_url": bluesky.url})
    sky.set_credentials({"handle": bluesky.handle, "app_password": bluesky.password})
    sky.save()
    return toot, sky


def test_counts_of_recent_publications_are_stored(channels, mastodon):
    toot, sky = channels
    on_mastodon = _publish(toot, "Our winter range is here")
    on_bluesky = _publish(sky, "Help centre tips")
    mastodon.statuses[0]["favourites_count"] = 7
    mastodon.statuses[0]["reblogs_count"] = 2
    SnapshotFactory(publication=on_mastodon, captured_at=timezone.now() - timedelta(hours=2), impressions=900, likes=3)
    run = metrics_fetch_recent()
    assert (run.fetched, run.failed, run.created) == (2, 0, 2)
    toot_snap = MetricSnapshot.objects.filter(publication=on_mastodon, source="adapter").get()
    assert (toot_snap.likes, toot_snap.shares, toot_snap.impressions) == (7, 2, 900)  # impressions carried
    assert toot_snap.captured_at.second == 0 and toot_snap.captured_at.microsecond == 0
    sky_snap = MetricSnapshot.objects.get(publication=on_bluesky)
    assert (sky_snap.likes, sky_snap.shares, sky_snap.comments) == (3, 1, 2)
    assert metrics_fetch_recent().created == 0  # the same minute: nothing twice


def test_one_failure_is_counted_not_fatal(channels, mastodon):
    toot, _ = channels
    good = _publish(toot, "A post that exists")
    gone = published_post(channel=toot, text="Deleted on the network")
    Publication.objects.filter(pk=gone.pk).update(external_id="999999")
    run = metrics_fetch_recent()
    assert (run.fetched, run.failed) == (1, 1)
    assert MetricSnapshot.objects.filter(publication=good).exists()


def test_old_and_other_network_publications_are_left_alone(channels, people):
    toot, _ = channels
    old = _publish(toot, "Last year's news")
    Publication.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=60))
    console = published_post(channel=ChannelFactory(department=people.marketing), text="Console post")
    run = metrics_fetch_recent()
    assert run.fetched == 0
    assert not MetricSnapshot.objects.filter(publication__in=[old, console]).exists()


def test_the_fetch_is_in_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "analytics.tasks.metrics_fetch_recent_task",
        "analytics.tasks.rollups_recompute_dirty_task",
        "analytics.tasks.rollups_recompute_recent_task",
    } <= tasks
