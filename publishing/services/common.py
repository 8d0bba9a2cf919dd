"""Small pieces every publishing service uses: locking a post, recording its timeline, and who
to tell about it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from coe import services as coe_services
from coe.audit import audit
from coe.roles import Role
from publishing.models import Delegation, Post, PostStage, PostTransition

User = get_user_model()

# The post's steps the audit trail keeps (sending and the rest stay on the post's own timeline).
AUDITED_ACTIONS = frozenset(
    {
        "submitted",
        "approved",
        "approved_all",
        "changes_requested",
        "rejected",
        "withdrawn",
        "approvals_reset",
        "publish_now",
        "publication_retry",
        "publication_confirmed",
    }
)


def lock_post(post: Post | int) -> Post:
    """The post, re-read under a row lock: two decisions on one post never interleave."""
    return Post.objects.select_for_update().select_related("department", "author").get(pk=getattr(post, "pk", post))


def record(
    post: Post,
    action: str,
    *,
    actor=None,
    actor_label: str = "",
    from_status: str = "",
    to_status: str | None = None,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> PostTransition:
    """One line of the post's timeline (and of the audit trail, for the decisions it must show)."""
    real_actor = actor if getattr(actor, "pk", None) else None
    label = actor_label or ("" if real_actor else str(actor or "CoE Hub"))
    if action in AUDITED_ACTIONS:
        stage = (data or {}).get("stage")
        audit(
            actor=real_actor or label,
            action=f"post.{action}",
            obj=post,
            summary=f"Post #{post.pk} {action.replace('_', ' ')}{f' at {stage}' if stage else ''}"
            + (f": {comment[:200]}" if comment else "."),
            data={"from": from_status, "to": post.status if to_status is None else to_status, **(data or {})},
        )
    return PostTransition.objects.create(
        post=post,
        actor=real_actor,
        actor_label=label[:200],
        action=action,
        from_status=from_status,
        to_status=post.status if to_status is None else to_status,
        comment=comment,
        data=data or {},
    )


def stage_people(stage: PostStage) -> list:
    """Everyone a stage names (its group's members and its people) and whoever stands in for
    them right now."""
    direct = User.objects.filter(Q(pk__in=stage.people.values("pk")) | Q(groups=stage.group_id), is_active=True)
    now = timezone.now()
    delegates = User.objects.filter(
        is_active=True,
        delegations_held__approver__in=direct,
        delegations_held__starts_at__lte=now,
        delegations_held__ends_at__gt=now,
    )
    return list((direct | delegates).distinct())


def coe_staff() -> list:
    return list(
        User.objects.filter(
            is_active=True, groups__name__in=[Role.COE_MANAGER.group_name, Role.COE_MEMBER.group_name]
        ).distinct()
    )


def coe_managers() -> list:
    return list(User.objects.filter(is_active=True, groups__name=Role.COE_MANAGER.group_name))


def notify(recipients: Iterable, kind: str, title: str, post: Post, body: str = "", exclude=None) -> int:
    return coe_services.notify(
        recipients=recipients,
        kind=kind,
        title=title,
        body=body,
        url=post.get_absolute_url(),
        exclude=exclude if getattr(exclude, "pk", None) else None,
    )


def delegations_active_for(user) -> list[Delegation]:
    now = timezone.now()
    return list(Delegation.objects.filter(delegate=user, starts_at__lte=now, ends_at__gt=now))
