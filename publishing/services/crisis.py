"""Publishing's side of a crisis: the statements a spokesperson writes while an incident is
active, and the publications an incident froze.

Governance keeps the incidents; the freeze is a state publishing reads (the sweep and the claim
before each send hold what it covers, ``dispatch._held_by_crisis``). Rules kept here:

- Nothing ordinary goes out on a frozen channel. The crisis path is the only way: a spokesperson
  named in the incident's plan writes a statement (usually from a holding statement, every blank
  filled in), which takes the plan's shortcut approvals (``routes.crisis_route``) and, once
  approved, goes out on the frozen channels.
- A frozen publication stays held while an incident that froze its channel is active: there is no
  "publish anyway". The CoE manager may withdraw it or give it a new time at any moment; after the
  incident is resolved the manager may also release it (back on the schedule now, sent exactly
  once by the normal claim).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from coe.audit import audit
from coe.errors import Conflict, DomainError, NotAllowed
from governance import permissions as governance_permissions
from governance.models import CrisisIncident, IncidentUpdate
from governance.selectors import crisis as crisis_selectors
from governance.services.crisis import incident_update_add
from publishing import permissions
from publishing.models import Channel, Post, Publication
from publishing.services import workflow
from publishing.services.common import record

Status = Publication.Status
HoldReason = Publication.HoldReason

DECISIONS = ("release", "reschedule", "withdraw")
# Blanks of a holding statement: [time], [date], [product] … left unfilled they would be published.
BLANK = re.compile(r"\[[^\[\]\n]{1,40}\]")


# --- reading -------------------------------------------------------------------------------------


def _on_channels_of(publications: QuerySet[Publication], incident: CrisisIncident | None) -> QuerySet[Publication]:
    if incident is None or incident.all_channels:
        return publications
    return publications.filter(channel__in=incident.channels.values("pk"))


def frozen_publications(*, user, incident: CrisisIncident | None = None) -> QuerySet[Publication]:
    """Publications a crisis freeze holds, that this person may see (on ``incident``'s channels
    when given), earliest first."""
    if not permissions.can_view_frozen_publications(user):
        return Publication.objects.none()
    held = permissions.publications_visible_to(user).filter(status=Status.HELD, hold_reason=HoldReason.CRISIS)
    return (
        _on_channels_of(held, incident)
        .select_related("post", "post__author", "post__department", "channel")
        .order_by("scheduled_at", "pk")
    )


def scheduled_on_frozen_channels(*, user, incident: CrisisIncident | None = None) -> QuerySet[Publication]:
    """Scheduled publications on channels an active incident freezes (statements aside): they are
    held when their time comes, unless the incident is resolved first."""
    freeze = crisis_selectors.current_freeze(fresh=True)
    if not freeze or not permissions.can_view_frozen_publications(user):
        return Publication.objects.none()
    if incident is not None and not incident.is_active:
        return Publication.objects.none()
    channels = freeze.channel_ids
    scheduled = permissions.publications_visible_to(user).filter(status__in=[Status.SCHEDULED, Status.QUEUED])
    if not isinstance(channels, crisis_selectors.AllChannels):
        scheduled = scheduled.filter(channel__in=channels)
    statements = [frozen_by.incident_id for frozen_by in freeze.incidents]
    scheduled = scheduled.exclude(post__crisis_incident__in=statements)
    return (
        _on_channels_of(scheduled, incident)
        .select_related("post", "post__author", "post__department", "channel")
        .order_by("scheduled_at", "pk")
    )


def statements_of(*, user, incident: CrisisIncident) -> QuerySet[Post]:
    """The statements written for an incident, newest first."""
    return (
        permissions.posts_visible_to(user)
        .filter(crisis_incident=incident)
        .select_related("author")
        .prefetch_related("publications__channel")
        .order_by("-created_at")
    )


def still_frozen_by(publication: Publication, freeze=None):
    """The active incident that keeps this publication frozen, or None once it may be released."""
    freeze = freeze if freeze is not None else crisis_selectors.current_freeze(fresh=True)
    return freeze.holding(publication.channel_id, statement_of=publication.post.crisis_incident_id)


# --- the crisis path ----------------------------------------------------------------------------


@transaction.atomic
def crisis_statement_create(
    *, actor, incident: CrisisIncident, text: str, channels: Sequence[Channel], link: str = ""
) -> workflow.Outcome:
    """Write and submit a statement for an active incident (a spokesperson named in its plan).
    Its route is the plan's shortcut: the spokesperson's own word, then the plan's number of CoE
    approvals; once approved it goes out at once on the frozen channels it names. Blanks left from
    a holding statement ([time], [date] …) are refused, so they are never published."""
    incident = CrisisIncident.objects.select_related("plan").get(pk=incident.pk)
    if not incident.is_active:
        raise Conflict(
            f"“{incident}” is resolved: its channels are open again, write an ordinary post.", code="incident_resolved"
        )
    if not governance_permissions.can_speak_for_incident(actor, incident):
        raise NotAllowed("Only a spokesperson named in the crisis plan writes statements for this incident.")
    text = (text or "").strip()
    if not text:
        raise DomainError("Write the statement.", code="invalid", fields={"text": ["Write the statement."]})
    blanks = sorted(set(BLANK.findall(text)))
    if blanks:
        message = f"Fill in the blanks before it goes out: {', '.join(blanks)}."
        raise DomainError(message, code="unfilled_blanks", fields={"text": [message]})
    channels = list(channels)
    workflow._check_channels_allowed(actor, channels, incident)
    post = Post.objects.create(
        author=actor,
        department=workflow._department_for(actor, channels),
        text=text,
        link=(link or "").strip(),
        crisis_incident=incident,
    )
    workflow._sync_publications(post, channels)
    workflow._snapshot(post, actor)
    record(post, "created", actor=actor, to_status=Post.Status.DRAFT, data={"crisis_incident": incident.pk})
    outcome = workflow.post_submit(actor=actor, post=post)
    post = outcome.post
    names = ", ".join(str(channel) for channel in channels)
    state = "approved, going out now" if post.status == Post.Status.APPROVED else "waiting for the shortcut approvals"
    incident_update_add(
        actor=actor,
        incident=incident,
        kind=IncidentUpdate.Kind.STATEMENT,
        text=f"Statement #{post.pk} for {names} ({state}):\n{text}",
    )
    return outcome


# --- deciding on frozen publications ------------------------------------------------------------


def _frozen_for_decision(actor, publication: Publication) -> Publication:
    if not permissions.can_decide_frozen_publications(actor):
        raise NotAllowed("Only the CoE manager decides what happens to posts a crisis froze.")
    publication = (
        Publication.objects.select_for_update(of=("self",)).select_related("post", "channel").get(pk=publication.pk)
    )
    if publication.status != Status.HELD or publication.hold_reason != HoldReason.CRISIS:
        raise Conflict(
            f"Post #{publication.post_id} on {publication.channel} is no longer frozen "
            f"({publication.get_status_display().lower()}).",
            code="not_frozen",
        )
    return publication


def _require_approved(publication: Publication) -> None:
    post = publication.post
    if post.status != Post.Status.APPROVED:
        raise Conflict(
            f"Post #{post.pk} is {post.get_status_display().lower()}, no longer approved; it cannot be sent.",
            code="not_approved",
        )


@transaction.atomic
def frozen_publication_release(*, actor, publication: Publication) -> Publication:
    """Release a frozen publication once no active incident freezes its channel (the CoE
    manager): it goes back on the schedule for now and the normal claim sends it exactly once.
    While the incident is active this is refused; there is no "publish anyway"."""
    publication = _frozen_for_decision(actor, publication)
    frozen_by = still_frozen_by(publication)
    if frozen_by is not None:
        raise Conflict(
            f"{publication.channel} is still frozen by the active incident “{frozen_by.title}”. Resolve the incident "
            "first; until then you may reschedule or withdraw the post, not publish it.",
            code="still_frozen",
        )
    _require_approved(publication)
    Publication.objects.filter(pk=publication.pk, status=Status.HELD, hold_reason=HoldReason.CRISIS).update(
        status=Status.SCHEDULED,
        hold_reason="",
        scheduled_at=timezone.now(),
        next_attempt_at=None,
        attempts=0,
        last_error="",
    )
    post = publication.post
    record(post, "crisis_released", actor=actor, to_status=post.status, data={"channel": str(publication.channel)})
    audit(
        actor=actor,
        action="publication.released",
        obj=post,
        summary=f"Post #{post.pk} on {publication.channel} was released after the crisis freeze.",
        data={"publication": publication.pk, "channel": publication.channel_id},
    )
    publication.refresh_from_db()
    return publication


@transaction.atomic
def frozen_publication_reschedule(*, actor, publication: Publication, scheduled_at: datetime | None) -> Publication:
    """Give a frozen publication a new time (the CoE manager), during the incident or after. If
    its channel is still frozen when that time comes, it is held again."""
    if scheduled_at is None or scheduled_at <= timezone.now():
        raise DomainError(
            "Pick a new time in the future.", code="invalid", fields={"scheduled_at": ["Pick a time in the future."]}
        )
    publication = _frozen_for_decision(actor, publication)
    _require_approved(publication)
    Publication.objects.filter(pk=publication.pk, status=Status.HELD, hold_reason=HoldReason.CRISIS).update(
        status=Status.SCHEDULED, hold_reason="", scheduled_at=scheduled_at, next_attempt_at=None, attempts=0
    )
    post = publication.post
    others_waiting = (
        post.publications.exclude(pk=publication.pk).filter(status__in=[Status.PENDING, Status.SCHEDULED]).exists()
    )
    if not others_waiting:  # the post's own time is this publication's
        Post.objects.filter(pk=post.pk).update(scheduled_at=scheduled_at, updated_at=timezone.now())
    record(
        post,
        "crisis_rescheduled",
        actor=actor,
        to_status=post.status,
        data={"channel": str(publication.channel), "to": scheduled_at.isoformat()},
    )
    audit(
        actor=actor,
        action="publication.rescheduled",
        obj=post,
        summary=f"Post #{post.pk} on {publication.channel}, frozen by a crisis, moved to "
        f"{timezone.localtime(scheduled_at):%Y-%m-%d %H:%M}.",
        data={"publication": publication.pk, "channel": publication.channel_id, "to": scheduled_at.isoformat()},
    )
    publication.refresh_from_db()
    return publication


@transaction.atomic
def frozen_publication_withdraw(*, actor, publication: Publication, comment: str = "") -> Post:
    """Withdraw the post of a frozen publication (the CoE manager): it is taken back on every
    channel it has not gone out on yet, and never sent."""
    publication = _frozen_for_decision(actor, publication)
    return workflow.post_withdraw(
        actor=actor,
        post=publication.post,
        comment=comment.strip() or f"Withdrawn after a crisis froze it on {publication.channel}.",
    )


def frozen_publications_decide(
    *,
    actor,
    publications: Iterable[Publication],
    decision: str,
    scheduled_at: datetime | None = None,
    comment: str = "",
    incident: CrisisIncident | None = None,
) -> tuple[int, list[str]]:
    """The same decision for several frozen publications, each on its own: refusals are reported
    (with the post and channel), not fatal. Withdrawing takes each post back once. With
    ``incident``, what was decided goes on its timeline."""
    if decision not in DECISIONS:
        raise DomainError("Choose release, reschedule or withdraw.", code="invalid", fields={"decision": ["Choose."]})
    done: list[str] = []
    problems: list[str] = []
    withdrawn: set[int] = set()
    for publication in publications:
        label = f"#{publication.post_id} on {publication.channel}"
        try:
            if decision == "release":
                frozen_publication_release(actor=actor, publication=publication)
            elif decision == "reschedule":
                frozen_publication_reschedule(actor=actor, publication=publication, scheduled_at=scheduled_at)
            elif publication.post_id not in withdrawn:
                frozen_publication_withdraw(actor=actor, publication=publication, comment=comment)
                withdrawn.add(publication.post_id)
            done.append(label)
        except DomainError as error:
            problems.append(f"{label}: {error.message}")
    if done and incident is not None and governance_permissions.can_update_incident(actor, incident):
        verb = {"release": "Released", "reschedule": "Rescheduled", "withdraw": "Withdrew"}[decision]
        when = f" to {timezone.localtime(scheduled_at):%Y-%m-%d %H:%M}" if decision == "reschedule" else ""
        incident_update_add(
            actor=actor,
            incident=incident,
            kind=IncidentUpdate.Kind.DECISION,
            text=f"{verb} {len(done)} frozen post{'s' if len(done) != 1 else ''}{when}: {', '.join(done)}.",
        )
    return len(done), problems
