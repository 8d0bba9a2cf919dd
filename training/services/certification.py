"""Every write to certification tracks and certificates, and the expiry sweeps beat runs.

A track is a set of modules and, optionally, a final exam taken after them, with a validity period.
The rules of a certificate:

- **Earning.** Someone who has passed every module of an active track (and its final exam) gets one
  certificate of it: ``expires_at = issued_at + validity_days``, the holder's name copied as printed.
- **Renewal.** From ``RENEWAL_WINDOW_DAYS`` (30) days before a certificate expires, and any time
  after it expired, passing the track's final exam again — or every module's quiz again, for a track
  without a final exam — issues a new certificate. A renewal before expiry runs from the old expiry
  date (no days are lost); the old certificate is closed as expired that moment (a verifier is told it
  was renewed). After expiry the new one runs from the day it is earned.
- **Revocation.** A CoE manager revokes with a reason (audited; the holder is told why; verifiers see
  only that and when). To be certified again, the person passes every module and the final exam again.
- **Expiry.** Beat reminds holders 30 and 7 days before (each once) and expires certificates whose
  time is up. Rights that depend on a certificate (submitting to a channel that requires the track)
  read ``training.selectors.certification.valid_certificate``, so they lapse with it: nothing else
  to undo.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from coe import services as coe_services
from coe.audit import audit
from coe.errors import Conflict, DomainError, NotAllowed
from training import permissions
from training.models import Attempt, Certificate, CertificationTrack, Module, TrackModule

User = get_user_model()

RENEWAL_WINDOW_DAYS = 30
RENEWAL_WINDOW = timedelta(days=RENEWAL_WINDOW_DAYS)
REMINDER_DAYS = (30, 7)
MAX_VALIDITY_DAYS = 3650
MIN_REVOKE_REASON = 5
EXPIRY_BATCH = 500
# Addresses under /training/tracks/ a track's slug must never take.
RESERVED_SLUGS = frozenset({"new"})


# --- the rule of earning, shared with the quiz selectors -----------------------------------------


@dataclass(frozen=True)
class Requirement:
    """What a person must have passed to be issued a certificate of a track now.

    ``module_ids``: every module and the final exam, each passed at some time. ``fresh_ids``: those
    that must have been passed on or after ``since`` (a renewal, or re-certification after a
    revocation). ``opens_at``: when earning becomes possible (``None``: now); a holder of a valid
    certificate outside the renewal window has nothing to earn until then."""

    module_ids: tuple[int, ...]
    fresh_ids: frozenset[int] = frozenset()
    since: datetime | None = None
    opens_at: datetime | None = None

    def is_open(self, now: datetime) -> bool:
        return self.opens_at is None or self.opens_at <= now

    def is_met(self, latest_pass: Mapping[int, datetime]) -> bool:
        if not self.module_ids:
            return False
        if any(module_id not in latest_pass for module_id in self.module_ids):
            return False
        return all(latest_pass[module_id] >= self.since for module_id in self.fresh_ids if self.since)

    def is_renewal(self) -> bool:
        return self.since is not None


def track_requirement(
    *, module_ids: Sequence[int], final_exam_id: int | None, latest: Certificate | None
) -> Requirement:
    """The rule above for one track, given the person's most recent certificate of it."""
    every = tuple(module_ids) + ((final_exam_id,) if final_exam_id else ())
    if latest is None:
        return Requirement(every)
    if latest.status == Certificate.Status.REVOKED:
        return Requirement(every, frozenset(every), latest.revoked_at or latest.issued_at)
    window_opens = latest.expires_at - RENEWAL_WINDOW
    fresh = frozenset({final_exam_id} if final_exam_id else module_ids)
    return Requirement(every, fresh, window_opens, window_opens)


def track_module_ids(tracks: Iterable[CertificationTrack]) -> dict[int, list[int]]:
    """Each track's module ids in their order (one query), final exams not included."""
    ids: dict[int, list[int]] = {track.pk: [] for track in tracks}
    rows = TrackModule.objects.filter(track_id__in=list(ids)).order_by("track_id", "position", "id")
    for track_id, module_id in rows.values_list("track_id", "module_id"):
        ids[track_id].append(module_id)
    return ids


