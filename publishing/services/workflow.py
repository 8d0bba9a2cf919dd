"""The post workflow, in one place: create, edit, submit, approve, request changes, reject,
withdraw, reschedule, publish now, comment, and the deadlines that move posts on their own.

Rules kept here: nobody approves their own post; stages run in order; an edit of content after
submission resets the approvals (and tells whoever had approved); a liaison sends only to their
departments' channels; a channel that requires a certificate or the social media policy takes
submissions only from people who hold them (publishing.services.eligibility); a rejected post is
final; every transition is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from coe.errors import Conflict, DomainError, NotAllowed
from publishing import permissions
from publishing.media import MAX_IMAGES_PER_POST, inspect_image
from publishing.models import (
    Channel,
    Comment,
    Delegation,
    ExternalReviewInvite,
    Post,
    PostMedia,
    PostRevision,
    PostRuleCheck,
    PostStage,
    Publication,
    Review,
    ReviewSeen,
)
from publishing.services import eligibility, routes
from publishing.services.common import coe_staff, lock_post, notify, record, stage_people
from publishing.validation import (
    blocking_messages,
    check_channels,
    duplicate_warnings,
    post_content,
    post_rules_check,
    rule_check_record,
    rules_refusal,
    rules_warnings,
)

CONTENT_FIELDS = frozenset({"text", "link", "campaign", "theme"})
EDITABLE_FIELDS = CONTENT_FIELDS | {"scheduled_at", "channels"}


@dataclass
class MediaUpload:
    file: Any  # an UploadedFile
    alt_text: str = ""


@dataclass
class Outcome:
    """What a service did, plus warnings a person should see (e.g. a likely duplicate)."""

    post: Post
    warnings: list[str] = field(default_factory=list)


# --- helpers ------------------------------------------------------------------------------------


def _require_future(when: datetime | None) -> None:
    if when is not None and when <= timezone.now():
        raise DomainError(
            "Pick a time in the future (or leave it empty to publish as soon as it is approved).",
            code="invalid",
            fields={"scheduled_at": ["This time has passed."]},
        )


def _refuse_archived_campaign(campaign) -> None:
    if campaign is not None and not campaign.is_active:
        message = f"The campaign “{campaign}” is archived; choose an active one or none."
        raise DomainError(message, code="campaign_archived", fields={"campaign": [message]})


def _check_channels_allowed(actor, channels: Sequence[Channel], crisis_incident=None) -> None:
    """A crisis statement goes to the channels its incident froze (its spokesperson need not be a
    liaison); every other post to the actor's own channels."""
    if not channels:
        raise DomainError("Choose at least one channel.", code="invalid", fields={"channels": ["Choose a channel."]})
    if crisis_incident is not None:
        allowed_channels = permissions.channels_for_statement(actor, crisis_incident)
        rule = "a statement goes only to the active channels its incident froze, while it is active"
    else:
        allowed_channels = permissions.channels_for_submission(actor)
        rule = "liaisons send only to their own departments' active channels"
    allowed = set(allowed_channels.values_list("pk", flat=True))
    refused = [channel for channel in channels if channel.pk not in allowed]
    if refused:
        names = ", ".join(f"{c} ({c.department})" for c in refused)
        message = f"You may not post to {names}: {rule}."
        raise NotAllowed(message, code="channel_not_allowed", fields={"channels": [message]})


def _department_for(actor, channels: Sequence[Channel]):
    departments = {channel.department_id for channel in channels}
    if len(departments) == 1:
        return channels[0].department
    own = actor.departments.filter(pk__in=departments).first() or actor.departments.first()
    return own or channels[0].department


def _attach_media(post: Post, uploads: Iterable[MediaUpload]) -> None:
    uploads = list(uploads)
    if not uploads:
        return
    if post.media.count() + len(uploads) > MAX_IMAGES_PER_POST:
        raise DomainError(
            f"A post carries at most {MAX_IMAGES_PER_POST} images.",
            code="media",
            fields={"media": [f"At most {MAX_IMAGES_PER_POST} images."]},
        )
    start = post.media.count()
    for index, upload in enumerate(uploads):
        info = inspect_image(upload.file)
        PostMedia.objects.create(
            post=post,
            file=upload.file,
            alt_text=upload.alt_text.strip(),
            content_type=info.content_type,
            size=info.size,
            width=info.width,
            height=info.height,
            position=start + index,
        )


