"""A post's approval route: built from the approval policies when it is submitted, then walked
stage by stage. Stages with the same position run side by side; an inform stage only notifies
and never blocks; when no gating stage is left the post is approved."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.db.models import Q
from django.utils import timezone

from coe.errors import DomainError
from coe.roles import Role
from publishing.models import ApprovalPolicy, ExternalReviewInvite, Post, PostStage, Publication, Review, StageKind
from publishing.services.common import coe_managers, coe_staff, notify, record, stage_people


@dataclass
class StageSpec:
    position: int
    name: str
    kind: str
    source: str
    group: Group | None = None
    people: set = field(default_factory=set)
    required: int = 1
    external: set[str] = field(default_factory=set)
    turnaround_hours: int | None = None


def applicable_policies(post: Post, channels) -> tuple[list[ApprovalPolicy], list]:
    """For each channel the most specific active policy (channel+department > channel >
    department > default). Returns the distinct policies and the channels no policy covers."""
    candidates = list(
        ApprovalPolicy.objects.filter(is_active=True)
        .filter(Q(channel__in=channels) | Q(channel__isnull=True))
        .filter(Q(department=post.department_id) | Q(department__isnull=True))
        .prefetch_related("stages__people", "stages__group")
    )
    chosen: dict[int, ApprovalPolicy] = {}
    uncovered = []
    for channel in channels:
        matching = [p for p in candidates if p.channel_id in (None, channel.pk)]
        if not matching:
            uncovered.append(channel)
            continue
        best = max(matching, key=lambda p: (p.specificity, -p.pk))
        chosen[best.pk] = best
    return list(chosen.values()), uncovered


def crisis_route(post: Post) -> list[StageSpec]:
    """A crisis statement's shortcut instead of the channels' policies: the spokesperson wrote it,
    then the plan's number of CoE approvals (none: the spokesperson's word is enough); the plan's
    escalation contacts are informed at the same moment."""
    incident = post.crisis_incident
    plan = incident.plan
    source = f"crisis plan: {plan}" if plan else f"crisis incident #{incident.pk}"
    required = plan.shortcut_coe_approvals if plan else 1
    route = []
    if required:
        approval = StageSpec(
            position=10,
            name="Crisis: CoE approval",
            kind=StageKind.GATE,
            source=source,
            people=set(coe_staff()),
            required=required,
            turnaround_hours=1,
        )
        _keep_approvable_without_author(approval, post)
        route.append(approval)
    contacts = set(plan.escalation_contacts.filter(is_active=True)) if plan else set()
    contacts.discard(post.author)
    if contacts:
        route.append(
            StageSpec(
                position=10, name="Crisis: escalation contacts", kind=StageKind.INFORM, source=source, people=contacts
            )
        )
    return route


def build_route(post: Post, channels) -> tuple[list[StageSpec], str]:
    """The stages a submission must pass, and what happens if it is approved late. A crisis
    statement takes its plan's shortcut and goes out as soon as it is approved."""
    if post.crisis_incident_id:
        return crisis_route(post), ApprovalPolicy.LateApproval.PUBLISH_NOW
    policies, uncovered = applicable_policies(post, channels)
    if uncovered:
        names = ", ".join(str(channel) for channel in uncovered)
        raise DomainError(
            f"No approval policy covers {names}; ask the CoE to set one up before submitting.",
            code="no_policy",
            fields={"channels": [f"No approval policy covers {names}."]},
        )
    specs: dict[tuple, StageSpec] = {}
    for policy in policies:
        for stage in policy.stages.all():
            key = (stage.position, stage.name.casefold(), stage.kind, stage.group_id)
            people = set(stage.people.all())
            if stage.department_lead and post.department.lead_id:
                people.add(post.department.lead)
            external = {line.strip().lower() for line in stage.external_reviewers.splitlines() if line.strip()}
            required = stage.required_approvals
            if required == 0:  # "all of them": everyone named at this moment
                members = set(stage.group.user_set.filter(is_active=True)) if stage.group_id else set()
                people |= members
                required = len(people) + len(external)
            spec = specs.get(key)
            if spec is None:
                specs[key] = StageSpec(
                    position=stage.position,
                    name=stage.name,
                    kind=stage.kind,
                    source=f"policy: {policy.name}",
                    group=stage.group,
                    people=people,
                    required=max(required, 1),
                    external=external,
                    turnaround_hours=stage.turnaround_hours,
                )
            else:  # the same stage from two policies (two channels): the stricter of both
                spec.people |= people
                spec.external |= external
                spec.required = max(spec.required, required)
                if stage.turnaround_hours:
                    spec.turnaround_hours = min(filter(None, [spec.turnaround_hours, stage.turnaround_hours]))
                spec.source = f"{spec.source}, {policy.name}"
    route = sorted(specs.values(), key=lambda spec: (spec.position, spec.name))
    for spec in route:
        _keep_approvable_without_author(spec, post)
    late = (
        ApprovalPolicy.LateApproval.NEW_TIME
        if any(p.late_approval == ApprovalPolicy.LateApproval.NEW_TIME for p in policies)
        else ApprovalPolicy.LateApproval.PUBLISH_NOW
    )
    return route, late