def latest_certificates(*, user, track_ids: Iterable[int]) -> dict[int, Certificate]:
    """The person's most recent certificate of each track (one query)."""
    latest: dict[int, Certificate] = {}
    for certificate in Certificate.objects.filter(user=user, track_id__in=list(track_ids)).order_by(
        "track_id", "-issued_at", "-id"
    ):
        latest.setdefault(certificate.track_id, certificate)
    return latest


def latest_passes(*, user, module_ids: Iterable[int] | None = None) -> dict[int, datetime]:
    """When the person last passed each module's quiz (one query)."""
    passes = Attempt.objects.filter(user=user, passed=True, submitted_at__isnull=False)
    if module_ids is not None:
        passes = passes.filter(module_id__in=list(module_ids))
    return dict(passes.values("module_id").annotate(at=Max("submitted_at")).values_list("module_id", "at"))


# --- tracks -------------------------------------------------------------------------------------

TRACK_FIELDS = frozenset({"name", "description", "modules", "final_exam", "validity_days", "is_active"})


def _unique_slug(name: str, exclude_pk: int | None = None) -> str:
    max_length = CertificationTrack._meta.get_field("slug").max_length
    base = (slugify(name) or "track")[: max_length - 4].strip("-") or "track"
    slug, counter = base, 2
    while slug in RESERVED_SLUGS or CertificationTrack.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def _field_error(name: str, message: str, code: str = "invalid") -> DomainError:
    return DomainError(message, code=code, fields={name: [message]})


