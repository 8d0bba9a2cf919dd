"""A post as each network sees it: the content adapters validate, per-channel problems and
length counters, and the duplicate warning. Used live while composing, at submission, and again
just before sending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from publishing.adapters import get_adapter
from publishing.adapters.base import LengthInfo, MediaFile, PostContent, ValidationIssue
from publishing.models import Channel, Post, Publication
from publishing.models.posts import text_fingerprint

DUPLICATE_WINDOW = timedelta(days=30)


def post_content(post: Post, *, has_media: bool = True) -> PostContent:
    """What adapters validate and send. ``has_media=False`` (known from the caller's query)
    spares the query for images."""
    if not has_media:
        return PostContent(text=post.text, link=post.link)
    media = tuple(
        MediaFile(
            path=Path(item.file.path),
            content_type=item.content_type,
            size=item.size,
            width=item.width,
            height=item.height,
            alt_text=item.alt_text,
        )
        for item in post.media.all()
    )
    return PostContent(text=post.text, link=post.link, media=media)


def validation_adapter(channel: Channel):
    """An adapter for checking content only: no credentials are decrypted for that."""
    return get_adapter(channel.network, settings=channel.settings, credentials={})


@dataclass(frozen=True)
class ChannelCheck:
    channel: Channel
    length: LengthInfo
    issues: list[ValidationIssue]

    @property
    def blocking(self) -> list[ValidationIssue]:
        return [issue for issue in self.issues if issue.blocking]


def check_channels(content: PostContent, channels: list[Channel]) -> list[ChannelCheck]:
    checks = []
    for channel in channels:
        adapter = validation_adapter(channel)
        checks.append(ChannelCheck(channel=channel, length=adapter.length(content), issues=adapter.validate(content)))
    return checks


def blocking_messages(checks: list[ChannelCheck]) -> list[str]:
    return [f"{check.channel}: {issue.message}" for check in checks for issue in check.blocking]


def duplicate_warnings(
    *, text: str, link: str, channels: list[Channel], when=None, exclude_post_id: int | None = None
) -> list[str]:
    """The same text on the same channel within 30 days (scheduled, or already out) is probably
    a mistake; it is a warning, not a refusal."""
    if not channels or not (text.strip() or link):
        return []
    moment = when or timezone.now()
    span = (moment - DUPLICATE_WINDOW, moment + DUPLICATE_WINDOW)
    # A post's time: when it went out, else when it is meant to, else (no time yet) when written.
    window = (
        Q(published_at__range=span)
        | Q(published_at__isnull=True, post__scheduled_at__range=span)
        | Q(published_at__isnull=True, post__scheduled_at__isnull=True, post__created_at__range=span)
    )
    matches = (
        Publication.objects.filter(window, channel__in=channels, post__fingerprint=text_fingerprint(text, link))
        .exclude(status=Publication.Status.CANCELLED)
        .exclude(post__status__in=[Post.Status.REJECTED, Post.Status.WITHDRAWN])
        .select_related("channel", "post")
        .order_by("post__scheduled_at")
    )
    if exclude_post_id:
        matches = matches.exclude(post_id=exclude_post_id)
    warnings = []
    for publication in matches[:5]:
        when = publication.published_at or publication.post.scheduled_at
        moment_text = f"for {timezone.localtime(when):%-d %b %Y %H:%M}" if when else "(no time yet)"
        verb = "was published" if publication.published_at else "is scheduled"
        warnings.append(
            f"The same text {verb} on {publication.channel} {moment_text} (post #{publication.post_id}). "
            "Posting it again within 30 days looks like a duplicate."
        )
    return warnings