def _snapshot(post: Post, actor) -> None:
    PostRevision.objects.update_or_create(
        post=post,
        version=post.version,
        defaults={
            "text": post.text,
            "link": post.link,
            "channel_names": sorted(str(channel) for channel in post.channels.all()),
            "media_count": post.media.count(),
            "created_by": actor if getattr(actor, "pk", None) else None,
        },
    )


def _sync_publications(post: Post, channels: Sequence[Channel]) -> None:
    wanted = {channel.pk for channel in channels}
    existing = {publication.channel_id: publication for publication in post.publications.all()}
    for channel_id, publication in existing.items():
        if channel_id not in wanted:
            if publication.status in Publication.OUT:
                raise Conflict(f"It has already gone out on {publication.channel}; that channel cannot be removed.")
            publication.delete()
    Publication.objects.bulk_create(
        [Publication(post=post, channel=channel) for channel in channels if channel.pk not in existing]
    )


def _refuse_if_out(post: Post) -> None:
    out = post.publications.filter(status__in=Publication.OUT).select_related("channel").first()
    if out:
        raise Conflict(
            f"This post has already gone out on {out.channel} ({out.get_status_display().lower()}); "
            "it can no longer change. Write a new post instead.",
            code="already_published",
        )


def _previous_approvers(post: Post) -> list:
    reviews = Review.objects.filter(post=post, decision=Review.Decision.APPROVE, stage__review_round=post.review_round)
    return [review.reviewer for review in reviews.select_related("reviewer") if review.reviewer_id]


# --- create and edit ----------------------------------------------------------------------------


@transaction.atomic
def post_create(
    *,
    actor,
    text: str,
    channels: Sequence[Channel],
    link: str = "",
    campaign=None,
    theme=None,
    scheduled_at: datetime | None = None,
    media: Iterable[MediaUpload] = (),
) -> Outcome:
    """A new draft. The department is that of its channels (or the author's, across departments)."""
    if not permissions.can_compose(actor):
        raise NotAllowed("Your role does not write posts; ask your department's liaison.")
    channels = list(channels)
    _check_channels_allowed(actor, channels)
    _require_future(scheduled_at)
    _refuse_archived_campaign(campaign)
    media = list(media)
    if not text.strip() and not media:
        raise DomainError("Write some text or add an image.", code="invalid", fields={"text": ["Write some text."]})
    post = Post.objects.create(
        author=actor,
        department=_department_for(actor, channels),
        text=text.strip(),
        link=link.strip(),
        campaign=campaign,
        theme=theme,
        scheduled_at=scheduled_at,
    )
    _attach_media(post, media)
    _sync_publications(post, channels)
    _snapshot(post, actor)
    record(post, "created", actor=actor, to_status=Post.Status.DRAFT)
    warnings = duplicate_warnings(
        text=post.text, link=post.link, channels=channels, when=scheduled_at, exclude_post_id=post.pk
    )
    return Outcome(post, warnings)


