"""Publishing's records: channels, posts and their approval route, publications on each channel.

A **post** is what people write and approve; a **publication** is that post on one channel.
"""

from publishing.models.approvals import (
    ApprovalPolicy,
    ApprovalStage,
    Delegation,
    ExternalReviewInvite,
    PostStage,
    Review,
    StageKind,
)
from publishing.models.channels import Channel, Network
from publishing.models.posts import (
    Campaign,
    Comment,
    ContentTheme,
    Post,
    PostMedia,
    PostRevision,
    PostRuleCheck,
    PostTransition,
    ReviewSeen,
)
from publishing.models.publications import (
    CalendarFeed,
    Publication,
    PublishAttempt,
    PublishingControl,
    PublishingControlEvent,
)

__all__ = [
    "ApprovalPolicy",
    "ApprovalStage",
    "CalendarFeed",
    "Campaign",
    "Channel",
    "Comment",
    "ContentTheme",
    "Delegation",
    "ExternalReviewInvite",
    "Network",
    "Post",
    "PostMedia",
    "PostRevision",
    "PostRuleCheck",
    "PostStage",
    "PostTransition",
    "PublishAttempt",
    "Publication",
    "PublishingControl",
    "PublishingControlEvent",
    "Review",
    "ReviewSeen",
    "StageKind",
]