def track_settings_check(*, track: CertificationTrack, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A track's rules: a unique name; modules listed once each; a final exam that is not also one
    of its modules; at least one module or a final exam; 1 to 3650 days of validity."""
    unknown = sorted(set(fields) - TRACK_FIELDS)
    if unknown:
        raise DomainError(
            f"These cannot be set: {', '.join(unknown)}.",
            fields={name: ["Unknown or not editable."] for name in unknown},
        )
    cleaned = dict(fields)
    if "name" in cleaned:
        name = " ".join(str(cleaned["name"] or "").split())
        if not name:
            raise _field_error("name", "Give the track a name.")
        if CertificationTrack.objects.filter(name__iexact=name).exclude(pk=track.pk).exists():
            raise _field_error("name", f"There already is a track called “{name}”; choose another name.")
        cleaned["name"] = name
    if "description" in cleaned:
        cleaned["description"] = str(cleaned["description"] or "").strip()
    if "validity_days" in cleaned:
        days = cleaned["validity_days"]
        if not isinstance(days, int) or not 1 <= days <= MAX_VALIDITY_DAYS:
            raise _field_error("validity_days", f"A certificate is valid for 1 to {MAX_VALIDITY_DAYS} days.")
    if "modules" in cleaned:
        modules = list(cleaned["modules"] or [])
        seen: set[int] = set()
        for module in modules:
            if not isinstance(module, Module):
                raise _field_error("modules", "Choose modules from the catalogue.")
            if module.pk in seen:
                raise _field_error("modules", f"“{module}” is listed twice; list each module once.")
            seen.add(module.pk)
        cleaned["modules"] = modules
    if "final_exam" in cleaned and cleaned["final_exam"] is not None and not isinstance(cleaned["final_exam"], Module):
        raise _field_error("final_exam", "Choose the final exam from the catalogue.")
    modules = cleaned["modules"] if "modules" in cleaned else (list(track.modules.all()) if track.pk else [])
    final_exam = cleaned.get("final_exam", track.final_exam)
    if final_exam is not None and any(module.pk == final_exam.pk for module in modules):
        raise _field_error(
            "final_exam", f"“{final_exam}” is one of the track's modules; a final exam is taken after them."
        )
    if not modules and final_exam is None:
        raise _field_error("modules", "A track needs at least one module or a final exam.")
    return cleaned


def _apply_track(track: CertificationTrack, cleaned: Mapping[str, Any]) -> None:
    for name, value in cleaned.items():
        if name != "modules":
            setattr(track, name, value)
    track.save()
    if "modules" in cleaned:
        TrackModule.objects.filter(track=track).delete()
        TrackModule.objects.bulk_create(
            [
                TrackModule(track=track, module=module, position=(index + 1) * 10)
                for index, module in enumerate(cleaned["modules"])
            ]
        )


def _track_summary(track: CertificationTrack) -> dict[str, Any]:
    return {
        "name": track.name,
        "modules": [tm.module.slug for tm in track.track_modules.select_related("module").order_by("position", "id")],
        "final_exam": track.final_exam.slug if track.final_exam_id else None,
        "validity_days": track.validity_days,
        "is_active": track.is_active,
    }


@transaction.atomic
def track_create(*, actor, fields: Mapping[str, Any]) -> CertificationTrack:
    """Create a certification track (CoE staff). Its slug follows the name and then stays, so links
    to the track keep working after a rename."""
    if not permissions.can_manage_tracks(actor):
        raise NotAllowed("Only the CoE team creates certification tracks.")
    track = CertificationTrack()
    cleaned = track_settings_check(track=track, fields={"name": fields.get("name", ""), **fields})
    track.slug = _unique_slug(cleaned["name"])
    _apply_track(track, cleaned)
    audit(
        actor=actor,
        action="track.created",
        obj=track,
        summary=f"The certification track “{track}” was created.",
        data=_track_summary(track),
    )
    return track


@transaction.atomic
def track_update(*, actor, track: CertificationTrack, changes: Mapping[str, Any]) -> CertificationTrack:
    """Change a track (CoE staff). Certificates already issued keep their dates; a new module or
    final exam applies to those who earn or renew the certificate from now on."""
    if not permissions.can_manage_tracks(actor):
        raise NotAllowed("Only the CoE team changes certification tracks.")
    track = CertificationTrack.objects.select_for_update().get(pk=track.pk)
    before = _track_summary(track)
    cleaned = track_settings_check(track=track, fields=changes)
    _apply_track(track, cleaned)
    after = _track_summary(track)
    changed = {name: {"from": before[name], "to": after[name]} for name in after if before[name] != after[name]}
    if "description" in cleaned:
        changed.setdefault("description", {"changed": True})
    if changed:
        audit(
            actor=actor,
            action="track.updated",
            obj=track,
            summary=f"The certification track “{track}” was changed: {', '.join(changed).replace('_', ' ')}.",
            data=changed,
        )
    return track


# --- issuing ------------------------------------------------------------------------------------


def holder_name_of(user) -> str:
    return (user.get_full_name() or user.username)[:200]


def certificate_url(certificate: Certificate) -> str:
    return reverse("training:certificate_detail", kwargs={"code": certificate.code})


def _issue(*, user, track: CertificationTrack, previous: Certificate | None, now: datetime) -> Certificate | None:
    validity = timedelta(days=track.validity_days)
    renewing = previous is not None and previous.status == Certificate.Status.VALID and previous.expires_at > now
    if previous is not None and previous.status == Certificate.Status.VALID:
        # Renewed before expiry (or not yet swept after it): the old one closes now.
        Certificate.objects.filter(pk=previous.pk, status=Certificate.Status.VALID).update(
            status=Certificate.Status.EXPIRED, expired_at=now
        )
    expires_at = (previous.expires_at if renewing else now) + validity
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                user=user, track=track, holder_name=holder_name_of(user), issued_at=now, expires_at=expires_at
            )
    except IntegrityError:
        return None  # issued meanwhile by a concurrent submission: one valid certificate per track
    verb = "renewed" if previous is not None and previous.status != Certificate.Status.REVOKED else "earned"
    audit(
        actor=user,
        action="certificate.issued",
        obj=certificate,
        summary=f"{certificate.holder_name} {verb} the “{track}” certificate, valid until {expires_at:%d %b %Y}.",
        data={
            "track": track.slug,
            "certificate_id": certificate.pk,
            "expires_at": expires_at.isoformat(),
            "renews": previous.pk if previous is not None else None,
        },
    )
    coe_services.notify(
        recipients=[user],
        kind="certificate_issued",
        title=f"You are certified: {track}" if verb == "earned" else f"Certificate renewed: {track}",
        body=f"Your “{track}” certificate is valid until {timezone.localtime(expires_at):%d %b %Y}. "
        "Open it to print it or to share its verification link.",
        url=certificate_url(certificate),
    )
    return certificate


def certificates_issue_completed(*, user, now: datetime | None = None) -> list[Certificate]:
    """Issue a certificate of every active track the person has completed and holds no valid
    certificate of (or renewed, inside the renewal window): every module and the final exam
    passed, under the rule in this module's docstring. Idempotent: calling it again issues nothing,
    and two concurrent calls issue one certificate (the one-valid-per-track constraint)."""
    now = now or timezone.now()
    if not getattr(user, "pk", None) or not user.is_active:
        return []
    with transaction.atomic():
        # One person's certificates are decided one call at a time.
        User.objects.select_for_update().filter(pk=user.pk).first()
        tracks = list(CertificationTrack.objects.filter(is_active=True).order_by("name"))
        if not tracks:
            return []
        modules_of = track_module_ids(tracks)
        latest = latest_certificates(user=user, track_ids=[t.pk for t in tracks])
        passes = latest_passes(user=user)
        issued = []
        for track in tracks:
            previous = latest.get(track.pk)
            requirement = track_requirement(
                module_ids=modules_of[track.pk], final_exam_id=track.final_exam_id, latest=previous
            )
            if not requirement.is_open(now) or not requirement.is_met(passes):
                continue
            certificate = _issue(user=user, track=track, previous=previous, now=now)
            if certificate is not None:
                issued.append(certificate)
        return issued


# --- revoking -----------------------------------------------------------------------------------


@transaction.atomic
def certificate_revoke(*, actor, certificate: Certificate, reason: str, now: datetime | None = None) -> Certificate:
    """Revoke a certificate (CoE manager) with a reason: audited, the holder told why. A revoked
    certificate is never valid again; verifiers see that it was revoked and when, never the
    reason. Rights that depended on it lapse at once."""
    if not permissions.can_revoke_certificate(actor):
        raise NotAllowed("Only a CoE manager revokes certificates.")
    reason = " ".join(str(reason or "").split())
    if len(reason) < MIN_REVOKE_REASON:
        raise _field_error(
            "reason", "Say why the certificate is revoked; the holder is told and the audit trail keeps it."
        )
    max_length = Certificate._meta.get_field("revoke_reason").max_length
    if len(reason) > max_length:
        raise _field_error("reason", f"Keep the reason under {max_length} characters.")
    certificate = Certificate.objects.select_for_update().select_related("track", "user").get(pk=certificate.pk)
    if certificate.status == Certificate.Status.REVOKED:
        when = timezone.localtime(certificate.revoked_at)
        raise Conflict(f"This certificate was already revoked on {when:%d %b %Y}.")
    now = now or timezone.now()
    previous_state = certificate.state
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = now
    certificate.revoked_by = actor if getattr(actor, "pk", None) else None
    certificate.revoke_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    audit(
        actor=actor,
        action="certificate.revoked",
        obj=certificate,
        summary=f"The “{certificate.track}” certificate of {certificate.holder_name} was revoked: {reason}",
        data={"reason": reason, "was": previous_state, "track": certificate.track.slug, "holder": certificate.user_id},
    )
    coe_services.notify(
        recipients=[certificate.user],
        kind="certificate_revoked",
        title=f"Your “{certificate.track}” certificate was revoked",
        body=f"Reason: {reason}\n\nRights that depended on it (such as submitting to channels that require it) have "
        "lapsed. To be certified again, pass the track's modules and final exam again, or ask the CoE team.",
        url=certificate.track.get_absolute_url(),
        exclude=actor if getattr(actor, "pk", None) else None,
    )
    return certificate


# --- expiry (Celery beat) -----------------------------------------------------------------------


def _renewal_hint(track: CertificationTrack) -> str:
    if track.final_exam_id:
        return f"pass the final exam “{track.final_exam}” again"
    return "pass the track's module quizzes again"


def certificates_remind_expiring(*, now: datetime | None = None) -> int:
    """Remind each holder of a valid certificate 30 days and 7 days before it expires, each once:
    ``reminded_30_at`` / ``reminded_7_at`` are claimed with a conditional update before anything is
    sent, so a second beat or an overlapping run sends nothing twice. Within 7 days only the 7-day
    reminder goes (it claims the 30-day one too). A reminder whose moment had already passed when
    the certificate was issued (a short validity) is claimed but not sent. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    for days in sorted(REMINDER_DAYS):
        field = f"reminded_{days}_at"
        mark = timedelta(days=days)
        due = (
            Certificate.objects.filter(status=Certificate.Status.VALID, expires_at__gt=now, expires_at__lte=now + mark)
            .filter(**{f"{field}__isnull": True})
            .select_related("track", "track__final_exam", "user")
            .order_by("expires_at")[:EXPIRY_BATCH]
        )
        for certificate in due:
            if not Certificate.objects.filter(pk=certificate.pk, **{f"{field}__isnull": True}).update(**{field: now}):
                continue  # another run claimed it
            # Reminders for a further mark (30 days) are pointless now: claim them unsent.
            for other in (d for d in REMINDER_DAYS if d > days):
                Certificate.objects.filter(pk=certificate.pk, **{f"reminded_{other}_at__isnull": True}).update(
                    **{f"reminded_{other}_at": now}
                )
            if certificate.expires_at - mark < certificate.issued_at:
                continue  # issued inside this window: the certificate itself shows the date
            track = certificate.track
            left = max(1, (certificate.expires_at - now).days)
            coe_services.notify(
                recipients=[certificate.user],
                kind="certificate_expiring",
                title=f"Your “{track}” certificate expires in {left} day{'s' if left != 1 else ''}",
                body=f"It is valid until {timezone.localtime(certificate.expires_at):%d %b %Y}. To renew it, "
                f"{_renewal_hint(track)}; a renewal runs on from the old expiry date, so no days are lost.",
                url=track.get_absolute_url(),
            )
            sent += 1
    return sent


def certificates_expire(*, now: datetime | None = None) -> int:
    """Expire every valid certificate whose time is up (status → expired, ``expired_at``), tell
    its holder, and record it in the audit trail. Rights that depended on it have already lapsed:
    ``valid_certificate`` never returns a certificate past its expiry. Bounded batches, each row
    claimed with a conditional update, so overlapping runs expire and notify each once."""
    now = now or timezone.now()
    expired = 0
    due = (
        Certificate.objects.filter(status=Certificate.Status.VALID, expires_at__lte=now)
        .select_related("track", "track__final_exam", "user")
        .order_by("expires_at")[:EXPIRY_BATCH]
    )
    for certificate in due:
        with transaction.atomic():
            if not Certificate.objects.filter(pk=certificate.pk, status=Certificate.Status.VALID).update(
                status=Certificate.Status.EXPIRED, expired_at=now
            ):
                continue
            track = certificate.track
            audit(
                actor=None,
                action="certificate.expired",
                obj=certificate,
                summary=f"The “{track}” certificate of {certificate.holder_name} expired.",
                data={
                    "track": track.slug,
                    "holder": certificate.user_id,
                    "expires_at": certificate.expires_at.isoformat(),
                },
            )
            coe_services.notify(
                recipients=[certificate.user],
                kind="certificate_expired",
                title=f"Your “{track}” certificate has expired",
                body="Rights that depended on it (such as submitting to channels that require it) have lapsed. "
                f"To be certified again, {_renewal_hint(track)}.",
                url=track.get_absolute_url(),
            )
        expired += 1
    return expired


def tracks_for_modules(module_ids: Iterable[int]) -> list[CertificationTrack]:
    """Active tracks that contain one of these modules or have one as their final exam."""
    ids = list(module_ids)
    return list(
        CertificationTrack.objects.filter(is_active=True)
        .filter(Q(track_modules__module_id__in=ids) | Q(final_exam_id__in=ids))
        .distinct()
        .order_by("name")
    )
