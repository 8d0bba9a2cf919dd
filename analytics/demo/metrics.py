"""Metrics demo: twelve months of realistic snapshots for every published demo publication and a
daily followers snapshot per channel, then the rollups over the whole range.

The shape people should recognise on the dashboard: weekdays busier than weekends, each channel
with its own audience, the "Winter Launch 2026" campaign lifting everything for a few weeks, and
one viral post. Publishing's demo covers the current month; so there is a year to look at, this
module adds a published history (a few posts a week per active channel) written in bulk in the
state publishing would have left them. Idempotent: the history is recognised by its marker, and
snapshots by their unique (publication, time), so a second run adds nothing.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from analytics.models import MetricSnapshot
from analytics.services.rollups import rollups_recompute
from publishing.models import Campaign, Channel, ContentTheme, Post, Publication
from publishing.models.posts import text_fingerprint

HISTORY_KEY = "demo-history-"  # the history's publications carry external ids starting so
DAYS = 365
# Snapshots of a publication: hours after it went out (cumulative counts then).
SNAPSHOT_HOURS = (1, 24, 72, 168, 720)
# The share of a post's final counts reached by each snapshot.
CURVE = (0.25, 0.7, 0.88, 0.96, 1.0)
VIRAL_TEXT = "Our support lead answered a customer's question in verse, and it made everyone's day."
HISTORY_TEXTS = [
    "Three tips to get more out of {subject} this week.",
    "Meet the team behind {subject}.",
    "Customer story: how a small bakery runs its orders on {subject}.",
    "What's new this month in {subject}.",
    "We're hiring people who love {subject}: see our open roles.",
    "Join us at the meetup about {subject} — registration is open.",
    "Behind the scenes of the latest release of {subject}.",
    "A quick how-to: notifications that matter in {subject}.",
    "Your questions about {subject}, answered.",
    "Five things you may not know about {subject}.",
]
HISTORY_SUBJECTS = [
    "the Acme app",
    "Acme Classic",
    "Acme Pro",
    "your Acme account",
    "the help centre",
    "Acme for teams",
    "the winter range",
    "Acme Go",
]
AUDIENCE = {"console": 1.0, "mastodon": 0.35, "bluesky": 0.45, "webhook": 0.2}


def _now() -> datetime:
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def _history(channels: list[Channel], author) -> None:
    """A few published posts a week per active channel over the past year (once)."""
    if Publication.objects.filter(external_id__startswith=HISTORY_KEY).exists():
        return
    rng = random.Random(2026)  # noqa: S311 - made-up demo figures, not secrets
    themes = list(ContentTheme.objects.order_by("pk"))
    campaigns = {campaign.department_id: campaign for campaign in Campaign.objects.order_by("pk")}
    winter = Campaign.objects.filter(slug="winter-launch-2026").first()
    now = _now()
    start = now - timedelta(days=DAYS)
    posts, targets = [], []
    for channel in channels:
        day = start + timedelta(days=rng.randint(0, 3))
        while day < now - timedelta(days=2):
            when = day.replace(hour=rng.choice((8, 9, 10, 12, 14, 16, 17)))
            in_launch = winter is not None and now - timedelta(days=75) <= when <= now - timedelta(days=50)
            if in_launch and rng.random() < 0.7:
                campaign = winter
            elif rng.random() < 0.35:
                campaign = campaigns.get(channel.department_id)
            else:
                campaign = None
            text = rng.choice(HISTORY_TEXTS).format(subject=rng.choice(HISTORY_SUBJECTS))
            posts.append(
                Post(
                    author=author,
                    department=channel.department,
                    text=text,
                    fingerprint=text_fingerprint(text),
                    status=Post.Status.APPROVED,
                    scheduled_at=when,
                    submitted_at=when - timedelta(days=2),
                    approved_at=when - timedelta(days=1),
                    campaign=campaign,
                    theme=rng.choice(themes) if themes and rng.random() < 0.8 else None,
                )
            )
            targets.append((channel, when))
            # Busier channels post more; fewer posts at weekends.
            day += timedelta(days=rng.choice((1, 2, 2, 3, 4)))
            if day.weekday() >= 5:
                day += timedelta(days=7 - day.weekday())
    # The viral post: the history's post closest to 140 days ago.
    if posts:
        viral_at = now - timedelta(days=140)
        support = [n for n, (channel, _) in enumerate(targets) if channel.department.slug == "customer-service"]
        candidates = [n for n in support if targets[n][0].network == "console"] or support or range(len(posts))
        viral = min(candidates, key=lambda n: abs((targets[n][1] - viral_at).total_seconds()))
        posts[viral].text, posts[viral].fingerprint = VIRAL_TEXT, text_fingerprint(VIRAL_TEXT)
    Post.objects.bulk_create(posts, batch_size=500)
    Post.objects.filter(pk__in=[post.pk for post in posts]).update(created_at=timezone.now() - timedelta(days=DAYS))
    Publication.objects.bulk_create(
        [
            Publication(
                post=post,
                channel=channel,
                status=Publication.Status.PUBLISHED,
                scheduled_at=when,
                first_attempt_at=when,
                queued_at=when,
                claimed_at=when,
                published_at=when,
                attempts=1,
                external_id=f"{HISTORY_KEY}{post.pk}",
            )
            for post, (channel, when) in zip(posts, targets, strict=True)
        ],
        batch_size=500,
    )


def _final_counts(rng: random.Random, publication: Publication, *, viral: bool) -> dict[str, float]:
    published = publication.published_at
    base = 1800 * AUDIENCE.get(publication.channel.network, 0.5) * rng.uniform(0.5, 1.6)
    if published.weekday() >= 5:
        base *= 0.55
    if publication.post.campaign_id and publication.post.campaign.slug == "winter-launch-2026":
        base *= 2.8
    if viral:
        base *= 60
    impressions = base
    return {
        "impressions": impressions,
        "reach": impressions * rng.uniform(0.6, 0.8),
        "likes": impressions * rng.uniform(0.02, 0.05),
        "comments": impressions * rng.uniform(0.002, 0.008),
        "shares": impressions * rng.uniform(0.003, 0.012),
        "clicks": impressions * rng.uniform(0.008, 0.03),
        "video_views": impressions * rng.uniform(0.0, 0.2),
        "conversions": impressions * rng.uniform(0.0005, 0.002),
    }


def _snapshots(publications: list[Publication], channels: list[Channel]) -> list[MetricSnapshot]:
    now = timezone.now()
    viral = next((p for p in publications if p.post.text == VIRAL_TEXT), None)
    rows = []
    for publication in publications:
        rng = random.Random(publication.pk)  # noqa: S311 - demo figures
        final = _final_counts(rng, publication, viral=publication is viral)
        for hours, share in zip(SNAPSHOT_HOURS, CURVE, strict=True):
            captured = publication.published_at.replace(second=0, microsecond=0) + timedelta(hours=hours)
            if captured > now:
                break
            counts = {name: int(value * share) for name, value in final.items()}
            rows.append(
                MetricSnapshot(
                    channel_id=publication.channel_id,
                    publication_id=publication.pk,
                    captured_at=captured,
                    conversion_value=Decimal(counts["conversions"] * 42).quantize(Decimal("0.01")),
                    source=MetricSnapshot.Source.DEMO,
                    **counts,
                )
            )
    midnight = datetime.combine(now.date(), datetime.min.time(), tzinfo=UTC)
    for channel in channels:
        rng = random.Random(channel.pk * 7919)  # noqa: S311 - demo figures
        followers = int(4000 * AUDIENCE.get(channel.network, 0.5) * rng.uniform(0.6, 1.8))
        for back in range(DAYS, -1, -1):
            day = midnight - timedelta(days=back)
            growth = 0.0008 + (0.004 if 50 <= back <= 75 else 0) + (0.03 if back == 140 else 0)
            followers = int(followers * (1 + growth + rng.uniform(-0.0006, 0.0006)))
            rows.append(
                MetricSnapshot(channel=channel, captured_at=day, followers=followers, source=MetricSnapshot.Source.DEMO)
            )
    return rows


def seed() -> None:
    channels = list(Channel.objects.select_related("department").order_by("pk"))
    if not channels:
        return
    author = get_user_model().objects.filter(username="member").first() or get_user_model().objects.first()
    active = [channel for channel in channels if channel.is_active and channel.network != "webhook"]
    if author is not None:
        _history(active, author)
    publications = list(
        Publication.objects.filter(status=Publication.Status.PUBLISHED, published_at__isnull=False)
        .select_related("post__campaign", "channel")
        .order_by("pk")
    )
    MetricSnapshot.objects.bulk_create(_snapshots(publications, channels), batch_size=1000, ignore_conflicts=True)
    today = timezone.now().date()
    rollups_recompute(since=today - timedelta(days=DAYS + 31), until=today)
