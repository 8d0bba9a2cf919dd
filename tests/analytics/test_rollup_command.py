"""python manage.py rollup: rebuilds a range with a progress bar on stderr; refuses bad input."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from analytics.models import MetricRollup
from analytics.services.ingest import snapshots_ingest
from analytics.services.rollups import rollups_recompute_recent
from tests.analytics.factories import published_post
from tests.publishing.factories import ChannelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def publication(people):
    publication = published_post(channel=ChannelFactory(department=people.marketing))
    snapshots_ingest(
        actor=None,
        source="api",
        rows=[
            {"publication_id": publication.pk, "captured_at": "2026-01-05T09:00:00Z", "impressions": 10},
            {"publication_id": publication.pk, "captured_at": "2026-03-05T09:00:00Z", "impressions": 30},
        ],
    )
    return publication


def test_rebuild_with_a_progress_bar(publication):
    out, err = io.StringIO(), io.StringIO()
    call_command("rollup", "--since", "2026-01-01", "--until", "2026-03-31", stdout=out, stderr=err)
    assert "[##############################] 90/90 days 100%" in err.getvalue()
    assert "Rolled up 90 days" in out.getvalue()
    months = dict(MetricRollup.objects.filter(period="month").values_list("period_start", "impressions"))
    assert months == {date(2026, 1, 1): 10, date(2026, 3, 1): 20}


def test_only_some_channels(publication, people):
    other = ChannelFactory(department=people.service)
    call_command(
        "rollup",
        "--since",
        "2026-01-01",
        "--until",
        "2026-01-31",
        "--channel",
        str(other.pk),
        stderr=io.StringIO(),
        stdout=io.StringIO(),
    )
    assert not MetricRollup.objects.exists()
    call_command(
        "rollup",
        "--since",
        "2026-01-01",
        "--until",
        "2026-01-31",
        "--channel",
        str(publication.channel_id),
        stderr=io.StringIO(),
        stdout=io.StringIO(),
    )
    assert MetricRollup.objects.filter(period="day").count() == 1


@pytest.mark.parametrize(
    "args",
    [
        ["--since", "Jan"],
        ["--since", "2026-02-01", "--until", "2026-01-01"],
        ["--since", "2026-01-01", "--channel", "999999"],
    ],
)
def test_bad_input_is_refused(args):
    with pytest.raises(CommandError):
        call_command("rollup", *args, stderr=io.StringIO(), stdout=io.StringIO())


def test_nightly_recomputes_recent_days(publication, settings):
    settings.ROLLUP_NIGHTLY_DAYS = 3
    assert rollups_recompute_recent() == 3
