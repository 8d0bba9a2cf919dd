"""What publishing adds to coe's layout: navigation entries, the pause banner and a home panel."""

from __future__ import annotations

from coe.extensions import Banner, HomePanel, register_banner_provider, register_home_panel
from coe.navigation import NavItem
from coe.navigation import register as register_nav_items


def _can_see_channels(user) -> bool:
    from publishing import permissions

    return permissions.can_change_channel(user) or permissions.can_view_all_posts(user)


def _can_see_posts(user) -> bool:
    from publishing import permissions

    return permissions.can_compose(user) or permissions.can_view_all_posts(user)


def _can_review(user) -> bool:
    from publishing import permissions

    return permissions.can_use_review_queue(user)


def _can_use_calendar(user) -> bool:
    from publishing import permissions

    return permissions.can_use_calendar(user)


def _pause_banner(user) -> list[Banner]:
    from publishing import permissions
    from publishing.models import PublishingControl

    if not permissions.can_use_calendar(user):
        return []
    reason = PublishingControl.paused_reason()
    if reason is None:
        return []
    return [
        Banner(
            level="danger",
            message=f"All publishing is paused: {reason}",
            url="/publishing/channels/",
            link_text="Details",
        )
    ]


def _home_panel(user):
    from publishing import permissions, selectors

    if not permissions.can_use_calendar(user):
        return None
    return {
        "summary": selectors.home_summary(user=user),
        "can_review": permissions.can_use_review_queue(user),
        "can_compose": permissions.can_compose(user),
    }


def register() -> None:
    register_nav_items(
        NavItem("Posts", "publishing:post_list", _can_see_posts, order=10),
        NavItem("Review", "publishing:review_queue", _can_review, order=20),
        NavItem("Calendar", "publishing:calendar", _can_use_calendar, order=30),
        NavItem("Channels", "publishing:channel_list", _can_see_channels, order=40),
    )
    register_banner_provider("publishing-paused", _pause_banner)
    register_home_panel(
        HomePanel(key="publishing", template="publishing/partials/_home_panel.html", context=_home_panel, order=10)
    )
    from coe.extensions import register_department_facts

    register_department_facts("publishing", department_facts)


# --- department facts (coe's directory and maturity assessments read them) ---------------------

TURNAROUND_WINDOW_DAYS = 90


def department_facts(department_ids: list[int]) -> dict:
    """Channels (count, active), posts published this calendar month and the median hours from
    submission to final approval over the last 90 days, per department and for the company (None).
    Three queries, whatever the number of departments."""
    from datetime import timedelta
    from statistics import median

    from django.db.models import Count, Q
    from django.utils import timezone

    from coe.extensions import Fact
    from publishing.models import Channel, Post, Publication

    now = timezone.now()
    wanted = set(department_ids)
    keys = [*department_ids, None]
    channels = {pk: [0, 0] for pk in keys}
    for row in Channel.objects.values("department_id").annotate(
        n=Count("pk"), active=Count("pk", filter=Q(is_active=True))
    ):
        for key in (row["department_id"], None):
            if key in channels:
                channels[key][0] += row["n"]
                channels[key][1] += row["active"]
    month_start = timezone.localtime(now, timezone.get_default_timezone()).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    posts = dict.fromkeys(keys, 0)
    published = (
        Publication.objects.filter(status=Publication.Status.PUBLISHED, published_at__gte=month_start)
        .values("post__department_id")
        .annotate(n=Count("post_id", distinct=True))
    )
    for row in published:
        for key in (row["post__department_id"], None):
            if key in posts:
                posts[key] += row["n"]
    hours: dict = {pk: [] for pk in keys}
    approved = Post.objects.filter(
        approved_at__gte=now - timedelta(days=TURNAROUND_WINDOW_DAYS),
        submitted_at__isnull=False,
        approved_at__isnull=False,
    ).values_list("department_id", "submitted_at", "approved_at")
    for department_id, submitted_at, approved_at in approved:
        if approved_at < submitted_at:
            continue
        value = (approved_at - submitted_at).total_seconds() / 3600
        hours[None].append(value)
        if department_id in wanted:
            hours[department_id].append(value)
    result = {}
    for key in keys:
        total, active = channels[key]
        turnaround = round(median(hours[key]), 1) if hours[key] else None
        result[key] = [
            Fact(
                "channels",
                "Channels",
                total,
                str(total) if active == total else f"{total} ({active} active)",
                "/publishing/channels/",
            ),
            Fact("posts_this_month", "Posts this month", posts[key], str(posts[key])),
            Fact(
                "approval_turnaround_hours",
                "Approval turnaround",
                turnaround,
                "—" if turnaround is None else f"{turnaround:g} h",
            ),
        ]
    return result