@transaction.atomic
def post_update(
    *,
    actor,
    post: Post,
    changes: Mapping[str, Any],
    media_add: Iterable[MediaUpload] = (),
    media_remove: Iterable[int] = (),
) -> Outcome:
    """Change a post that has not gone out. A change of content (text, link, media, channels,
    campaign, theme) after submission starts the review again from the first stage and tells
    whoever had approved; a change of time alone keeps the approvals."""
    post = lock_post(post)
    if not permissions.can_edit_post(actor, post):
        if post.is_editable:
            raise NotAllowed("Only the author, their department's liaisons or the CoE may edit this post.")
        raise Conflict(f"A {post.get_status_display().lower()} post cannot be edited.", code="not_editable")
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise DomainError(f"These cannot be edited: {', '.join(sorted(unknown))}.", code="invalid")
    _refuse_if_out(post)
    media_add, media_remove = list(media_add), list(media_remove)

    content_changed = bool(media_add or media_remove)
    if "campaign" in changes and getattr(changes["campaign"], "pk", None) != post.campaign_id:
        _refuse_archived_campaign(changes["campaign"])  # a post already in one keeps it
    for name in CONTENT_FIELDS & set(changes):
        value = changes[name].strip() if isinstance(changes[name], str) else changes[name]
        if getattr(post, name) != value:
            setattr(post, name, value)
            content_changed = True
    if "channels" in changes:
        channels = list(changes["channels"])
        existing = set(post.publications.values_list("channel_id", flat=True))
        if {c.pk for c in channels} != existing:
            _check_channels_allowed(actor, channels, post.crisis_incident if post.crisis_incident_id else None)
            if post.status in {Post.Status.IN_REVIEW, Post.Status.APPROVED} and not post.crisis_incident_id:
                # Adding a channel to a submitted post submits it there: the same gate as post_submit.
                eligibility.require_eligible(actor=actor, channels=[c for c in channels if c.pk not in existing])
            _sync_publications(post, channels)
            content_changed = True
    rescheduled = "scheduled_at" in changes and changes["scheduled_at"] != post.scheduled_at
    if rescheduled:
        _require_future(changes["scheduled_at"])
        post.scheduled_at = changes["scheduled_at"]
    if media_remove:
        post.media.filter(pk__in=media_remove).delete()
    _attach_media(post, media_add)
    if not post.text.strip() and not post.media.exists():
        raise DomainError("Write some text or add an image.", code="invalid", fields={"text": ["Write some text."]})

    before = post.status
    if content_changed:
        post.version += 1
        if post.status in {Post.Status.IN_REVIEW, Post.Status.APPROVED}:
            _restart_review_after_edit(post, actor)
    post.save()
    if rescheduled:
        post.publications.filter(status__in=[Publication.Status.SCHEDULED, Publication.Status.HELD]).update(
            scheduled_at=post.scheduled_at
        )
    if content_changed:
        _snapshot(post, actor)
    action = "edited" if content_changed else ("rescheduled" if rescheduled else "saved")
    record(post, action, actor=actor, from_status=before, data={"version": post.version})
    warnings = duplicate_warnings(
        text=post.text,
        link=post.link,
        channels=list(post.channels.all()),
        when=post.scheduled_at,
        exclude_post_id=post.pk,
    )
    return Outcome(post, warnings)


def _restart_review_after_edit(post: Post, actor) -> None:
    approvers = _previous_approvers(post)
    before = post.status
    routes.close_route(post)
    post.publications.filter(status__in=[Publication.Status.SCHEDULED, Publication.Status.HELD]).update(
        status=Publication.Status.PENDING, hold_reason=""
    )
    post.status = Post.Status.IN_REVIEW
    post.approved_at = None
    post.review_round += 1
    post.save()
    channels = list(post.channels.all())
    rules = post_rules_check(post, channels)  # the changed content is checked as at submission
    if rules.blocked:
        raise rules_refusal(rules, subject="The changed post")
    route, post.late_approval = routes.build_route(post, channels)
    route = routes.add_rule_stages(route, post, rules.review_stages)
    routes.create_route(post, route)
    rule_check_record(post, rules, PostRuleCheck.Moment.SUBMISSION)
    record(
        post,
        "approvals_reset",
        actor=actor,
        from_status=before,
        comment="The content changed after submission, so every stage reviews it again.",
    )
    notify(
        approvers,
        "post_edited_after_approval",
        f"Post #{post.pk} changed after your approval",
        post,
        body="It needs your review again.",
        exclude=actor,
    )
    routes.advance(post, actor=actor)


# --- submit -------------------------------------------------------------------------------------


