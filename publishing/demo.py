"""Publishing's demo data: channels for every department, approval policies (a light one for
Customer Service, a Legal stage for PR and Marketing, the CoE default), campaigns and themes, and
posts in every state across the current month.

Every post goes through the real services, so its route, decisions and timeline are genuine; past
ones (published, failed, expired …) are taken through them a day per step and then moved back in
time as a whole. Idempotent: a
post is recognised by its text, a channel by its account, so a second run changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from coe.models import Department, Notification
from coe.permissions import SYSTEM
from coe.roles import Role
from publishing.models import (
    ApprovalPolicy,
    Campaign,
    Channel,
    Comment,
    ContentTheme,
    Post,
    PostRevision,
    PostStage,
    PostTransition,
    Publication,
    PublishAttempt,
    Review,
)
from publishing.services import dispatch, workflow
from publishing.services.policies import policy_save

User = get_user_model()

THEMES = ["Product news", "Customer stories", "Tips and how-to", "Hiring", "Company news", "Events"]
CAMPAIGNS = [
    ("Winter Launch 2026", "marketing", False, "The new product line, launched across every channel."),
    ("Holiday Giveaway", "marketing", True, "A sponsored giveaway with a partner: every post needs a disclosure."),
    ("Support Tips", "customer-service", False, "Weekly self-service tips from the support team."),
    ("Hiring Season", "hr", False, "Open roles and life at Acme."),
]
# (department slug, name, network, handle, health)
CHANNELS = [
    ("marketing", "Acme on LinkedIn", "console", "linkedin.com/company/acme", "ok"),
    ("marketing", "Acme on Instagram", "console", "@acme", "ok"),
    ("marketing", "Acme on Mastodon", "mastodon", "@acme@mastodon.social", "needs_reconnect"),
    ("customer-service", "Acme Support on X", "console", "@AcmeSupport", "ok"),
    ("customer-service", "Acme Help on Bluesky", "console", "@help.acme.example", "ok"),
    ("sales", "Acme Sales on LinkedIn", "console", "linkedin.com/showcase/acme-sales", "ok"),
    ("pr-communications", "Acme Newsroom", "console", "@AcmeNews", "ok"),
    ("hr", "Acme Careers", "console", "linkedin.com/company/acme/jobs", "ok"),
    ("product", "Acme Product Updates", "console", "@AcmeProduct", "ok"),
    ("investor-relations", "Acme Investors", "console", "@AcmeIR", "ok"),
]


def _user(username: str):
    return User.objects.get(username=username)


def _themes_and_campaigns() -> None:
    for name in THEMES:
        ContentTheme.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    for name, department, sponsored, description in CAMPAIGNS:
        Campaign.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "department": Department.objects.get(slug=department),
                "is_sponsored": sponsored,
                "description": description,
            },
        )


def _channels() -> dict[str, Channel]:
    channels = {}
    for department, name, network, handle, health in CHANNELS:
        channel = Channel.objects.filter(network=network, handle=handle).first()
        if channel is None:
            settings = {"instance_url": "https://mastodon.social"} if network == "mastodon" else {}
            channel = Channel(
                name=name,
                network=network,
                handle=handle,
                department=Department.objects.get(slug=department),
                time_zone="Europe/London",
                settings=settings,
                health=health,
            )
            if network == "mastodon":
                channel.set_credentials({"access_token": "demo-token-revoked-by-the-network"})
                channel.health_message = "The access token is invalid (it was revoked on the network)."
                channel.health_changed_at = timezone.now()
            channel.save()
        channels[name] = channel
    return channels


def _policies() -> None:
    if ApprovalPolicy.objects.exists():
        return
    coe_members = Group.objects.get(name=Role.COE_MEMBER.group_name)
    legal = [_user("approver"), _user("legal-lead")]
    policy_save(
        actor=SYSTEM,
        policy=None,
        fields={
            "name": "CoE review (default)",
            "description": "Every channel without a policy of its own.",
            "late_approval": ApprovalPolicy.LateApproval.PUBLISH_NOW,
        },
        stages=[
            {
                "position": 10,
                "name": "CoE review",
                "kind": "gate",
                "group": coe_members,
                "required_approvals": 1,
                "turnaround_hours": 24,
            }
        ],
    )
    policy_save(
        actor=SYSTEM,
        policy=None,
        fields={
            "name": "Customer Service: light touch",
            "department": Department.objects.get(slug="customer-service"),
            "description": "Routine support posts: the department lead approves, the CoE is kept informed.",
            "late_approval": ApprovalPolicy.LateApproval.PUBLISH_NOW,
        },
        stages=[
            {
                "position": 10,
                "name": "Department lead",
                "kind": "gate",
                "department_lead": True,
                "required_approvals": 1,
                "turnaround_hours": 4,
            },
            {"position": 20, "name": "CoE", "kind": "inform", "group": coe_members, "required_approvals": 1},
        ],
    )
    for slug, name in [
        ("pr-communications", "PR & Communications: with Legal"),
        ("marketing", "Marketing: brand and Legal"),
    ]:
        policy_save(
            actor=SYSTEM,
            policy=None,
            fields={
                "name": name,
                "department": Department.objects.get(slug=slug),
                "description": "Claims and announcements: the department lead, then Legal, then the CoE.",
                "late_approval": ApprovalPolicy.LateApproval.NEW_TIME,
            },
            stages=[
                {
                    "position": 10,
                    "name": "Department lead",
                    "kind": "gate",
                    "department_lead": True,
                    "required_approvals": 1,
                    "turnaround_hours": 24,
                },
                {
                    "position": 20,
                    "name": "Legal",
                    "kind": "gate",
                    "people": legal,
                    "required_approvals": 1,
                    "turnaround_hours": 48,
                },
                {
                    "position": 30,
                    "name": "CoE",
                    "kind": "gate" if slug == "pr-communications" else "inform",
                    "group": coe_members,
                    "required_approvals": 1,
                    "turnaround_hours": 24 if slug == "pr-communications" else None,
                },
            ],
        )


def _at(days: int, hour: int, minute: int = 0):
    now = timezone.now()
    return (now + timedelta(days=days)).replace(hour=hour, minute=minute, second=0, microsecond=0)


def _create(author, text: str, channels: list[Channel], when, campaign: str | None = None, theme: str | None = None):
    existing = Post.objects.filter(author=author, text=text).first()
    if existing:
        return existing, False
    outcome = workflow.post_create(
        actor=author,
        text=text,
        channels=channels,
        scheduled_at=when,
        campaign=Campaign.objects.filter(name=campaign).first() if campaign else None,
        theme=ContentTheme.objects.filter(name=theme).first() if theme else None,
    )
    return outcome.post, True


# Every time of a post's own rows, so its history can be moved into the past as a whole.
_TIMES = {
    Post: ("created_at", "updated_at", "submitted_at", "approved_at", "closed_at"),
    PostRevision: ("created_at",),
    PostTransition: ("created_at",),
    PostStage: ("activated_at", "completed_at", "due_at", "reminded_at", "escalated_at"),
    Review: ("created_at",),
    Comment: ("created_at",),
    Publication: ("published_at", "first_attempt_at", "queued_at", "claimed_at", "updated_at"),
    PublishAttempt: ("started_at", "finished_at"),
}


def _move_back(post: Post, delta: timedelta) -> None:
    """Move everything that has happened to the post so far ``delta`` into the past (its
    notifications too, read by now). The scheduled time is set on its own."""
    for model, fields in _TIMES.items():
        if model is Post:
            rows = Post.objects.filter(pk=post.pk)
        elif model is PublishAttempt:
            rows = PublishAttempt.objects.filter(publication__post=post)
        else:
            rows = model.objects.filter(post=post)
        rows.update(**{name: F(name) - delta for name in fields})
    Notification.objects.filter(url=post.get_absolute_url()).update(
        created_at=F("created_at") - delta, read_at=Coalesce(F("read_at"), Value(timezone.now()))
    )


def _send_now(post: Post) -> None:
    """Send an approved post's publications through the real dispatch (the demo's console channels)."""
    for publication in post.publications.filter(status=Publication.Status.SCHEDULED):
        Publication.objects.filter(pk=publication.pk).update(status=Publication.Status.QUEUED, queued_at=timezone.now())
        dispatch.publication_publish(publication_id=publication.pk, worker="demo")


def _went_wrong(post: Post, outcome: str, error: str) -> None:
    """A send that failed or whose outcome is unknown (the console network never fails by itself)."""
    for publication in post.publications.select_related("post", "channel"):
        Publication.objects.filter(pk=publication.pk).update(
            status=Publication.Status.PUBLISHING, attempts=1, first_attempt_at=timezone.now()
        )
        PublishAttempt.objects.create(
            publication=publication,
            number=1,
            finished_at=timezone.now(),
            outcome=PublishAttempt.Outcome.PERMANENT if outcome == "failed" else PublishAttempt.Outcome.UNKNOWN,
            message=error,
            worker="demo",
        )
        if outcome == "failed":
            dispatch._failed(publication, error)
        else:
            dispatch._outcome_unknown(publication, error)


def _past_post(author, text: str, channels: list[Channel], when, ending: str, error: str = "") -> None:
    """A post of the last weeks, taken through the real workflow (so its route, decisions and
    timeline are genuine) one day per step, then moved back so that it ends at ``when``."""
    post, new = _create(author, text, channels, _at(30, 12))  # a future time while it goes through review
    if not new:
        return
    day = timedelta(days=1)
    _move_back(post, day)
    workflow.post_submit(actor=author, post=post)
    _move_back(post, day)
    if ending == "withdrawn":
        workflow.post_withdraw(actor=author, post=post, comment="We will run the poll on the intranet instead.")
    elif ending == "expired":
        Post.objects.filter(pk=post.pk).update(scheduled_at=timezone.now() - timedelta(minutes=1))
        workflow.posts_expire_overdue()
    elif ending == "rejected":
        workflow.review_approve(actor=_user("marketing-lead"), post=post)
        _move_back(post, timedelta(hours=5))
        workflow.review_reject(
            actor=_user("approver"),
            post=post,
            comment="“Guaranteed lowest prices anywhere” is a claim we cannot prove. Please do not run it.",
        )
    else:  # approved, then published, failed or unknown
        reviewers = ["marketing-lead", "approver"] if post.department.slug == "marketing" else ["customer-service-lead"]
        for reviewer in reviewers:
            workflow.review_approve(actor=_user(reviewer), post=post)
        _move_back(post, day)
        if ending == "published":
            _send_now(post)
        else:
            _went_wrong(post, ending, error)
    _move_back(post, timezone.now() - when)
    Post.objects.filter(pk=post.pk).update(scheduled_at=when)
    post.publications.update(scheduled_at=when)


@transaction.atomic
def seed() -> None:
    _themes_and_campaigns()
    channels = _channels()
    _policies()
    liaison, liaison_cs, manager = _user("liaison"), _user("liaison_cs"), _user("manager")
    marketing_lead, cs_lead = _user("marketing-lead"), _user("customer-service-lead")
    linkedin, instagram, mastodon = (
        channels["Acme on LinkedIn"],
        channels["Acme on Instagram"],
        channels["Acme on Mastodon"],
    )
    support_x, support_bsky = channels["Acme Support on X"], channels["Acme Help on Bluesky"]
    newsroom = channels["Acme Newsroom"]

    # The future: drafts, posts at each review stage, changes requested, approved and scheduled.
    post, new = _create(
        liaison,
        "Sneak peek: the Winter Launch lands on 3 December. Which feature are you most excited about? #WinterLaunch",
        [linkedin, instagram],
        _at(9, 10),
        "Winter Launch 2026",
        "Product news",
    )
    post, new = _create(
        liaison,
        "Behind the scenes at our design studio: how the new line came together.",
        [linkedin],
        _at(6, 15, 30),
        "Winter Launch 2026",
        "Company news",
    )
    if new:
        workflow.post_submit(actor=liaison, post=post)  # waits for the Marketing lead
    post, new = _create(
        liaison,
        "Our winter line is 40% lighter than last year's — the lightest we have ever made.",
        [linkedin, instagram],
        _at(4, 9),
        "Winter Launch 2026",
        "Product news",
    )
    if new:
        workflow.post_submit(actor=liaison, post=post)
        workflow.review_approve(actor=marketing_lead, post=post, comment="Good. Legal: please check the claim.")
        # …now with Legal: the demo approver's queue.
    post, new = _create(
        liaison,
        "Win a winter kit! Share your coziest workspace with #AcmeWinter to enter. "
        "Sponsored with our partner Northwind.",
        [instagram],
        _at(11, 12),
        "Holiday Giveaway",
        "Events",
    )
    if new:
        workflow.post_submit(actor=liaison, post=post)
        workflow.review_approve(actor=marketing_lead, post=post)
    post, new = _create(
        liaison,
        "Customers tell us the new app saves them an hour a week. Here is how.",
        [linkedin],
        _at(8, 11),
        None,
        "Customer stories",
    )
    if new:
        workflow.post_submit(actor=liaison, post=post)
        workflow.review_request_changes(
            actor=marketing_lead, post=post, comment="Which customers? Add a source or soften the claim."
        )
    post, new = _create(
        liaison,
        "Join us at the Winter Launch livestream on 3 December, 17:00 CET.",
        [linkedin, instagram],
        _at(3, 8, 30),
        "Winter Launch 2026",
        "Events",
    )
    if new:
        workflow.post_submit(actor=liaison, post=post)
        workflow.review_approve(actor=marketing_lead, post=post)
        workflow.review_approve(actor=_user("approver"), post=post, comment="Fine from Legal.")
    post, new = _create(
        liaison_cs,
        "Tip: reset your password in two clicks from the sign-in page.",
        [support_x, support_bsky],
        _at(1, 9),
        "Support Tips",
        "Tips and how-to",
    )
    if new:
        workflow.post_submit(actor=liaison_cs, post=post)
        workflow.review_approve(actor=cs_lead, post=post)
    post, new = _create(
        liaison_cs,
        "Our support hours over the holidays: we are here every day except 25 December.",
        [support_x],
        _at(2, 14),
        "Support Tips",
        "Company news",
    )
    if new:
        workflow.post_submit(actor=liaison_cs, post=post)  # waits for the Customer Service lead
    post, new = _create(
        liaison_cs,
        "Planned maintenance tonight 22:00–23:00 UTC; the app may be slow.",
        [support_bsky],
        _at(0, 22) if timezone.now().hour < 21 else _at(1, 22),
        "Support Tips",
        "Company news",
    )
    if new:
        workflow.post_submit(actor=liaison_cs, post=post)
        workflow.review_approve(actor=cs_lead, post=post)
    post, new = _create(
        manager, "Acme publishes its first sustainability report today.", [newsroom], _at(5, 7), None, "Company news"
    )
    if new:
        workflow.post_submit(actor=manager, post=post)
    post, new = _create(
        liaison, "Draft: teaser video for the launch week.", [linkedin], None, "Winter Launch 2026", "Product news"
    )
    post, new = _create(
        liaison,
        "Follow us on Mastodon for launch news as it happens.",
        [mastodon],
        _at(2, 16),
        "Winter Launch 2026",
        "Company news",
    )
    if new:
        workflow.post_submit(actor=liaison, post=post)
        workflow.review_approve(actor=marketing_lead, post=post)
        workflow.review_approve(actor=_user("approver"), post=post)
        post.publications.update(
            status=Publication.Status.HELD,
            hold_reason=Publication.HoldReason.CHANNEL,
            last_error="Acme on Mastodon needs reconnecting.",
        )

    # The past: published, failed, unknown, rejected, withdrawn and expired.
    history = [
        (liaison, "Thank you to the 2,000 people who joined our autumn webinar!", [linkedin], -12, "published", ""),
        (liaison, "New colours for the Classic range are in stores now.", [instagram, linkedin], -8, "published", ""),
        (
            liaison_cs,
            "Tip: export your data any time from Settings → Account.",
            [support_x, support_bsky],
            -6,
            "published",
            "",
        ),
        (
            liaison_cs,
            "We are looking into reports of slow sign-ins.",
            [support_x],
            -3,
            "failed",
            "The network refused the post: duplicate status.",
        ),
        (
            liaison,
            "Last chance to register for the product tour!",
            [instagram],
            -2,
            "unknown",
            "The network did not answer in time after the post was sent.",
        ),
        (liaison, "Biggest sale ever — guaranteed lowest prices anywhere!", [linkedin], -5, "rejected", ""),
        (liaison, "Quick poll: which colour should we bring back?", [instagram], -4, "withdrawn", ""),
        (
            liaison_cs,
            "Reminder: our community forum moves to a new address on Monday.",
            [support_bsky],
            -1,
            "expired",
            "",
        ),
    ]
    for author, text, targets, days, ending, error in history:
        _past_post(author, text, targets, _at(days, 10, 30), ending, error)
    _gate_support_channel(support_x)


def _gate_support_channel(channel: Channel) -> None:
    """The support handle on X now takes posts only from holders of a valid Social Publisher
    certificate who accepted the current social media policy (set after the posts above, which were
    submitted before; approved ones are not touched). The demo's Customer Service liaison has no
    certificate yet, so the compose page tells him what is missing."""
    from publishing.services.channels import channel_update
    from training.models import CertificationTrack

    track = CertificationTrack.objects.filter(slug="social-publisher").first()
    wanted = {"required_track": track, "requires_policy_acknowledgment": True}
    if track is not None and any(getattr(channel, name) != value for name, value in wanted.items()):
        channel_update(actor=SYSTEM, channel=channel, changes=wanted)