def _keep_approvable_without_author(spec: StageSpec, post: Post) -> None:
    """Nobody approves their own post: a gating stage that only its author could approve goes to
    the CoE managers instead, and a count larger than the people left is lowered to them."""
    if spec.kind != StageKind.GATE:
        return
    others = {person for person in spec.people if person.pk != post.author_id and person.is_active}
    if spec.group is not None:
        others |= set(spec.group.user_set.filter(is_active=True).exclude(pk=post.author_id))
    available = len(others) + len(spec.external)
    if available == 0:
        spec.group = Group.objects.get(name=Role.COE_MANAGER.group_name)
        spec.people = set()
        spec.source += " (only the author could approve: routed to the CoE managers)"
        spec.required = 1
    elif spec.required > available:
        spec.required = available
    spec.people.discard(post.author)


RULE_STAGE_TURNAROUND_HOURS = 48


def add_rule_stages(route: list[StageSpec], post: Post, requests) -> list[StageSpec]:
    """Risky content adds review: each stage a warning rule asks for (governance's
    ReviewStageRequest: a name, a role and/or people) joins the route. A stage of that name already
    on it (Legal, on the Marketing policy) takes the rule's reviewers too and gates; otherwise a
    new gating stage comes right after the last gating one (before stages that only inform)."""
    if not requests:
        return route
    from django.contrib.auth import get_user_model

    position = max((spec.position for spec in route if spec.kind == StageKind.GATE), default=0) + 5
    by_name = {spec.name.casefold(): spec for spec in route}
    for request in requests:
        people = set(get_user_model().objects.filter(pk__in=request.people_ids, is_active=True))
        group = Group.objects.filter(pk=request.group_id).first() if request.group_id else None
        source = f"content rule{'s' if len(request.rules) > 1 else ''}: {', '.join(request.rules)}"
        spec = by_name.get(request.name.casefold())
        if spec is None:
            spec = StageSpec(
                position=position,
                name=request.name,
                kind=StageKind.GATE,
                source=source,
                group=group,
                people=people,
                turnaround_hours=RULE_STAGE_TURNAROUND_HOURS,
            )
            route.append(spec)
            by_name[request.name.casefold()] = spec
        else:
            spec.people |= people
            spec.group = spec.group or group
            spec.kind = StageKind.GATE
            spec.source = f"{spec.source}; {source}"
        _keep_approvable_without_author(spec, post)
    return sorted(route, key=lambda spec: (spec.position, spec.name))


def create_route(post: Post, route: list[StageSpec]) -> None:
    for spec in route:
        stage = PostStage.objects.create(
            post=post,
            review_round=post.review_round,
            position=spec.position,
            name=spec.name,
            kind=spec.kind,
            source=spec.source[:200],
            group=spec.group,
            required_approvals=spec.required,
            external_reviewers="\n".join(sorted(spec.external)),
            turnaround_hours=spec.turnaround_hours,
        )
        if spec.people:
            stage.people.set(spec.people)


def current_stages(post: Post):
    return PostStage.objects.filter(post=post, review_round=post.review_round).order_by("position", "id")


def approvals_for(stage: PostStage, version: int) -> int:
    return Review.objects.filter(stage=stage, decision=Review.Decision.APPROVE, post_version=version).count()