@transaction.atomic
def post_submit(*, actor, post: Post) -> Outcome:
    """Send a draft for review. Refused with every reason at once when a channel may not be used
    (not the actor's, or the actor lacks a certificate or the policy it requires) or a network
    would refuse the content; warns (does not refuse) about a likely duplicate."""
    post = lock_post(post)
    if not permissions.can_submit_post(actor, post):
        if post.status not in {Post.Status.DRAFT, Post.Status.CHANGES_REQUESTED}:
            raise Conflict(
                f"This post is {post.get_status_display().lower()}; it cannot be submitted again.",
                code="not_submittable",
            )
        raise NotAllowed("Only the author, their department's liaisons or the CoE may submit this post.")
    channels = list(post.channels.select_related("department"))
    _check_channels_allowed(actor, channels, post.crisis_incident if post.crisis_incident_id else None)
    if not post.crisis_incident_id:  # a channel's certificate and policy (eligibility's rules)
        eligibility.require_eligible(actor=actor, channels=channels)
    _require_future(post.scheduled_at)
    problems = blocking_messages(check_channels(post_content(post), channels))
    rules = post_rules_check(post, channels)  # blocking rules refuse; warnings add review stages
    if rules.blocked:
        raise rules_refusal(rules, problems=problems)
    if problems:
        raise DomainError(" ".join(problems), code="content_refused", fields={"text": problems})
    route, late_approval = routes.build_route(post, channels)
    route = routes.add_rule_stages(route, post, rules.review_stages)

    before = post.status
    post.status = Post.Status.IN_REVIEW
    post.review_round += 1
    post.submitted_at = timezone.now()
    post.late_approval = late_approval
    post.save()
    routes.create_route(post, route)
    rule_check_record(post, rules, PostRuleCheck.Moment.SUBMISSION)
    record(post, "submitted", actor=actor, from_status=before, data={"stages": [spec.name for spec in route]})
    routes.advance(post, actor=actor)
    warnings = rules_warnings(rules) + duplicate_warnings(
        text=post.text, link=post.link, channels=channels, when=post.scheduled_at, exclude_post_id=post.pk
    )
    return Outcome(post, warnings)


# --- decisions ----------------------------------------------------------------------------------


def _decidable_stage(actor, post: Post, stage: PostStage | None, *, pending_approval_only: bool = False) -> PostStage:
    if post.status != Post.Status.IN_REVIEW:
        raise Conflict(
            f"This post is no longer waiting for review (it is {post.get_status_display().lower()}).",
            code="not_in_review",
        )
    if post.author_id == actor.pk:
        raise NotAllowed("Nobody approves their own post; it goes to the reviewers its policy names.", code="own_post")
    stages = permissions.stages_user_may_decide(actor, post)
    if stage is not None:
        stages = [s for s in stages if s.pk == stage.pk]
    if pending_approval_only:  # stages this person has not approved yet (for this version)
        done = set(
            Review.objects.filter(
                stage__in=stages, reviewer=actor, decision=Review.Decision.APPROVE, post_version=post.version
            ).values_list("stage_id", flat=True)
        )
        stages = [s for s in stages if s.pk not in done]
    if not stages:
        raise NotAllowed("This post is not waiting for your decision.", code="not_your_stage")
    return stages[0]


def _on_behalf_of(actor, stage: PostStage):
    """The approver the actor stands in for, when the stage does not name the actor themself."""
    if stage.people.filter(pk=actor.pk).exists() or (
        stage.group_id and actor.groups.filter(pk=stage.group_id).exists()
    ):
        return None
    now = timezone.now()
    delegation = (
        Delegation.objects.filter(delegate=actor, starts_at__lte=now, ends_at__gt=now)
        .filter(Q(approver__in=stage.people.all()) | Q(approver__groups=stage.group_id))
        .select_related("approver")
        .first()
    )
    return delegation.approver if delegation else None


def _count_and_advance(post: Post, stage: PostStage, actor, label: str = "") -> None:
    if routes.approvals_for(stage, post.version) >= stage.required_approvals:
        stage.status = PostStage.Status.APPROVED
        stage.completed_at = timezone.now()
        stage.save(update_fields=["status", "completed_at"])
        routes.advance(post, actor=actor)


