"""Many posts at once, for the fault test and the benchmarks: rows written with bulk_create in the
state the workflow would have left them in (approved, scheduled), without going through
thousands of service calls."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from publishing.models import Channel, Post, Publication
from publishing.models.posts import text_fingerprint


@transaction.atomic
def approved_publications(
    *, channels: list[Channel], author, count: int, scheduled_at: datetime, text: str = "Post {n}", spread=None
) -> list[int]:
    """``count`` approved posts, each on one of ``channels`` in turn, due at ``scheduled_at``
    (plus ``spread(n)`` when given). Returns the publication ids."""
    posts, targets = [], []
    for n in range(count):
        channel = channels[n % len(channels)]
        when = scheduled_at + (spread(n) if spread else timedelta(0))
        body = text.format(n=n)
        posts.append(
            Post(
                author=author,
                department=channel.department,
                text=body,
                fingerprint=text_fingerprint(body),
                scheduled_at=when,
                status=Post.Status.APPROVED,
                approved_at=when,
                submitted_at=when,
            )
        )
        targets.append((channel, when))
    Post.objects.bulk_create(posts, batch_size=2000)
    publications = Publication.objects.bulk_create(
        [
            Publication(post=post, channel=channel, status=Publication.Status.SCHEDULED, scheduled_at=when)
            for post, (channel, when) in zip(posts, targets, strict=True)
        ],
        batch_size=2000,
    )
    return [publication.pk for publication in publications]
