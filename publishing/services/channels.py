"""Channels (connect, change, check, reconnect) and the CoE manager's pause-all switch."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from coe.audit import audit
from coe.errors import DomainError, NotAllowed
from publishing import permissions
from publishing.adapters import ADAPTERS
from publishing.adapters.base import AdapterError, CredentialError
from publishing.models import Channel, Publication, PublishingControl, PublishingControlEvent
from publishing.services.common import coe_staff

CHANNEL_FIELDS = frozenset(
    {
        "name",
        "network",
        "handle",
        "department",
        "time_zone",
        "is_active",
        "settings",
        # who may submit here (publishing.services.eligibility)
        "required_track",
        "requires_policy_acknowledgment",
    }
)


def _validate(channel: Channel) -> None:
    from django.core.exceptions import ValidationError

    try:
        channel.full_clean(exclude=["credentials_encrypted", "credentials_hint"])
    except ValidationError as exc:
        fields = exc.message_dict
        raise DomainError(next(iter(fields.values()))[0], code="invalid", fields=fields) from exc
    adapter_class = ADAPTERS[channel.network]
    missing = [name for name in adapter_class.required_settings if not str(channel.settings.get(name) or "").strip()]
    if missing:
        raise DomainError(
            f"{adapter_class.label} needs: {', '.join(missing)}.", code="invalid", fields={"settings": missing}
        )


@transaction.atomic
def channel_create(*, actor, credentials: Mapping[str, str] | None = None, **fields: Any) -> Channel:
    if not permissions.can_add_channel(actor):
        raise NotAllowed("Only the CoE connects channels.")
    unknown = set(fields) - CHANNEL_FIELDS
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}.", code="invalid")
    channel = Channel(**fields)
    channel.set_credentials(dict(credentials or {}))
    _validate(channel)
    channel.save()
    audit(actor=actor, action="channel.connected", obj=channel, summary=f"{channel} ({channel.network}) was connected.")
    return channel


@transaction.atomic
def channel_update(
    *, actor, channel: Channel, changes: Mapping[str, Any], credentials: Mapping[str, str] | None = None
) -> Channel:
    """Change a channel. Credentials are replaced only when new values are given (blank keeps
    the stored ones, which are never shown back)."""
    if not permissions.can_change_channel(actor, channel):
        raise NotAllowed("Only the CoE changes channels.")
    unknown = set(changes) - CHANNEL_FIELDS
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}.", code="invalid")
    if "network" in changes and changes["network"] != channel.network and channel.publications.exists():
        raise DomainError(
            "A channel with posts cannot change network; connect a new channel instead.",
            code="invalid",
            fields={"network": ["It already has posts."]},
        )
    changed = sorted(name for name, value in changes.items() if getattr(channel, name) != value)
    for name, value in changes.items():
        setattr(channel, name, value)
    new_credentials = sorted(k for k, v in (credentials or {}).items() if v)
    if new_credentials:
        merged = {**channel.credentials, **{k: v for k, v in credentials.items() if v}}
        channel.set_credentials(merged)
    _validate(channel)
    channel.save()
    if changed or new_credentials:
        what = ", ".join(changed + [f"{name} (replaced)" for name in new_credentials])
        audit(
            actor=actor,
            action="channel.changed",
            obj=channel,
            summary=f"{channel} changed: {what}.",  # never the secrets themselves
            data={"fields": changed, "credentials_replaced": new_credentials},
        )
    return channel


def channel_check(*, actor, channel: Channel) -> str:
    """Ask the network who we are with the stored credentials. A success reconnects a channel
    that needed it (its held publications go back to the schedule)."""
    if not permissions.can_change_channel(actor, channel):
        raise NotAllowed("Only the CoE checks channels.")
    try:
        account = channel.adapter(timeout=10).check_credentials()
    except CredentialError as error:
        from publishing.services.dispatch import channel_needs_reconnect

        channel_needs_reconnect(channel=channel, message=error.message)
        raise DomainError(
            f"{channel.network.title()} refused the credentials: {error.message}", code="credentials_refused"
        ) from error
    except AdapterError as error:
        raise DomainError(f"Could not reach {channel.network.title()}: {error.message}", code="unreachable") from error
    channel_mark_healthy(channel=channel)
    return account


@transaction.atomic
def channel_mark_healthy(*, channel: Channel) -> int:
    """Back to healthy: publications held because of the channel are scheduled again."""
    Channel.objects.filter(pk=channel.pk).update(
        health=Channel.Health.OK, health_message="", health_changed_at=timezone.now()
    )
    return Publication.objects.filter(
        channel=channel,
        status=Publication.Status.HELD,
        hold_reason=Publication.HoldReason.CHANNEL,
        post__status="approved",
    ).update(status=Publication.Status.SCHEDULED, hold_reason="", next_attempt_at=None)


# --- pause-all -----------------------------------------------------------------------------------


def _forget_cached_switch() -> None:
    # Now (this request shows the new state) and after commit (no other request re-caches the old one).
    cache.delete(PublishingControl.CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(PublishingControl.CACHE_KEY))


@transaction.atomic
def publishing_pause(*, actor, reason: str) -> PublishingControl:
    """Stop every outgoing publication at once (audited). Nothing is lost: the schedule waits."""
    if not permissions.can_pause_publishing(actor):
        raise NotAllowed("Only a CoE manager pauses publishing.")
    reason = reason.strip()
    if not reason:
        raise DomainError(
            "Say why publishing is paused; everyone will see it.", code="invalid", fields={"reason": ["Give a reason."]}
        )
    control = PublishingControl.objects.select_for_update().get_or_create(pk=1)[0]
    control.paused, control.reason, control.changed_by, control.changed_at = True, reason, actor, timezone.now()
    control.save()
    PublishingControlEvent.objects.create(paused=True, reason=reason, actor=actor)
    audit(actor=actor, action="publishing.paused", summary=f"All publishing was paused: {reason}")
    _forget_cached_switch()
    from coe import services as coe_services

    coe_services.notify(
        recipients=coe_staff(),
        kind="publishing_paused",
        title="All publishing is paused",
        body=f"{actor}: {reason}",
        url="/publishing/channels/",
        exclude=actor,
    )
    return control


@transaction.atomic
def publishing_resume(*, actor) -> PublishingControl:
    if not permissions.can_pause_publishing(actor):
        raise NotAllowed("Only a CoE manager resumes publishing.")
    control = PublishingControl.objects.select_for_update().get_or_create(pk=1)[0]
    control.paused, control.reason, control.changed_by, control.changed_at = False, "", actor, timezone.now()
    control.save()
    PublishingControlEvent.objects.create(paused=False, actor=actor)
    audit(actor=actor, action="publishing.resumed", summary="Publishing was resumed.")
    _forget_cached_switch()
    return control
