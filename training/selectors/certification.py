"""Reading certification: tracks with a person's progress, their certificates, the CoE's list of
everyone's, the public verification of one code, and the question other apps ask — does this
person hold a valid certificate of this track? (publishing's channel gating reads it, so a right
lapses the moment the certificate expires or is revoked, swept or not).

Every list is a fixed number of queries, however many tracks, modules or certificates it shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from training import permissions
from training.models import Certificate, CertificationTrack, Module, TrackModule
from training.services.certification import (
    RENEWAL_WINDOW,
    latest_certificates,
    latest_passes,
    track_requirement,
)

EXPIRING_SOON_DAYS = 30


# --- the question other apps ask -----------------------------------------------------------------


def valid_certificate(*, user, track: CertificationTrack | int, now: datetime | None = None) -> Certificate | None:
    """The person's valid certificate of this track, or None (never one past its expiry, even
    before the beat sweep marks it expired)."""
    if not getattr(user, "pk", None) or track is None:
        return None
    track_id = track if isinstance(track, int) else track.pk
    return (
        Certificate.objects.filter(
            user_id=user.pk, track_id=track_id, status=Certificate.Status.VALID, expires_at__gt=now or timezone.now()
        )
        .select_related("track")
        .first()
    )


# --- tracks and progress --------------------------------------------------------------------------


class TrackState:
    CERTIFIED = "certified"
    RENEWAL_DUE = "renewal_due"
    EXPIRED = "expired"
    REVOKED = "revoked"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"

    LABELS = {
        CERTIFIED: "Certified",
        RENEWAL_DUE: "Renewal due",
        EXPIRED: "Expired",
        REVOKED: "Revoked",
        IN_PROGRESS: "In progress",
        NOT_STARTED: "Not started",
    }
    BADGES = {
        CERTIFIED: "text-bg-success",
        RENEWAL_DUE: "text-bg-warning",
        EXPIRED: "text-bg-secondary",
        REVOKED: "text-bg-danger",
        IN_PROGRESS: "text-bg-info",
        NOT_STARTED: "text-bg-light border",
    }


TRACK_STATE_CHOICES = list(TrackState.LABELS.items())


@dataclass
class TrackStep:
    module: Module
    passed: bool
    passed_at: datetime | None
    counts: bool  # passed in a way that counts towards the certificate now (fresh enough)
    is_final_exam: bool = False


@dataclass
class TrackProgress:
    """One track as one person stands with it."""

    track: CertificationTrack
    steps: list[TrackStep] = field(default_factory=list)
    certificate: Certificate | None = None  # the latest one, whatever its state
    valid_certificate: Certificate | None = None
    state: str = TrackState.NOT_STARTED
    renewal_opens_at: datetime | None = None

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def done(self) -> int:
        return sum(1 for step in self.steps if step.counts)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def label(self) -> str:
        return TrackState.LABELS[self.state]

    @property
    def badge(self) -> str:
        return TrackState.BADGES[self.state]

    @property
    def is_certified(self) -> bool:
        return self.valid_certificate is not None

    @property
    def next_step(self) -> TrackStep | None:
        """The first module still to pass (in order; the final exam last)."""
        return next((step for step in self.steps if not step.counts), None)


def _tracks_with_modules(tracks: Iterable[CertificationTrack]) -> list[CertificationTrack]:
    ids = [track.pk for track in tracks]
    return list(
        CertificationTrack.objects.filter(pk__in=ids)
        .select_related("final_exam")
        .prefetch_related(
            Prefetch(
                "track_modules",
                queryset=TrackModule.objects.select_related("module").order_by("position", "id"),
                to_attr="ordered_modules",
            )
        )
        .order_by("name")
    )


def track_progress(
    *, user, tracks: Iterable[CertificationTrack], now: datetime | None = None
) -> dict[int, TrackProgress]:
    """Each track's modules in order (the final exam last) with what the person passed, their
    latest certificate and where they stand: certified, renewal due (inside the renewal window),
    expired, revoked, in progress or not started. Four queries, however many tracks."""
    now = now or timezone.now()
    loaded = _tracks_with_modules(tracks)
    if not loaded:
        return {}
    module_ids = {tm.module_id for track in loaded for tm in track.ordered_modules} | {
        track.final_exam_id for track in loaded if track.final_exam_id
    }
    passes = latest_passes(user=user, module_ids=module_ids)
    latest = latest_certificates(user=user, track_ids=[track.pk for track in loaded])
    result: dict[int, TrackProgress] = {}
    for track in loaded:
        certificate = latest.get(track.pk)
        requirement = track_requirement(
            module_ids=[tm.module_id for tm in track.ordered_modules],
            final_exam_id=track.final_exam_id,
            latest=certificate,
        )
        modules = [(tm.module, False) for tm in track.ordered_modules]
        if track.final_exam_id:
            modules.append((track.final_exam, True))
        steps = []
        for module, is_final in modules:
            passed_at = passes.get(module.pk)
            fresh = module.pk not in requirement.fresh_ids or (
                passed_at is not None and requirement.since is not None and passed_at >= requirement.since
            )
            steps.append(TrackStep(module, passed_at is not None, passed_at, passed_at is not None and fresh, is_final))
        progress = TrackProgress(track=track, steps=steps, certificate=certificate)
        if certificate is not None and certificate.status == Certificate.Status.VALID and certificate.expires_at > now:
            progress.valid_certificate = certificate
            progress.renewal_opens_at = certificate.expires_at - RENEWAL_WINDOW
            progress.state = TrackState.RENEWAL_DUE if progress.renewal_opens_at <= now else TrackState.CERTIFIED
            if progress.state == TrackState.CERTIFIED:
                for step in progress.steps:  # nothing to renew yet: every step stands
                    step.counts = step.passed
        elif certificate is not None:
            progress.state = (
                TrackState.REVOKED if certificate.status == Certificate.Status.REVOKED else TrackState.EXPIRED
            )
        elif any(step.passed for step in steps):
            progress.state = TrackState.IN_PROGRESS
        result[track.pk] = progress
    return result


def tracks_for(*, user) -> QuerySet[CertificationTrack]:
    """The tracks a person may see (active ones; every one for CoE staff), by name."""
    return permissions.tracks_visible_to(user).order_by("-is_active", "name")


def track_get(*, user, slug: str) -> CertificationTrack:
    return get_object_or_404(tracks_for(user=user).select_related("final_exam"), slug=slug)


# --- certificates -----------------------------------------------------------------------------------


class CertificateState:
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REVOKED = "revoked"

    CHOICES = [
        (VALID, "Valid"),
        (EXPIRING, f"Expiring within {EXPIRING_SOON_DAYS} days"),
        (EXPIRED, "Expired"),
        (REVOKED, "Revoked"),
    ]


def state_q(state: str, *, now: datetime) -> Q:
    """Certificates in a state as a verifier is told it (an expiry not yet swept is expired)."""
    valid = Q(status=Certificate.Status.VALID, expires_at__gt=now)
    if state == CertificateState.VALID:
        return valid
    if state == CertificateState.EXPIRING:
        return valid & Q(expires_at__lte=now + timedelta(days=EXPIRING_SOON_DAYS))
    if state == CertificateState.EXPIRED:
        return Q(status=Certificate.Status.EXPIRED) | Q(status=Certificate.Status.VALID, expires_at__lte=now)
    if state == CertificateState.REVOKED:
        return Q(status=Certificate.Status.REVOKED)
    return Q()


def certificates_list(
    *,
    user,
    track: str = "",
    state: str = "",
    holder: str = "",
    department: str = "",
    now: datetime | None = None,
) -> QuerySet[Certificate]:
    """Certificates the person may see (their own; everyone's for CoE staff), newest first,
    filtered by track slug, state, holder (name or username) and department slug."""
    now = now or timezone.now()
    certificates = permissions.certificates_visible_to(user).select_related("track", "user", "revoked_by")
    if track:
        certificates = certificates.filter(track__slug=track)
    if state:
        certificates = certificates.filter(state_q(state, now=now))
        if state == CertificateState.EXPIRING:
            return certificates.order_by("expires_at", "id")
    if holder:
        term = holder.strip()
        certificates = certificates.filter(
            Q(holder_name__icontains=term) | Q(user__username__icontains=term) | Q(user__email__icontains=term)
        )
    if department:
        certificates = certificates.filter(user__departments__slug=department)
    return certificates.order_by("-issued_at", "-id")


def certificate_get(*, user, code: str) -> Certificate:
    """A certificate its holder or CoE staff may open; 404 for anyone else (it exists for them
    only through the public verification page)."""
    return get_object_or_404(
        permissions.certificates_visible_to(user).select_related("track", "track__final_exam", "user", "revoked_by"),
        code=code,
    )


@dataclass(frozen=True)
class Verification:
    """What the public verification page says about a code: nothing at all when it is unknown."""

    found: bool
    holder_name: str = ""
    track_name: str = ""
    issued_at: datetime | None = None
    expires_at: datetime | None = None
    state: str = ""
    state_since: datetime | None = None  # when it expired or was revoked
    renewed: bool = False  # closed by a renewal before its expiry


def verify_code(*, code: str) -> Verification:
    """Look a code up for anyone (no sign-in). One indexed lookup by the unique code; the answer
    carries only what a verifier needs — never the revoke reason, the person's account or other
    certificates."""
    code = (code or "").strip()
    if not code or len(code) > Certificate._meta.get_field("code").max_length:
        return Verification(found=False)
    certificate = (
        Certificate.objects.filter(code=code)
        .select_related("track")
        .only("holder_name", "track__name", "issued_at", "expires_at", "status", "revoked_at", "expired_at", "code")
        .first()
    )
    if certificate is None:
        return Verification(found=False)
    state = certificate.state
    since = None
    renewed = False
    if state == Certificate.Status.REVOKED:
        since = certificate.revoked_at
    elif state == Certificate.Status.EXPIRED:
        since = certificate.expired_at or certificate.expires_at
        if certificate.expired_at and certificate.expired_at < certificate.expires_at:
            renewed = True
        else:
            since = min(since, certificate.expires_at)
    return Verification(
        found=True,
        holder_name=certificate.holder_name,
        track_name=certificate.track.name,
        issued_at=certificate.issued_at,
        expires_at=certificate.expires_at,
        state=state,
        state_since=since,
        renewed=renewed,
    )


def certificates_of(*, user) -> list[Certificate]:
    """A person's own certificates, newest first, for My learning and their profile."""
    return list(Certificate.objects.filter(user=user).select_related("track").order_by("-issued_at", "-id"))


def holders_count(*, user, tracks: Iterable[CertificationTrack], now: datetime | None = None) -> dict[int, int]:
    """How many people hold a valid certificate of each track (CoE staff only; one query)."""
    if not permissions.can_view_all_certificates(user):
        return {}
    now = now or timezone.now()
    rows = (
        Certificate.objects.filter(track__in=list(tracks), status=Certificate.Status.VALID, expires_at__gt=now)
        .values("track_id")
        .annotate(n=Count("id"))
        .values_list("track_id", "n")
    )
    return dict(rows)


def has_valid_q(track: CertificationTrack, *, now: datetime | None = None, user_ref: str = "pk") -> Exists:
    """For a queryset of people: holds a valid certificate of the track."""
    return Exists(
        Certificate.objects.filter(
            user=OuterRef(user_ref), track=track, status=Certificate.Status.VALID, expires_at__gt=now or timezone.now()
        )
    )