def advance(post: Post, *, actor=None) -> None:
    """Activate the next stages in order. Inform stages notify and pass; when no gating stage is
    left, the post is approved."""
    now = timezone.now()
    while True:
        stages = list(current_stages(post))
        if any(stage.status == PostStage.Status.ACTIVE for stage in stages):
            return
        waiting = [stage for stage in stages if stage.status == PostStage.Status.WAITING]
        if not waiting:
            approve_post(post, actor=actor)
            return
        position = min(stage.position for stage in waiting)
        for stage in (stage for stage in waiting if stage.position == position):
            _activate(post, stage, now)


def _activate(post: Post, stage: PostStage, now) -> None:
    stage.activated_at = now
    if stage.kind == StageKind.INFORM:
        stage.status = PostStage.Status.INFORMED
        stage.completed_at = now
        stage.save(update_fields=["status", "activated_at", "completed_at"])
        notify(
            stage_people(stage),
            "post_fyi",
            f"For your information: post #{post.pk} ({stage.name})",
            post,
            body=post.text[:500],
            exclude=post.author,
        )
        return
    stage.status = PostStage.Status.ACTIVE
    stage.due_at = now + timedelta(hours=stage.turnaround_hours) if stage.turnaround_hours else None
    stage.save(update_fields=["status", "activated_at", "due_at"])
    notify(
        stage_people(stage),
        "review_waiting",
        f"Post #{post.pk} waits for your review ({stage.name})",
        post,
        body=post.text[:500],
        exclude=post.author,
    )
    for email in filter(None, stage.external_reviewers.splitlines()):
        invite_external_reviewer(post=post, stage=stage, email=email, name="", created_by=None)


def approve_post(post: Post, *, actor=None) -> None:
    """Every gating stage approved: schedule the publications. A post whose time has passed
    publishes at once or waits for a new time, as its policy says."""
    now = timezone.now()
    before = post.status
    post.status = Post.Status.APPROVED
    post.approved_at = now
    post.save(update_fields=["status", "approved_at", "updated_at"])
    late = post.scheduled_at is not None and post.scheduled_at <= now
    wait = late and post.late_approval == ApprovalPolicy.LateApproval.NEW_TIME
    publications = post.publications.filter(status__in=[Publication.Status.PENDING, Publication.Status.HELD])
    if wait:
        publications.update(status=Publication.Status.HELD, hold_reason=Publication.HoldReason.NEEDS_TIME)
    else:
        publications.update(
            status=Publication.Status.SCHEDULED,
            hold_reason="",
            scheduled_at=post.scheduled_at if post.scheduled_at and not late else now,
            next_attempt_at=None,
        )
    record(post, "approved_all", actor=actor, from_status=before, data={"late": late, "waits_for_new_time": wait})
    if wait:
        notify([post.author], "post_needs_time", f"Post #{post.pk} was approved after its time: pick a new time", post)
    else:
        notify([post.author], "post_approved", f"Post #{post.pk} is approved", post, exclude=actor)


def close_route(post: Post) -> None:
    """End the current round: its open stages stop waiting (a resubmission starts a new round)."""
    current_stages(post).filter(status__in=[PostStage.Status.WAITING, PostStage.Status.ACTIVE]).update(
        status=PostStage.Status.CLOSED, completed_at=timezone.now()
    )


# --- outside reviewers ---------------------------------------------------------------------------

EXTERNAL_SALT = "publishing.external-review"


def external_review_token(invite: ExternalReviewInvite) -> str:
    return signing.dumps({"invite": invite.pk, "version": invite.post_version}, salt=EXTERNAL_SALT)


def invite_external_reviewer(
    *, post: Post, stage: PostStage, email: str, name: str, created_by
) -> ExternalReviewInvite:
    """A signed link, valid for EXTERNAL_REVIEW_DAYS, sent by e-mail to someone without an account."""
    from publishing.tasks import external_review_email_task

    invite = ExternalReviewInvite.objects.create(
        post=post,
        stage=stage,
        email=email.strip().lower(),
        name=name.strip(),
        post_version=post.version,
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=settings.EXTERNAL_REVIEW_DAYS),
    )
    from django.db import transaction

    transaction.on_commit(lambda: external_review_email_task.delay(invite_id=invite.pk))
    return invite


def escalation_recipients() -> list:
    return coe_managers()