@transaction.atomic
def review_approve(*, actor, post: Post, comment: str = "", stage: PostStage | None = None) -> Review:
    """Approve at a stage the actor may decide. A second click is refused with a message, never
    counted twice."""
    post = lock_post(post)
    try:
        stage = _decidable_stage(actor, post, stage, pending_approval_only=True)
    except NotAllowed as refusal:
        if (
            refusal.code == "not_your_stage"
            and Review.objects.filter(
                post=post,
                reviewer=actor,
                decision=Review.Decision.APPROVE,
                post_version=post.version,
                stage__review_round=post.review_round,
            ).exists()
        ):
            raise Conflict(
                "You already approved this version; it is waiting for others.", code="already_approved"
            ) from refusal
        raise
    try:
        with transaction.atomic():
            review = Review.objects.create(
                post=post,
                stage=stage,
                reviewer=actor,
                on_behalf_of=_on_behalf_of(actor, stage),
                decision=Review.Decision.APPROVE,
                comment=comment.strip(),
                post_version=post.version,
            )
    except IntegrityError as exc:  # a concurrent double click that got past the checks
        raise Conflict("You already approved this version.", code="already_approved") from exc
    record(
        post,
        "approved",
        actor=actor,
        from_status=post.status,
        comment=comment.strip(),
        data={"stage": stage.name, "on_behalf_of": str(review.on_behalf_of or "")},
    )
    _count_and_advance(post, stage, actor)  # may approve the post: recorded after this decision
    review_mark_seen(user=actor, post=post)
    return review


def _require_comment(comment: str, what: str) -> str:
    comment = comment.strip()
    if not comment:
        raise DomainError(f"Say {what} in a comment.", code="invalid", fields={"comment": [f"Say {what}."]})
    return comment


@transaction.atomic
def review_request_changes(*, actor, post: Post, comment: str, stage: PostStage | None = None) -> Review:
    """Send the post back to its author with what needs to change; it can be resubmitted."""
    comment = _require_comment(comment, "what needs to change")
    post = lock_post(post)
    stage = _decidable_stage(actor, post, stage)
    review = Review.objects.create(
        post=post,
        stage=stage,
        reviewer=actor,
        on_behalf_of=_on_behalf_of(actor, stage),
        decision=Review.Decision.REQUEST_CHANGES,
        comment=comment,
        post_version=post.version,
    )
    _send_back(post, actor, comment, stage.name)
    return review


def _send_back(post: Post, actor, comment: str, stage_name: str, actor_label: str = "") -> None:
    before = post.status
    routes.close_route(post)
    post.status = Post.Status.CHANGES_REQUESTED
    post.save(update_fields=["status", "updated_at"])
    record(
        post,
        "changes_requested",
        actor=actor,
        actor_label=actor_label,
        from_status=before,
        comment=comment,
        data={"stage": stage_name},
    )
    notify(
        [post.author],
        "post_changes_requested",
        f"Changes requested on post #{post.pk}",
        post,
        body=comment,
        exclude=actor,
    )


@transaction.atomic
def review_reject(*, actor, post: Post, comment: str, stage: PostStage | None = None) -> Review:
    """Reject for good: a rejected post is final (its author may write a new one)."""
    comment = _require_comment(comment, "why it is rejected")
    post = lock_post(post)
    stage = _decidable_stage(actor, post, stage)
    review = Review.objects.create(
        post=post,
        stage=stage,
        reviewer=actor,
        on_behalf_of=_on_behalf_of(actor, stage),
        decision=Review.Decision.REJECT,
        comment=comment,
        post_version=post.version,
    )
    _reject(post, actor, comment, stage.name)
    return review


def _reject(post: Post, actor, comment: str, stage_name: str, actor_label: str = "") -> None:
    before = post.status
    routes.close_route(post)
    _close(post, Post.Status.REJECTED)
    record(
        post,
        "rejected",
        actor=actor,
        actor_label=actor_label,
        from_status=before,
        comment=comment,
        data={"stage": stage_name},
    )
    notify([post.author], "post_rejected", f"Post #{post.pk} was rejected", post, body=comment, exclude=actor)


def _close(post: Post, status: str) -> None:
    post.status = status
    post.closed_at = timezone.now()
    post.save(update_fields=["status", "closed_at", "updated_at"])
    post.publications.filter(status__in=Publication.OPEN).update(status=Publication.Status.CANCELLED, hold_reason="")


