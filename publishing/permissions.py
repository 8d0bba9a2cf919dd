"""Who may do what with channels, posts and publications.

Model permissions (granted to roles in coe.roles) say what a role may do at all; the rules below
add the object: a liaison works on their own departments' posts and channels, a reviewer acts on
the stages that name them (or that name someone they stand in for), and nobody approves their own
post. Querysets here are what a person may see at all; anything else is a 404.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from coe.permissions import has_model_or_object_perm
from governance import permissions as governance_permissions
from publishing.models import (
    ApprovalPolicy,
    Campaign,
    Channel,
    ContentTheme,
    Delegation,
    Post,
    PostStage,
    Publication,
    StageKind,
)

# --- roles --------------------------------------------------------------------------------------


def can_view_all_posts(user) -> bool:
    return has_model_or_object_perm(user, "publishing.view_all_posts")


def can_compose(user) -> bool:
    return has_model_or_object_perm(user, "publishing.add_post")


def can_use_review_queue(user) -> bool:
    return has_model_or_object_perm(user, "publishing.review_posts")


def can_add_channel(user) -> bool:
    return has_model_or_object_perm(user, "publishing.add_channel")


def can_change_channel(user, channel: Channel | None = None) -> bool:
    return has_model_or_object_perm(user, "publishing.change_channel", channel)


def can_manage_policies(user) -> bool:
    return has_model_or_object_perm(user, "publishing.change_approvalpolicy")


def can_pause_publishing(user) -> bool:
    return has_model_or_object_perm(user, "publishing.pause_publishing")


def can_use_calendar(user) -> bool:
    return can_compose(user) or can_use_review_queue(user) or can_view_all_posts(user)


def can_view_campaigns(user) -> bool:
    """Campaigns and themes: read by whoever writes, reviews or reports on posts."""
    return has_model_or_object_perm(user, "publishing.view_campaign") or can_use_calendar(user)


def can_manage_campaigns(user) -> bool:
    return has_model_or_object_perm(user, "publishing.add_campaign") and has_model_or_object_perm(
        user, "publishing.change_campaign"
    )


def can_delete_campaign(user) -> bool:
    return has_model_or_object_perm(user, "publishing.delete_campaign")


def can_manage_themes(user) -> bool:
    return has_model_or_object_perm(user, "publishing.add_contenttheme") and has_model_or_object_perm(
        user, "publishing.change_contenttheme"
    )


def can_delete_theme(user) -> bool:
    return has_model_or_object_perm(user, "publishing.delete_contenttheme")


def _department_ids(user) -> QuerySet:
    return user.departments.values("pk")


# --- channels -----------------------------------------------------------------------------------


def channels_visible_to(user) -> QuerySet[Channel]:
    if not (user and user.is_authenticated and user.is_active):
        return Channel.objects.none()
    if can_view_all_posts(user) or has_model_or_object_perm(user, "publishing.view_channel"):
        return Channel.objects.all()
    if can_compose(user):
        return Channel.objects.filter(department__in=_department_ids(user))
    return Channel.objects.none()


def channels_for_submission(user) -> QuerySet[Channel]:
    """Where this person may send posts: a liaison to their departments' active channels only; the
    CoE to any active channel."""
    if not can_compose(user):
        return Channel.objects.none()
    channels = Channel.objects.filter(is_active=True).select_related("department")
    if can_view_all_posts(user):
        return channels
    return channels.filter(department__in=_department_ids(user))


# --- posts --------------------------------------------------------------------------------------


def _delegators(user, *, except_for=None) -> QuerySet:
    """People the user currently stands in for (never ``except_for``: standing in for a post's
    author does not let anyone approve the author's own post)."""
    now = timezone.now()
    delegations = Delegation.objects.filter(delegate=user, starts_at__lte=now, ends_at__gt=now)
    if except_for is not None:
        delegations = delegations.exclude(approver=except_for)
    return delegations.values("approver")


def stage_eligibility_q(user, prefix: str = "", *, author=None) -> Q:
    """Stages that name the user: through a group they are in, by name, or through someone
    they stand in for. ``prefix`` reaches the stage from another model (e.g. "stages__")."""
    delegators = _delegators(user, except_for=author)
    return (
        Q(**{f"{prefix}group__in": user.groups.values("pk")})
        | Q(**{f"{prefix}people": user})
        | Q(**{f"{prefix}people__in": delegators})
        | Q(**{f"{prefix}group__user__in": delegators})
    )


def posts_visible_to(user) -> QuerySet[Post]:
    """The CoE sees every post; a liaison their departments' posts; a reviewer the posts whose
    route names them; everyone their own posts. Nobody else sees drafts."""
    if not (user and user.is_authenticated and user.is_active):
        return Post.objects.none()
    if can_view_all_posts(user):
        return Post.objects.all()
    visible = Q(author=user) | Q(pk__in=PostStage.objects.filter(stage_eligibility_q(user)).values("post"))
    visible |= Q(pk__in=Post.objects.filter(reviews__reviewer=user).values("pk"))
    if can_compose(user):
        visible |= Q(department__in=_department_ids(user))
    return Post.objects.filter(visible)


def publications_visible_to(user) -> QuerySet[Publication]:
    return Publication.objects.filter(post__in=posts_visible_to(user))


def _works_on(user, post: Post) -> bool:
    """The author, a liaison of the post's department, or the CoE."""
    if not (user and user.is_authenticated and user.is_active) or not can_compose(user):
        return post.author_id == getattr(user, "pk", None)
    if post.author_id == user.pk or can_view_all_posts(user):
        return True
    return user.departments.filter(pk=post.department_id).exists()


def has_gone_out(post: Post) -> bool:
    """Sent (or possibly sent) on a channel: its content is fixed from then on."""
    return any(publication.status in Publication.OUT for publication in post.publications.all())


def can_edit_post(user, post: Post) -> bool:
    return post.is_editable and not has_gone_out(post) and _works_on(user, post)


def can_submit_post(user, post: Post) -> bool:
    return post.status in {Post.Status.DRAFT, Post.Status.CHANGES_REQUESTED} and _works_on(user, post)


def can_withdraw_post(user, post: Post) -> bool:
    publications = list(post.publications.all())
    nothing_left = bool(publications) and not any(p.status in Publication.OPEN for p in publications)
    return post.status not in Post.CLOSED and not nothing_left and _works_on(user, post)


def can_reschedule_post(user, post: Post) -> bool:
    movable = post.is_editable or post.status == Post.Status.EXPIRED
    return movable and not has_gone_out(post) and _works_on(user, post)


def can_publish_now(user, post: Post) -> bool:
    return post.status == Post.Status.APPROVED and _works_on(user, post)


def can_retry_publication(user, publication: Publication) -> bool:
    return _works_on(user, publication.post)


def can_export_evidence(user, post: Post) -> bool:
    """The CoE (everyone who sees every department's posts) exports evidence packs."""
    return can_view_all_posts(user)


def can_invite_external_reviewer(user, post: Post) -> bool:
    return post.status == Post.Status.IN_REVIEW and _works_on(user, post)


def stages_user_may_decide(user, post: Post) -> list[PostStage]:
    """The active gating stages of the post's current route this person may decide on. Never
    the author's own post, whoever they stand in for."""
    if not (user and user.is_authenticated and user.is_active) or post.author_id == user.pk:
        return []
    if post.status != Post.Status.IN_REVIEW:
        return []
    stages = PostStage.objects.filter(
        post=post, review_round=post.review_round, status=PostStage.Status.ACTIVE, kind=StageKind.GATE
    )
    return list(stages.filter(stage_eligibility_q(user, author=post.author_id)).distinct())


def can_review_post(user, post: Post) -> bool:
    return bool(stages_user_may_decide(user, post))


# --- crisis: frozen publications and statements ------------------------------------------------


def can_view_frozen_publications(user) -> bool:
    """The frozen posts page: the CoE, and whoever decides on them."""
    return can_view_all_posts(user) or can_decide_frozen_publications(user)


def can_decide_frozen_publications(user) -> bool:
    """Release, reschedule or withdraw what a crisis froze: whoever resolves incidents (the CoE
    manager)."""
    return has_model_or_object_perm(user, "governance.declare_incident")


def channels_for_statement(user, incident) -> QuerySet[Channel]:
    """Where a spokesperson may publish a statement of an active incident: the active channels it
    froze (all of them for an incident on every channel)."""
    if not governance_permissions.can_speak_for_incident(user, incident):
        return Channel.objects.none()
    channels = Channel.objects.filter(is_active=True).select_related("department")
    return channels if incident.all_channels else channels.filter(pk__in=incident.channels.values("pk"))


def policies_visible_to(user) -> QuerySet[ApprovalPolicy]:
    if can_manage_policies(user) or can_view_all_posts(user):
        return ApprovalPolicy.objects.all()
    return ApprovalPolicy.objects.none()


# --- campaigns and content themes ---------------------------------------------------------------


def _visible_post_count(user) -> Count:
    """How many posts use the row, counting only posts this person may see (a liaison does not
    learn how busy other departments are)."""
    if can_view_all_posts(user):
        return Count("posts")
    return Count("posts", filter=Q(posts__in=posts_visible_to(user).values("pk")))


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns with ``post_count`` (visible posts) and their department, in one query."""
    if not can_view_campaigns(user):
        return Campaign.objects.none()
    return Campaign.objects.select_related("department").annotate(post_count=_visible_post_count(user))


def themes_visible_to(user) -> QuerySet[ContentTheme]:
    """Content themes with ``post_count`` (visible posts), in one query."""
    if not can_view_campaigns(user):
        return ContentTheme.objects.none()
    return ContentTheme.objects.annotate(post_count=_visible_post_count(user))
