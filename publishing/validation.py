"""A post as each network sees it: the content adapters validate, per-channel problems and
length counters, the content rules (governance's engine) and the duplicate warning. Used live
while composing, at submission, and again just before sending."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils import timezone

from coe.errors import DomainError
from governance.rules import segments
from governance.services.rules import CheckResult, content_check
from publishing.adapters import get_adapter
from publishing.adapters.base import LengthInfo, MediaFile, PostContent, ValidationIssue
from publishing.models import Campaign, Channel, Post, PostRuleCheck, Publication
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
    rules: Any = None  # ChannelRules, when the composer's preview asks for them

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


# --- content rules (governance's engine) ---------------------------------------------------------


def _rules_link(text: str, link: str) -> str:
    """The post's link is checked on its own only when the text does not already contain it."""
    return link if link and link not in text else ""


def is_sponsored(campaign: Campaign | int | None) -> bool:
    if campaign is None or campaign == "":
        return False
    if isinstance(campaign, Campaign):
        return campaign.is_sponsored
    return Campaign.objects.filter(pk=campaign, is_sponsored=True).exists()


def rules_check(*, text: str, link: str, channels, department_id: int | None, sponsored: bool) -> CheckResult:
    return content_check(
        text=text,
        link=_rules_link(text, link),
        channel_ids=[channel.pk for channel in channels],
        department_id=department_id,
        sponsored=sponsored,
    )


def post_rules_check(post: Post, channels) -> CheckResult:
    """The rules for the post's text and link on these channels, for its department and campaign."""
    return rules_check(
        text=post.text,
        link=post.link,
        channels=channels,
        department_id=post.department_id,
        sponsored=is_sponsored(post.campaign if post.campaign_id else None),
    )


@dataclass(frozen=True)
class ChannelRules:
    """The content rules' findings for the text on one channel, cut for highlighting (the text as
    published: the link after the text, as PostContent.full_text shows it)."""

    result: CheckResult
    segments: list
    prefix: str = "rules"  # for the ids the marks link to (unique per channel on the page)

    @property
    def findings(self):
        return list(self.result.findings)


def with_rules(
    checks: list[ChannelCheck], content: PostContent, *, department_id: int | None, sponsored: bool
) -> list[ChannelCheck]:
    """The checks with each channel's content-rule findings (rules may apply to some channels only)."""
    link = _rules_link(content.text, content.link)
    full = content.full_text
    offsets = {"text": 0}
    if link:
        offsets["link"] = full.rfind(link)
    result = []
    for check in checks:
        found = rules_check(
            text=content.text,
            link=content.link,
            channels=[check.channel],
            department_id=department_id if department_id is not None else check.channel.department_id,
            sponsored=sponsored,
        )
        rules = ChannelRules(found, segments(full, found.findings, offsets=offsets), f"channel-{check.channel.pk}")
        result.append(replace(check, rules=rules))
    return result


def rules_refusal(result: CheckResult, *, problems: list[str] = (), subject: str = "This post") -> DomainError:
    """A submission (or a change after it) that a blocking rule stops: every finding at once, with
    any problem a network has with the content."""
    lines = result.refusal()
    numbered = " ".join(f"({number}) {line}" for number, line in enumerate(lines, start=1))
    count = len(lines)
    message = f"{subject} breaks {count} content rule{'s' if count != 1 else ''}: {numbered}"
    return DomainError(" ".join([message, *problems]), code="content_rules", fields={"text": [*lines, *problems]})


def rules_warnings(result: CheckResult) -> list[str]:
    """What the author is told when warnings added review stages."""
    return [
        f"{stage.name} reviews this post too: {', '.join(stage.rules)} "
        f"({'a content rule' if len(stage.rules) == 1 else 'content rules'} asked for it)."
        for stage in result.review_stages
    ]


def rule_check_record(post: Post, result: CheckResult, moment: str, publication: Publication | None = None):
    """Keep what the rules found, for the evidence pack."""
    return PostRuleCheck.objects.create(
        post=post,
        publication=publication,
        moment=moment,
        post_version=post.version,
        findings=result.as_json(),
        blocked=result.blocked,
    )