@transaction.atomic
def post_withdraw(*, actor, post: Post, comment: str = "") -> Post:
    """Take a post back before it goes out. Channels it already went out on are not touched."""
    post = lock_post(post)
    if not permissions.can_withdraw_post(actor, post):
        if post.status in Post.CLOSED:
            raise Conflict(f"This post is already {post.get_status_display().lower()}.", code="closed")
        raise NotAllowed("Only the author, their department's liaisons or the CoE may withdraw this post.")
    if post.publications.exists() and not post.publications.filter(status__in=Publication.OPEN).exists():
        raise Conflict(
            "It has already gone out on every channel; nothing is left to withdraw. Delete it on the "
            "network itself if it must disappear.",
            code="already_published",
        )
    before = post.status
    routes.close_route(post)
    _close(post, Post.Status.WITHDRAWN)
    record(post, "withdrawn", actor=actor, from_status=before, comment=comment.strip())
    return post


# --- time ---------------------------------------------------------------------------------------


@transaction.atomic
def post_reschedule(*, actor, post: Post, scheduled_at: datetime | None) -> Post:
    """Move a post in time; approvals stand (the content did not change). An expired post gets a
    new time and goes back to draft, to be submitted again."""
    post = lock_post(post)
    if not permissions.can_reschedule_post(actor, post):
        if post.is_editable or post.status == Post.Status.EXPIRED:
            raise NotAllowed("Only the author, their department's liaisons or the CoE may move this post.")
        raise Conflict(f"A {post.get_status_display().lower()} post cannot be moved.", code="not_editable")
    _require_future(scheduled_at)
    if post.publications.filter(status__in=[Publication.Status.QUEUED, Publication.Status.PUBLISHING]).exists():
        raise Conflict("It is being published right now; it can no longer be moved.", code="publishing")
    before, previous = post.status, post.scheduled_at
    post.scheduled_at = scheduled_at
    if post.status == Post.Status.EXPIRED:
        post.status = Post.Status.DRAFT
        post.closed_at = None
        post.publications.filter(status=Publication.Status.CANCELLED).update(status=Publication.Status.PENDING)
    post.save()
    if post.status == Post.Status.APPROVED:
        post.publications.filter(
            Q(status=Publication.Status.SCHEDULED)
            | Q(status=Publication.Status.HELD, hold_reason=Publication.HoldReason.NEEDS_TIME)
        ).update(status=Publication.Status.SCHEDULED, hold_reason="", scheduled_at=scheduled_at or timezone.now())
    record(
        post,
        "rescheduled",
        actor=actor,
        from_status=before,
        data={
            "from": previous.isoformat() if previous else None,
            "to": scheduled_at.isoformat() if scheduled_at else None,
        },
    )
    return post


@transaction.atomic
def post_publish_now(*, actor, post: Post) -> Post:
    post = lock_post(post)
    if not permissions.can_publish_now(actor, post):
        if post.status != Post.Status.APPROVED:
            raise Conflict("Only an approved post can be published now.", code="not_approved")
        raise NotAllowed("Only the author, their department's liaisons or the CoE may publish this post now.")
    now = timezone.now()
    changed = post.publications.filter(
        Q(status=Publication.Status.SCHEDULED)
        | Q(status=Publication.Status.HELD, hold_reason=Publication.HoldReason.NEEDS_TIME)
    ).update(status=Publication.Status.SCHEDULED, hold_reason="", scheduled_at=now, next_attempt_at=None)
    if not changed:
        raise Conflict("Nothing is waiting to go out for this post.", code="nothing_to_publish")
    post.scheduled_at = now
    post.save(update_fields=["scheduled_at", "updated_at"])
    record(post, "publish_now", actor=actor, from_status=post.status)
    return post


# --- comments and what reviewers saw ------------------------------------------------------------


@transaction.atomic
def comment_add(*, actor, post: Post, body: str) -> Comment:
    if not permissions.posts_visible_to(actor).filter(pk=post.pk).exists():
        raise NotAllowed("You cannot comment on this post.")
    body = _require_comment(body, "something")
    comment = Comment.objects.create(post=post, author=actor, body=body, post_version=post.version)
    earlier = {c.author for c in post.comments.select_related("author") if c.author_id} | {post.author}
    notify(earlier, "post_comment", f"New comment on post #{post.pk}", post, body=body[:500], exclude=actor)
    return comment


def review_mark_seen(*, user, post: Post) -> None:
    ReviewSeen.objects.update_or_create(
        user=user, post=post, defaults={"version": post.version, "seen_at": timezone.now()}
    )


