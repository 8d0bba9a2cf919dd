"""Sending approved publications: exactly once per post and channel.

The schedule lives in the database, never in the broker: a beat sweep every few seconds claims
what is due with ``SELECT … FOR UPDATE SKIP LOCKED`` (two beats or a doubled sweep are harmless)
and enqueues after commit. The publish task claims its publication once more
(``queued → publishing`` in one UPDATE, so a duplicated or redelivered task does nothing), writes
an attempt row *before* calling the network, and passes the adapter a stable idempotency key.

When an earlier attempt may have reached the network (a worker killed mid-send, a timeout after
sending), the next attempt first asks the network whether the post exists and only sends if it
does not. When nobody can tell, the publication becomes ``unknown`` and a person decides.

Retries use the database too (``next_attempt_at``, exponential backoff with jitter, honouring
Retry-After), so nothing is parked in Redis with a long countdown.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from coe.errors import Conflict, DomainError, NotAllowed
from governance.selectors import crisis as crisis_selectors
from publishing import permissions
from publishing.adapters.base import (
    ChannelAdapter,
    CredentialError,
    OutcomeUnknown,
    PermanentError,
    PublishRequest,
    PublishResult,
    TransientError,
)
from publishing.models import Channel, Post, PostMedia, PostRuleCheck, Publication, PublishAttempt, PublishingControl
from publishing.services.common import coe_staff, notify, record
from publishing.validation import post_content, post_rules_check, rule_check_record, rules_refusal

log = logging.getLogger(__name__)

Status = Publication.Status
Outcome = PublishAttempt.Outcome


def _crisis_hold_message(frozen_by) -> str:
    return f"Frozen by the crisis incident “{frozen_by.title}” (#{frozen_by.incident_id})."


def _held_by_crisis(publication: Publication) -> str:
    """Why a crisis freeze holds this publication, or "" when it may go out. Read from the
    database at send time, in the query that loads the publication (``frozen`` below; never a
    cached answer): a freeze declared a moment ago stops this send. A statement of an incident
    that froze the channel is the crisis path and goes out."""
    if not publication.frozen:
        return ""
    frozen_by = crisis_selectors.current_freeze(fresh=True).holding(
        publication.channel_id, statement_of=publication.post.crisis_incident_id
    )
    return _crisis_hold_message(frozen_by) if frozen_by else ""


def _frozen_by_crisis(due: Sequence[tuple[int, int]]) -> dict[int, str]:
    """Of the due (publication, channel) pairs, those a crisis freeze holds, with the reason.
    One query when nothing is frozen; one more to find crisis statements when something is."""
    freeze = crisis_selectors.current_freeze(fresh=True)
    covered = [(pk, channel_id) for pk, channel_id in due if freeze and freeze.covering(channel_id)]
    if not covered:
        return {}
    statement_of = dict(
        Publication.objects.filter(pk__in=[pk for pk, _ in covered])
        .values_list("pk", "post__crisis_incident_id")
        .order_by()
    )
    held = {}
    for pk, channel_id in covered:
        if frozen_by := freeze.holding(channel_id, statement_of=statement_of.get(pk)):
            held[pk] = _crisis_hold_message(frozen_by)
    return held


# --- the sweep ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DispatchResult:
    queued: list[int]
    held: int
    more: bool


def publications_dispatch_due(*, now: datetime | None = None, batch_size: int | None = None) -> DispatchResult:
    """Claim due publications and enqueue them after commit. Publications of channels that cannot
    publish are held instead (not failed one by one). Nothing moves while publishing is paused."""
    from publishing.tasks import publications_publish_task

    now = now or timezone.now()
    batch_size = batch_size or settings.PUBLISH_DISPATCH_BATCH
    if PublishingControl.current().paused:
        return DispatchResult(queued=[], held=0, more=False)
    with transaction.atomic():
        due = list(
            Publication.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Status.SCHEDULED, scheduled_at__lte=now)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("scheduled_at", "id")
            .values_list("id", "channel_id")[:batch_size]
        )
        if not due:
            return DispatchResult(queued=[], held=0, more=False)
        blocked_channels = set(
            Channel.objects.filter(pk__in={channel_id for _, channel_id in due})
            .filter(Q(is_active=False) | Q(health=Channel.Health.NEEDS_RECONNECT))
            .values_list("pk", flat=True)
        )
        to_hold = [pk for pk, channel_id in due if channel_id in blocked_channels]
        open_channels = [(pk, channel_id) for pk, channel_id in due if channel_id not in blocked_channels]
        frozen = _frozen_by_crisis(open_channels)
        sendable = [(pk, channel_id) for pk, channel_id in open_channels if pk not in frozen]
        to_queue = [pk for pk, _ in sendable]
        if to_hold:
            Publication.objects.filter(pk__in=to_hold).update(
                status=Status.HELD, hold_reason=Publication.HoldReason.CHANNEL
            )
        for message in set(frozen.values()):  # one update per incident
            Publication.objects.filter(pk__in=[pk for pk, why in frozen.items() if why == message]).update(
                status=Status.HELD, hold_reason=Publication.HoldReason.CRISIS, last_error=message
            )
        Publication.objects.filter(pk__in=to_queue).update(status=Status.QUEUED, queued_at=now)
        chunks = _chunks_by_channel(sendable)
        transaction.on_commit(lambda: [publications_publish_task.delay(chunk) for chunk in chunks])
    return DispatchResult(queued=to_queue, held=len(to_hold) + len(frozen), more=len(due) == batch_size)


def _chunks_by_channel(due: Sequence[tuple[int, int]]) -> list[list[int]]:
    """One task message per few publications of the same channel: a message costs more than the
    bookkeeping of a send, and keeping a channel's sends together means a slow network delays
    only its own posts."""
    size = settings.PUBLISH_TASK_CHUNK
    by_channel: dict[int, list[int]] = {}
    for pk, channel_id in due:
        by_channel.setdefault(channel_id, []).append(pk)
    return [ids[start : start + size] for ids in by_channel.values() for start in range(0, len(ids), size)]


def publications_publish(
    *, publication_ids: Sequence[int], worker: str = "", budget_seconds: float | None = None
) -> list[int]:
    """Send several queued publications one after the other (see ``publication_publish``). Stops
    starting new sends once ``budget_seconds`` have passed and returns the ids it did not start,
    for a new task: a chunk never runs into the task time limit however slow a network is."""
    budget = settings.PUBLISH_TASK_BUDGET_SECONDS if budget_seconds is None else budget_seconds
    started = time.monotonic()
    for index, publication_id in enumerate(publication_ids):
        if index and time.monotonic() - started > budget:
            return list(publication_ids[index:])
        publication_publish(publication_id=publication_id, worker=worker)
    return []


def publications_recover_stuck(*, now: datetime | None = None) -> tuple[int, int]:
    """Put back what a lost message or a killed worker left behind.

    - ``queued`` for too long: the task message was lost (e.g. Redis restarted) → scheduled again.
      If the message was only slow, the second one finds nothing to claim.
    - ``publishing`` for longer than a task may run: the worker died mid-send. Its attempt is
      marked unknown and the publication scheduled again; the next attempt asks the network first.
    """
    now = now or timezone.now()
    requeued = Publication.objects.filter(
        status=Status.QUEUED, queued_at__lt=now - timedelta(seconds=settings.PUBLISH_QUEUED_STALE_SECONDS)
    ).update(status=Status.SCHEDULED, queued_at=None)
    recovered = 0
    stuck = Publication.objects.filter(
        status=Status.PUBLISHING, claimed_at__lt=now - timedelta(seconds=settings.PUBLISH_STUCK_SECONDS)
    ).values_list("pk", flat=True)
    for pk in list(stuck):
        with transaction.atomic():
            if not Publication.objects.filter(pk=pk, status=Status.PUBLISHING).update(
                status=Status.SCHEDULED, next_attempt_at=now, last_error="The worker stopped while sending; checking."
            ):
                continue
            PublishAttempt.objects.filter(publication_id=pk, outcome=Outcome.PENDING).update(
                outcome=Outcome.UNKNOWN, finished_at=now, message="The worker stopped during this attempt."
            )
            recovered += 1
    return requeued, recovered


# --- one publication ----------------------------------------------------------------------------


def _backoff_seconds(attempt: int, retry_after: float | None) -> float:
    base = settings.PUBLISH_RETRY_BASE_SECONDS * (2 ** max(attempt - 1, 0))
    delay = min(settings.PUBLISH_RETRY_CAP_SECONDS, base) * random.uniform(0.5, 1.5)  # noqa: S311 - jitter
    return max(delay, retry_after or 0)


def _finish(attempt: PublishAttempt, outcome: str, message: str = "", status: int | None = None) -> None:
    attempt.outcome = outcome
    attempt.message = message[:2000]
    attempt.http_status = status
    attempt.finished_at = timezone.now()
    PublishAttempt.objects.filter(pk=attempt.pk).update(
        outcome=attempt.outcome, message=attempt.message, http_status=status, finished_at=attempt.finished_at
    )


def _published(publication: Publication, result: PublishResult) -> None:
    now = timezone.now()
    Publication.objects.filter(pk=publication.pk).update(
        status=Status.PUBLISHED,
        published_at=now,
        external_id=result.external_id[:300],
        external_url=result.external_url[:500],
        last_error="",
        next_attempt_at=None,
    )
    if publication.channel.health != Channel.Health.OK:
        Channel.objects.filter(pk=publication.channel_id, health=Channel.Health.DEGRADED).update(
            health=Channel.Health.OK, health_message="", health_changed_at=now
        )
    post = publication.post
    record(
        post, "published", to_status=post.status, data={"channel": str(publication.channel), "url": result.external_url}
    )


def _failed(publication: Publication, message: str) -> None:
    Publication.objects.filter(pk=publication.pk).update(
        status=Status.FAILED, last_error=message[:2000], next_attempt_at=None
    )
    post = publication.post
    record(
        post,
        "publication_failed",
        to_status=post.status,
        data={"channel": str(publication.channel), "error": message[:500]},
    )
    notify(
        [post.author, *coe_staff()],
        "publication_failed",
        f"Post #{post.pk} could not be published on {publication.channel}",
        post,
        body=message,
    )


def _retry_later(publication: Publication, message: str, retry_after: float | None) -> None:
    if publication.attempts >= settings.PUBLISH_MAX_ATTEMPTS:
        _failed(publication, f"Gave up after {publication.attempts} tries. Last error: {message}")
        return
    when = timezone.now() + timedelta(seconds=_backoff_seconds(publication.attempts, retry_after))
    Publication.objects.filter(pk=publication.pk).update(
        status=Status.SCHEDULED, next_attempt_at=when, last_error=message[:2000]
    )
    Channel.objects.filter(pk=publication.channel_id, health=Channel.Health.OK).update(
        health=Channel.Health.DEGRADED, health_message=message[:500], health_changed_at=timezone.now()
    )


def _hold(publication: Publication, reason: str, message: str = "") -> None:
    Publication.objects.filter(pk=publication.pk).update(
        status=Status.HELD, hold_reason=reason, last_error=message[:2000]
    )


@dataclass(frozen=True)
class _Send:
    """A claimed publication, ready for the network: its attempt row is committed."""

    publication: Publication
    adapter: ChannelAdapter
    request: PublishRequest
    attempt: PublishAttempt
    maybe_sent_before: bool


def publication_publish(*, publication_id: int, worker: str = "") -> str:
    """Send one queued publication. Safe to run twice for the same id: only the run that moves it
    from queued to publishing does anything. The claim and the attempt row are committed (one
    transaction) before the network is called; the network call runs outside any transaction."""
    with transaction.atomic():
        send = _claim(publication_id, worker)
    if isinstance(send, str):
        return send
    publication, adapter, request, attempt = send.publication, send.adapter, send.request, send.attempt
    channel = publication.channel
    try:
        if send.maybe_sent_before:
            existing = adapter.find_existing(request)
            if existing is not None:
                _finish(attempt, Outcome.FOUND, "Already on the network from an earlier attempt.")
                _published(publication, existing)
                return "found"
            PublishAttempt.objects.filter(publication=publication, outcome=Outcome.PENDING).exclude(
                pk=attempt.pk
            ).update(outcome=Outcome.UNKNOWN)
        result = adapter.publish(request)
    except CredentialError as error:
        _finish(attempt, Outcome.CREDENTIALS, error.message, error.status)
        channel_needs_reconnect(channel=channel, message=error.message)
        _hold(publication, Publication.HoldReason.CHANNEL, error.message)
        return "held-credentials"
    except PermanentError as error:
        _finish(attempt, Outcome.PERMANENT, error.message, error.status)
        _failed(publication, error.message)
        return "failed"
    except TransientError as error:
        _finish(attempt, Outcome.TRANSIENT, error.message, error.status)
        _retry_later(publication, error.message, error.retry_after)
        return "retry"
    except OutcomeUnknown as error:
        _finish(attempt, Outcome.UNKNOWN, error.message)
        if error.resend_is_safe:
            _retry_later(publication, error.message, None)
            return "retry-unknown"
        _outcome_unknown(publication, error.message)
        return "unknown"
    except Exception as error:  # an adapter bug must not leave the publication claimed forever
        _finish(attempt, Outcome.UNKNOWN, f"{error.__class__.__name__}: {error}")
        _outcome_unknown(publication, f"Unexpected error: {error}")
        log.exception("Adapter %s crashed on publication %s", channel.network, publication.pk)
        return "unknown"
    with transaction.atomic():  # one commit for the three rows that record the success
        _finish(attempt, Outcome.SENT)
        _published(publication, result)
    return "published"


# A publication id that cannot exist: it marks where the real id goes in the compiled SQL below.
_ANY_ID = -2_147_483_000


@functools.cache
def _send_facts_sql() -> tuple[str, tuple]:
    """What a send needs to know besides its rows: whether the post has media, its earlier
    attempts, and whether a crisis freeze holds it (unless the post is a statement of one of the
    incidents that freeze the channel). Compiled by the ORM once per process: building these
    subqueries costs more than running them."""
    earlier = PublishAttempt.objects.filter(publication=OuterRef("pk")).order_by()
    covering = crisis_selectors.incidents_covering(OuterRef("channel_id")).order_by()
    facts = (
        Publication.objects.filter(pk=_ANY_ID)
        .annotate(
            has_media=Exists(PostMedia.objects.filter(post=OuterRef("post_id"))),
            attempts_before=Coalesce(Subquery(earlier.values("publication").annotate(n=Count("pk")).values("n")), 0),
            maybe_sent_before=Exists(earlier.filter(outcome__in=[Outcome.PENDING, Outcome.UNKNOWN])),
            frozen=Exists(covering) & ~Exists(covering.filter(pk=OuterRef("post__crisis_incident_id"))),
        )
        .values_list("has_media", "attempts_before", "maybe_sent_before", "frozen")
    )
    return facts.query.sql_with_params()


def _publication_to_send(publication_id: int) -> Publication:
    """The claimed publication with its post (and campaign) and channel, and the facts above as
    attributes: two plain queries instead of one the ORM must assemble for every send."""
    publication = Publication.objects.select_related("post", "post__campaign", "channel").get(pk=publication_id)
    sql, params = _send_facts_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [publication_id if value == _ANY_ID else value for value in params])
        has_media, attempts_before, maybe_sent_before, frozen = cursor.fetchone()
    publication.has_media, publication.attempts_before = bool(has_media), int(attempts_before)
    publication.maybe_sent_before, publication.frozen = bool(maybe_sent_before), bool(frozen)
    return publication


@functools.cache
def _claim_sql() -> str:
    # The names come from the models; every value is a parameter.
    publication = connection.ops.quote_name(Publication._meta.db_table)
    control = connection.ops.quote_name(PublishingControl._meta.db_table)
    return (
        f"UPDATE {publication} SET status = %s, claimed_at = %s, attempts = attempts + 1, "  # noqa: S608
        "first_attempt_at = COALESCE(first_attempt_at, %s) "
        f"WHERE id = %s AND status = %s AND NOT EXISTS (SELECT 1 FROM {control} WHERE paused)"
    )


def _claim_row(publication_id: int, now: datetime) -> bool:
    """queued → publishing, one attempt more, in one statement that also checks the pause-all
    switch; True when this call made the change. Plain SQL: it runs for every send, and the ORM
    took longer to build it than the database to run it."""
    when = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(_claim_sql(), [Status.PUBLISHING, when, when, publication_id, Status.QUEUED])
        return cursor.rowcount == 1


def _claim(publication_id: int, worker: str) -> _Send | str:
    """Claim a queued publication and write its attempt row, or say why it is not sent now."""
    now = timezone.now()
    # The claim also checks the pause-all switch, at send time and in the same statement.
    if not _claim_row(publication_id, now):
        if PublishingControl.current().paused and Publication.objects.filter(
            pk=publication_id, status=Status.QUEUED
        ).update(status=Status.SCHEDULED, queued_at=None):
            return "paused"  # back on the schedule; it goes when publishing resumes
        return "not-claimed"
    publication = _publication_to_send(publication_id)
    channel, post = publication.channel, publication.post

    # Holds are checked at send time, not only when dispatched.
    if not channel.can_publish:
        _hold(publication, Publication.HoldReason.CHANNEL, channel.health_message)
        return "held-channel"
    if frozen_by := _held_by_crisis(publication):
        _hold(publication, Publication.HoldReason.CRISIS, frozen_by)
        return "held-crisis"

    try:
        adapter = channel.adapter(timeout=settings.PUBLISH_ADAPTER_TIMEOUT)
        content = post_content(post, has_media=publication.has_media)
    except Exception as error:  # e.g. credentials that no key decrypts: nothing was sent
        log.exception("Cannot prepare publication %s", publication.pk)
        _failed(publication, f"The channel cannot be used: {error}")
        return "failed-setup"
    problems = [issue.message for issue in adapter.validate(content) if issue.blocking]
    if problems:  # the network's limits may have changed since submission
        _failed(publication, " ".join(problems))
        return "failed-validation"
    rules = post_rules_check(post, [channel])  # the content rules may have changed since submission
    rule_check_record(post, rules, PostRuleCheck.Moment.PUBLICATION, publication)
    if rules.blocked:
        _failed(publication, rules_refusal(rules, subject="Not published: the post").message)
        return "failed-rules"

    attempt = PublishAttempt.objects.create(
        publication=publication, number=publication.attempts_before + 1, worker=worker[:200]
    )
    request = PublishRequest(
        content=content,
        idempotency_key=str(publication.idempotency_key),
        first_attempt_at=publication.first_attempt_at,
        publication_id=publication.pk,
    )
    return _Send(publication, adapter, request, attempt, publication.maybe_sent_before)


def _outcome_unknown(publication: Publication, message: str) -> None:
    Publication.objects.filter(pk=publication.pk).update(status=Status.UNKNOWN, last_error=message[:2000])
    post = publication.post
    record(
        post,
        "publication_unknown",
        to_status=post.status,
        data={"channel": str(publication.channel), "error": message[:500]},
    )
    notify(
        [post.author, *coe_staff()],
        "publication_unknown",
        f"Did post #{post.pk} go out on {publication.channel}? Please check",
        post,
        body=f"{message}\nCoE Hub cannot tell whether the network received it. Look at the account, then "
        "mark it published or send it again.",
    )


def publications_reconcile_unknown(*, limit: int = 100) -> int:
    """Ask the networks about publications whose outcome is unknown; the ones found are published."""
    found = 0
    for publication in Publication.objects.filter(status=Status.UNKNOWN).select_related("post", "channel")[:limit]:
        if not publication.channel.can_publish:
            continue
        request = PublishRequest(
            content=post_content(publication.post),
            idempotency_key=str(publication.idempotency_key),
            first_attempt_at=publication.first_attempt_at or publication.updated_at,
            publication_id=publication.pk,
        )
        try:
            existing = publication.channel.adapter(timeout=settings.PUBLISH_ADAPTER_TIMEOUT).find_existing(request)
        except Exception:
            log.info("Could not reconcile publication %s yet", publication.pk, exc_info=True)
            continue
        if existing is not None and Publication.objects.filter(pk=publication.pk, status=Status.UNKNOWN).update(
            status=Status.PUBLISHING
        ):
            PublishAttempt.objects.create(
                publication=publication,
                number=publication.attempt_log.count() + 1,
                outcome=Outcome.FOUND,
                finished_at=timezone.now(),
                message="Found on the network while reconciling.",
            )
            _published(publication, existing)
            found += 1
    return found


# --- people acting on publications ----------------------------------------------------------------


@transaction.atomic
def publication_retry(*, actor, publication: Publication) -> Publication:
    """Send a failed (or unknown, after checking the account) publication again, with a fresh
    cycle of attempts. The idempotency key stays the same."""
    publication = Publication.objects.select_for_update().select_related("post", "channel").get(pk=publication.pk)
    if not permissions.can_retry_publication(actor, publication):
        raise NotAllowed("Only the author, their department's liaisons or the CoE may retry this.")
    if publication.status not in {Status.FAILED, Status.UNKNOWN}:
        raise Conflict(
            f"It is {publication.get_status_display().lower()}; only failed or unknown ones are retried.",
            code="not_retryable",
        )
    if publication.post.status != Post.Status.APPROVED:
        raise Conflict("The post is no longer approved.", code="not_approved")
    before = publication.status
    Publication.objects.filter(pk=publication.pk).update(
        status=Status.SCHEDULED, attempts=0, next_attempt_at=None, scheduled_at=timezone.now(), last_error=""
    )
    PublishAttempt.objects.filter(publication=publication, outcome__in=[Outcome.PENDING, Outcome.UNKNOWN]).update(
        outcome=Outcome.SKIPPED, message="A person chose to send it again."
    )
    record(
        publication.post,
        "publication_retry",
        actor=actor,
        to_status=publication.post.status,
        data={"channel": str(publication.channel), "was": before},
    )
    publication.refresh_from_db()
    return publication


def publications_retry_many(*, actor, publications) -> tuple[int, list[str]]:
    """Bulk retry: each one on its own; refusals are reported, not fatal."""
    done, problems = 0, []
    for publication in publications:
        try:
            publication_retry(actor=actor, publication=publication)
            done += 1
        except DomainError as error:
            problems.append(f"#{publication.post_id} on {publication.channel}: {error.message}")
    return done, problems


@transaction.atomic
def publication_mark_published(*, actor, publication: Publication, external_url: str = "") -> Publication:
    """A person looked at the account and saw the post: record it as published (no resend)."""
    publication = Publication.objects.select_for_update().select_related("post", "channel").get(pk=publication.pk)
    if not permissions.can_retry_publication(actor, publication):
        raise NotAllowed("Only the author, their department's liaisons or the CoE may resolve this.")
    if publication.status != Status.UNKNOWN:
        raise Conflict("Only a publication whose outcome is unknown can be marked published.", code="not_unknown")
    _published(
        publication,
        PublishResult(external_id=publication.external_id or "confirmed-by-hand", external_url=external_url),
    )
    record(
        publication.post,
        "publication_confirmed",
        actor=actor,
        to_status=publication.post.status,
        data={"channel": str(publication.channel)},
    )
    publication.refresh_from_db()
    return publication


# --- channel health -----------------------------------------------------------------------------


def channel_needs_reconnect(*, channel: Channel, message: str) -> None:
    """Credentials refused: hold the channel's publications (no cascade of failures) and tell its
    department's lead and the CoE once."""
    changed = (
        Channel.objects.filter(pk=channel.pk)
        .exclude(health=Channel.Health.NEEDS_RECONNECT)
        .update(health=Channel.Health.NEEDS_RECONNECT, health_message=message[:500], health_changed_at=timezone.now())
    )
    if changed:
        from coe import services as coe_services

        lead = channel.department.lead
        coe_services.notify(
            recipients=[*coe_staff(), *([lead] if lead else [])],
            kind="channel_needs_reconnect",
            title=f"{channel} needs reconnecting",
            body=f"The network refused its credentials: {message}\nIts publications are held until it is reconnected.",
            url=channel.get_absolute_url(),
        )
