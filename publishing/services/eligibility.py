"""Certification-gated publishing: who may submit to a channel besides the department rule.

A channel can require a valid certificate of a certification track (``Channel.required_track``,
training answers) and acceptance of the current social media policy
(``Channel.requires_policy_acknowledgment``, governance answers). The rules:

- **Read live, at every submission.** Nothing is copied onto the person: when a certificate
  expires or is revoked, or a new version of the policy asks everyone again, the right to submit
  lapses at once (before any sweep runs).
- **It applies to everyone who submits**, CoE staff included: a certificate shows a person knows
  the channel's rules, whatever their role. It is the person who submits (or who adds the channel
  to a post already submitted) who needs it, not the post's author.
- **Drafts are free.** A gated channel may be chosen on a draft (people prepare while they earn the
  certificate); the compose page says, per channel, exactly what is missing and links to it.
- **Crisis statements are exempt**: the crisis plan names who speaks for the company in a crisis,
  and a lapsed course must not silence the company then.
- **What was approved stays approved.** Publishing never re-checks a post once it is submitted;
  its approved publications go out as scheduled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.formats import date_format

from coe.errors import NotAllowed
from governance.models import Policy, PolicyCategory
from governance.selectors.policies import has_acknowledged_current
from publishing.models import Channel
from training.models import Certificate, CertificationTrack
from training.selectors.certification import valid_certificate


@dataclass(frozen=True)
class Missing:
    """One thing a person lacks to submit to one channel, and where to get it."""

    channel: Channel
    kind: str  # "certificate" or "policy"
    message: str
    url: str = ""
    link_text: str = ""


def _current_social_media_policy() -> Policy | None:
    """The published social media policy whose current version people must accept (the one
    governance.selectors.policies.has_acknowledged_current asks about)."""
    return (
        Policy.objects.filter(
            category=PolicyCategory.SOCIAL_MEDIA, current_version__isnull=False, acknowledgment_version__isnull=False
        )
        .select_related("acknowledgment_version")
        .order_by("-acknowledgment_version__published_at")
        .first()
    )


def _certificate_message(user, track, channel: Channel) -> str:
    latest = Certificate.objects.filter(user_id=user.pk, track=track).order_by("-issued_at", "-id").first()
    if latest is not None and latest.state == Certificate.Status.REVOKED:
        return f"Your {track.name} certificate was revoked; earn it again to post on {channel}."
    if latest is not None and latest.state == Certificate.Status.EXPIRED:
        expired = date_format(latest.expires_at.date(), "j M Y")
        return f"Your {track.name} certificate expired on {expired}; renew it to post on {channel}."
    return f"You need a valid {track.name} certificate to post on {channel}."


def submission_requirements(*, user, channels: Iterable[Channel]) -> dict[int, list[Missing]]:
    """For each channel's id, what ``user`` lacks to submit to it (an empty list: nothing). A
    query or two per distinct required track, and two for the policy, whatever the number of
    channels."""
    channels = list(channels)
    result: dict[int, list[Missing]] = {channel.pk: [] for channel in channels}
    gated = [c for c in channels if c.required_track_id or c.requires_policy_acknowledgment]
    if not gated:
        return result
    tracks = CertificationTrack.objects.in_bulk({c.required_track_id for c in gated if c.required_track_id})
    certified = {track_id: valid_certificate(user=user, track=track) is not None for track_id, track in tracks.items()}
    accepted = None
    policy = None
    if any(c.requires_policy_acknowledgment for c in gated):
        accepted = has_acknowledged_current(user=user, category=PolicyCategory.SOCIAL_MEDIA)
        policy = None if accepted else _current_social_media_policy()
    for channel in gated:
        if channel.required_track_id and not certified[channel.required_track_id]:
            track = tracks[channel.required_track_id]
            result[channel.pk].append(
                Missing(
                    channel=channel,
                    kind="certificate",
                    message=_certificate_message(user, track, channel),
                    url=track.get_absolute_url(),
                    link_text=f"Earn the {track.name} certificate",
                )
            )
        if channel.requires_policy_acknowledgment and not accepted:
            if policy is None:
                missing = Missing(
                    channel=channel,
                    kind="policy",
                    message=f"{channel} needs acceptance of the social media policy, but none is published; "
                    "ask the CoE team.",
                )
            else:
                missing = Missing(
                    channel=channel,
                    kind="policy",
                    message=f"You need to accept the current social media policy "
                    f"({policy.acknowledgment_version.label}) to post on {channel}.",
                    url=policy.get_absolute_url(),
                    link_text=f"Read and accept “{policy}”",
                )
            result[channel.pk].append(missing)
    return result


def missing_for(*, user, channels: Iterable[Channel]) -> list[Missing]:
    return [item for items in submission_requirements(user=user, channels=channels).values() for item in items]


def require_eligible(*, actor, channels: Iterable[Channel]) -> None:
    """Refuse, with every missing requirement at once, a submission to channels the actor may not
    use yet. The message says what is missing per channel; ``fields`` add where to get it."""
    missing = missing_for(user=actor, channels=channels)
    if not missing:
        return
    raise NotAllowed(
        " ".join(item.message for item in missing),
        code="certification_required",
        fields={
            "channels": [
                f"{item.message} {item.link_text}: {item.url}" if item.url else item.message for item in missing
            ]
        },
    )