# --- outside reviewers --------------------------------------------------------------------------


@transaction.atomic
def external_invite_create(*, actor, post: Post, email: str, name: str = "") -> ExternalReviewInvite:
    """Ask someone without an account (agency, client, counsel) to decide on the active stage."""
    post = lock_post(post)
    if not permissions.can_invite_external_reviewer(actor, post):
        raise NotAllowed(
            "Only the author, their department's liaisons or the CoE may invite an outside reviewer "
            "while the post is in review."
        )
    stage = routes.current_stages(post).filter(status=PostStage.Status.ACTIVE).first()
    if stage is None:
        raise Conflict("No stage is waiting for a decision right now.", code="no_active_stage")
    invite = routes.invite_external_reviewer(post=post, stage=stage, email=email, name=name, created_by=actor)
    stage.external_reviewers = "\n".join(sorted({*stage.external_reviewers.split(), invite.email}))
    stage.save(update_fields=["external_reviewers"])
    record(
        post,
        "external_review_requested",
        actor=actor,
        from_status=post.status,
        data={"stage": stage.name, "email": invite.email},
    )
    return invite


def external_invite_from_token(token: str) -> ExternalReviewInvite:
    """The invite a link stands for, or a DomainError saying why the link no longer works."""
    try:
        data = signing.loads(token, salt=routes.EXTERNAL_SALT, max_age=timedelta(days=settings.EXTERNAL_REVIEW_DAYS))
    except signing.SignatureExpired as exc:
        raise DomainError("This review link has expired; ask for a new one.", code="link_expired") from exc
    except signing.BadSignature as exc:
        raise DomainError("This review link is not valid.", code="link_invalid") from exc
    invite = ExternalReviewInvite.objects.select_related("post", "stage").filter(pk=data.get("invite")).first()
    if invite is None:
        raise DomainError("This review link is not valid.", code="link_invalid")
    if invite.expires_at <= timezone.now():
        raise DomainError("This review link has expired; ask for a new one.", code="link_expired")
    return invite


@transaction.atomic
def external_review_decide(*, invite: ExternalReviewInvite, decision: str, comment: str, name: str = "") -> Review:
    """An outside reviewer's decision, recorded like anyone's."""
    post = lock_post(invite.post)
    invite = ExternalReviewInvite.objects.select_for_update().get(pk=invite.pk)
    stage = invite.stage
    if invite.decided_at:
        raise Conflict("You already gave your decision on this post. Thank you.", code="already_decided")
    if invite.post_version != post.version or stage.review_round != post.review_round:
        raise Conflict("The post changed after this link was sent; a new link will follow.", code="stale_link")
    if post.status != Post.Status.IN_REVIEW or stage.status != PostStage.Status.ACTIVE:
        raise Conflict("This post is no longer waiting for your decision.", code="not_in_review")
    if name.strip() and not invite.name:
        invite.name = name.strip()[:120]
    label = invite.label
    if decision not in Review.Decision.values:
        raise DomainError("Choose approve, request changes or reject.", code="invalid")
    if decision != Review.Decision.APPROVE:
        comment = _require_comment(comment, "what needs to change" if decision == "request_changes" else "why")
    review = Review.objects.create(
        post=post,
        stage=stage,
        reviewer=None,
        reviewer_label=label[:200],
        decision=decision,
        comment=comment.strip(),
        post_version=post.version,
    )
    invite.decided_at = timezone.now()
    invite.save(update_fields=["decided_at", "name"])
    before = post.status
    if decision == Review.Decision.APPROVE:
        record(
            post,
            "approved",
            actor_label=label,
            from_status=before,
            comment=comment.strip(),
            data={"stage": stage.name, "external": True},
        )
        _count_and_advance(post, stage, None)
    elif decision == Review.Decision.REQUEST_CHANGES:
        _send_back(post, None, comment, stage.name, actor_label=label)
    else:
        _reject(post, None, comment, stage.name, actor_label=label)
    return review


# --- delegation ---------------------------------------------------------------------------------


