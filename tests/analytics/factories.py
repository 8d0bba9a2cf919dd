"""Analytics test data: rollup rows built directly (so page and selector tests need no rollup SQL),
snapshots, KPIs, and a published post on a channel. Shared by every analytics area: add to it,
never rewrite it."""

from __future__ import annotations

from datetime import date

import factory
from django.utils import timezone

from analytics.models import Investment, Kpi, KpiTarget, MetricRollup, MetricSnapshot
from publishing.models import Post, Publication
from publishing.models.posts import text_fingerprint
from tests.coe.factories import UserFactory
from tests.publishing.factories import ChannelFactory


class RollupFactory(factory.django.DjangoModelFactory):
    """One rollup row; the department follows the channel's unless given."""

    class Meta:
        model = MetricRollup

    period = "day"
    period_start = factory.LazyFunction(lambda: date(2026, 1, 5))
    channel = factory.SubFactory(ChannelFactory)
    department = factory.LazyAttribute(lambda row: row.channel.department)
    posts = 1
    impressions = 1000
    reach = 800
    likes = 10
    comments = 2
    shares = 3
    clicks = 5


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetricSnapshot

    channel = factory.LazyAttribute(lambda snap: snap.publication.channel if snap.publication else ChannelFactory())
    publication = None
    captured_at = factory.LazyFunction(timezone.now)
    source = "demo"


def published_post(
    *, channel, author=None, text: str = "A published post", campaign=None, theme=None, published_at=None
):
    """A post published on ``channel`` (its department's), returned as the Publication."""
    author = author or UserFactory()
    post = Post.objects.create(
        author=author,
        department=channel.department,
        text=text,
        fingerprint=text_fingerprint(text),
        status=Post.Status.APPROVED,
        campaign=campaign,
        theme=theme,
        approved_at=timezone.now(),
    )
    return Publication.objects.create(
        post=post,
        channel=channel,
        status=Publication.Status.PUBLISHED,
        published_at=published_at or timezone.now(),
        external_id=f"ext-{post.pk}",
    )


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kpi

    name = factory.Sequence(lambda n: f"KPI {n}")
    metric = "impressions"
    aggregation = Kpi.Aggregation.SUM
    cadence = Kpi.Cadence.MONTH


class KpiTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KpiTarget

    kpi = factory.SubFactory(KpiFactory)
    period_start = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    target = 1000


class InvestmentFactory(factory.django.DjangoModelFactory):
    """One month's spend of a department in a category (money only unless hours or an FTE share
    are given)."""

    class Meta:
        model = Investment

    department = factory.SubFactory("tests.coe.factories.DepartmentFactory")
    month = factory.LazyFunction(lambda: date(2026, 1, 1))
    category = "ads"
    amount = 1000
