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