@transaction.atomic
def delegation_create(*, actor, delegate, starts_at: datetime, ends_at: datetime, note: str = "") -> Delegation:
    """An approver names a stand-in for a period (out of office)."""
    if not permissions.can_use_review_queue(actor):
        raise NotAllowed("Only reviewers name a stand-in.")
    if delegate.pk == actor.pk:
        raise DomainError("Choose someone other than yourself.", code="invalid", fields={"delegate": ["Not yourself."]})
    if not delegate.is_active:
        raise DomainError(f"{delegate} cannot sign in.", code="invalid", fields={"delegate": ["Inactive person."]})
    if ends_at <= starts_at:
        raise DomainError("The period must end after it starts.", code="invalid", fields={"ends_at": ["Too early."]})
    if ends_at <= timezone.now():
        raise DomainError("The period is already over.", code="invalid", fields={"ends_at": ["In the past."]})
    delegation = Delegation.objects.create(
        approver=actor, delegate=delegate, starts_at=starts_at, ends_at=ends_at, note=note.strip()
    )
    from coe import services as coe_services

    coe_services.notify(
        recipients=[delegate],
        kind="delegation",
        title=f"You stand in for {actor} as a reviewer",
        body=f"From {starts_at:%Y-%m-%d %H:%M} to {ends_at:%Y-%m-%d %H:%M} UTC. {note}".strip(),
        url="/publishing/review/",
    )
    return delegation


@transaction.atomic
def delegation_end(*, actor, delegation: Delegation) -> None:
    if delegation.approver_id != actor.pk:
        raise NotAllowed("Only the approver who named the stand-in can end it.")
    now = timezone.now()
    if delegation.ends_at > now:
        delegation.ends_at = max(now, delegation.starts_at + timedelta(seconds=1))
        delegation.save(update_fields=["ends_at"])


# --- deadlines (run by beat) --------------------------------------------------------------------


def posts_expire_overdue(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """A post still waiting for review when its time passes is not published: it expires and its
    author is told. Idempotent: only posts still waiting are touched."""
    now = now or timezone.now()
    expired = 0
    ids = list(
        Post.objects.filter(
            status__in=[Post.Status.IN_REVIEW, Post.Status.CHANGES_REQUESTED], scheduled_at__lte=now
        ).values_list("pk", flat=True)[:batch_size]
    )
    for post_id in ids:
        with transaction.atomic():
            post = lock_post(post_id)
            if post.status not in {Post.Status.IN_REVIEW, Post.Status.CHANGES_REQUESTED}:
                continue
            before = post.status
            routes.close_route(post)
            _close(post, Post.Status.EXPIRED)
            record(
                post,
                "expired",
                from_status=before,
                comment="Its scheduled time passed before it was approved; it was not published.",
            )
            notify(
                [post.author],
                "post_expired",
                f"Post #{post.pk} expired before approval",
                post,
                body="Give it a new time and submit it again if it is still needed.",
            )
            expired += 1
    return expired


def stages_remind_overdue(*, now: datetime | None = None) -> tuple[int, int]:
    """Remind the reviewers of a stage past its turnaround time; after another turnaround period,
    escalate to the CoE. Each happens once per stage."""
    now = now or timezone.now()
    reminded = escalated = 0
    overdue = PostStage.objects.filter(status=PostStage.Status.ACTIVE, due_at__lte=now).select_related("post")
    for stage in overdue.filter(reminded_at__isnull=True):
        if PostStage.objects.filter(pk=stage.pk, reminded_at__isnull=True).update(reminded_at=now):
            notify(
                stage_people(stage),
                "review_reminder",
                f"Reminder: post #{stage.post_id} waits for you ({stage.name})",
                stage.post,
                exclude=stage.post.author,
            )
            reminded += 1
    for stage in overdue.filter(escalated_at__isnull=True, reminded_at__isnull=False):
        grace = timedelta(hours=stage.turnaround_hours or 24)
        if stage.due_at + grace <= now and PostStage.objects.filter(pk=stage.pk, escalated_at__isnull=True).update(
            escalated_at=now
        ):
            notify(
                coe_staff(),
                "review_escalated",
                f"Escalated: post #{stage.post_id} stuck at {stage.name}",
                stage.post,
                body=f"Due {stage.due_at:%Y-%m-%d %H:%M} UTC and still waiting.",
            )
            escalated += 1
    return reminded, escalated
