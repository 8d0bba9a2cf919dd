"""Certification services: a certificate issued exactly once when a track is completed (final exam
last), renewal inside the window and after expiry, the 30- and 7-day reminders and expiry on a
clock the tests set, revocation (audited, the holder told) and re-certification after it, and the
rules a track follows."""

from __future__ import annotations

import gc
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from coe.celery import app
from coe.errors import Conflict, DomainError, NotAllowed
from coe.models import Notification
from governance.models import AuditEntry
from tests.training.quiz_helpers import make_module, make_track, take
from training.models import Attempt, Certificate, CertificationTrack
from training.selectors.certification import TrackState, track_progress, valid_certificate, verify_code
from training.selectors.quizzes import module_results
from training.services import certification as services
from training.services import quizzes as quiz_services
from training.tasks import attempts_close_expired_task, certificates_expire_task, certificates_remind_expiring_task

DAY = timedelta(days=1)


@pytest.fixture
def publisher(db):
    """Social Publisher: three modules, valid a year."""
    modules = [make_module("Account set-up"), make_module("Social media policy"), make_module("Brand voice")]
    return make_track("Social Publisher", modules, validity_days=365), modules


@pytest.fixture
def spokesperson(db):
    """Crisis Spokesperson: one module and a final exam, valid 180 days."""
    crisis = make_module("Crisis response")
    exam = make_module("Crisis spokesperson final exam")
    return make_track("Crisis Spokesperson", [crisis], final_exam=exam, validity_days=180), crisis, exam


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True))


# --- issuing ------------------------------------------------------------------------------------------


def test_completing_a_track_issues_one_certificate(people, publisher):
    track, modules = publisher
    start = timezone.now()
    take(people.liaison_a, modules[0], now=start)
    take(people.liaison_a, modules[1], now=start)
    assert not Certificate.objects.exists()
    assert track_progress(user=people.liaison_a, tracks=[track])[track.pk].state == TrackState.IN_PROGRESS
    take(people.liaison_a, modules[2], now=start + DAY)
    certificate = Certificate.objects.get()
    assert certificate.user == people.liaison_a and certificate.track == track
    assert certificate.holder_name == people.liaison_a.get_full_name()
    assert certificate.issued_at == start + DAY and certificate.expires_at == start + DAY + 365 * DAY
    assert len(certificate.code) >= 20
    assert valid_certificate(user=people.liaison_a, track=track) == certificate
    assert _kinds(people.liaison_a)[-1] == "certificate_issued"
    assert AuditEntry.objects.filter(action="certificate.issued", object_id=str(certificate.pk)).count() == 1
    # idempotent: asking again issues nothing
    assert services.certificates_issue_completed(user=people.liaison_a) == []
    assert Certificate.objects.count() == 1
    progress = track_progress(user=people.liaison_a, tracks=[track])[track.pk]
    assert progress.state == TrackState.CERTIFIED and progress.done == progress.total == 3


def test_the_final_exam_is_part_of_the_track(people, spokesperson):
    track, crisis, exam = spokesperson
    take(people.member, crisis)
    assert not Certificate.objects.exists()
    progress = track_progress(user=people.member, tracks=[track])[track.pk]
    assert [step.is_final_exam for step in progress.steps] == [False, True]
    assert progress.next_step.module == exam
    take(people.member, exam)
    assert Certificate.objects.get().expires_at - Certificate.objects.get().issued_at == 180 * DAY


def test_inactive_tracks_issue_nothing(people, publisher):
    track, modules = publisher
    track.is_active = False
    track.save()
    for module in modules:
        take(people.employee, module)
    assert not Certificate.objects.exists()


def test_two_tracks_sharing_a_module_are_both_issued_by_the_same_pass(people, publisher):
    track, modules = publisher
    make_track("Policy basics", [modules[1]])
    take(people.employee, modules[0])
    take(people.employee, modules[2])
    take(people.employee, modules[1])
    assert set(Certificate.objects.values_list("track__name", flat=True)) == {"Social Publisher", "Policy basics"}


def test_the_database_allows_one_valid_certificate_per_track(people, publisher):
    track, _ = publisher
    now = timezone.now()
    Certificate.objects.create(user=people.employee, track=track, holder_name="E", expires_at=now + DAY)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(user=people.employee, track=track, holder_name="E", expires_at=now + DAY)


# --- renewal ------------------------------------------------------------------------------------------


def test_renewal_inside_the_window_runs_on_from_the_old_expiry(people, spokesperson):
    track, crisis, exam = spokesperson
    start = timezone.now() - 200 * DAY
    take(people.member, crisis, now=start)
    take(people.member, exam, now=start)
    first = Certificate.objects.get()
    # before the window: the passed exam cannot be retaken
    early = first.expires_at - 40 * DAY
    result = module_results(user=people.member, modules=[exam], now=early)[exam.pk]
    assert result.blocked_reason == "passed" and result.retake_from == first.expires_at - 30 * DAY
    with pytest.raises(Conflict, match="take it again on"):
        quiz_services.attempt_start(actor=people.member, module=exam, now=early)
    # inside the window the exam (only the exam) is open again, with a fresh round of attempts
    window = first.expires_at - 10 * DAY
    assert module_results(user=people.member, modules=[exam], now=window)[exam.pk].retake_open
    assert not module_results(user=people.member, modules=[crisis], now=window)[crisis.pk].retake_open
    progress = track_progress(user=people.member, tracks=[track], now=window)[track.pk]
    assert progress.state == TrackState.RENEWAL_DUE and progress.done == 1
    renewal = take(people.member, exam, now=window)
    assert renewal.passed
    first.refresh_from_db()
    second = Certificate.objects.exclude(pk=first.pk).get()
    assert first.status == Certificate.Status.EXPIRED and first.expired_at == window
    assert second.status == Certificate.Status.VALID and second.expires_at == first.expires_at + 180 * DAY
    assert verify_code(code=first.code).renewed
    assert _kinds(people.member)[-1] == "certificate_issued"


def test_renewal_after_expiry_starts_from_the_day_it_is_earned(people, publisher):
    track, modules = publisher
    start = timezone.now() - 400 * DAY
    for module in modules:
        take(people.liaison_b, module, now=start)
    first = Certificate.objects.get()
    assert services.certificates_expire() == 1
    assert valid_certificate(user=people.liaison_b, track=track) is None
    progress = track_progress(user=people.liaison_b, tracks=[track])[track.pk]
    assert progress.state == TrackState.EXPIRED and progress.done == 0  # without a final exam: every module again
    now = timezone.now()
    for module in modules[:2]:
        take(people.liaison_b, module, now=now)
    assert Certificate.objects.count() == 1
    take(people.liaison_b, modules[2], now=now)
    renewed = Certificate.objects.exclude(pk=first.pk).get()
    assert renewed.issued_at == now and renewed.expires_at == now + 365 * DAY


# --- reminders and expiry -----------------------------------------------------------------------------


def test_holders_are_reminded_30_and_7_days_before_each_once(people, spokesperson):
    track, crisis, exam = spokesperson
    start = timezone.now()
    take(people.member, crisis, now=start)
    take(people.member, exam, now=start)
    certificate = Certificate.objects.get()
    expires = certificate.expires_at
    assert services.certificates_remind_expiring(now=expires - 31 * DAY) == 0
    assert services.certificates_remind_expiring(now=expires - 30 * DAY) == 1
    assert services.certificates_remind_expiring(now=expires - 29 * DAY) == 0  # once
    certificate.refresh_from_db()
    assert certificate.reminded_30_at == expires - 30 * DAY and certificate.reminded_7_at is None
    assert services.certificates_remind_expiring(now=expires - 8 * DAY) == 0
    assert services.certificates_remind_expiring(now=expires - 7 * DAY) == 1
    assert services.certificates_remind_expiring(now=expires - 2 * DAY) == 0
    reminders = Notification.objects.filter(recipient=people.member, kind="certificate_expiring").order_by("id")
    assert [n.title for n in reminders] == [
        "Your “Crisis Spokesperson” certificate expires in 30 days",
        "Your “Crisis Spokesperson” certificate expires in 7 days",
    ]
    assert "pass the final exam" in reminders[0].body


def test_a_certificate_first_seen_inside_7_days_gets_only_the_7_day_reminder(people, publisher):
    track, _ = publisher
    now = timezone.now()
    Certificate.objects.create(
        user=people.employee, track=track, holder_name="E", issued_at=now - 300 * DAY, expires_at=now + 5 * DAY
    )
    assert services.certificates_remind_expiring(now=now) == 1
    assert services.certificates_remind_expiring(now=now + DAY) == 0
    titles = [n.title for n in Notification.objects.filter(kind="certificate_expiring")]
    assert len(titles) == 1 and titles[0].endswith("expires in 5 days")


def test_no_30_day_reminder_for_a_certificate_valid_for_less(people, publisher):
    track, modules = publisher
    track.validity_days = 20
    track.save()
    now = timezone.now()
    for module in modules:
        take(people.employee, module, now=now)
    assert services.certificates_remind_expiring(now=now + DAY) == 0
    assert services.certificates_remind_expiring(now=now + 13 * DAY) == 1  # 7 days before


def test_expiry_lapses_the_certificate_and_tells_the_holder(people, spokesperson):
    track, crisis, exam = spokesperson
    start = timezone.now()
    take(people.liaison_a, crisis, now=start)
    take(people.liaison_a, exam, now=start)
    certificate = Certificate.objects.get()
    expires = certificate.expires_at
    assert services.certificates_expire(now=expires - timedelta(seconds=1)) == 0
    # the right lapses at the moment of expiry, before any sweep
    assert valid_certificate(user=people.liaison_a, track=track, now=expires) is None
    assert verify_code(code=certificate.code) and certificate.state == Certificate.Status.VALID
    assert services.certificates_expire(now=expires + timedelta(minutes=5)) == 1
    assert services.certificates_expire(now=expires + timedelta(minutes=20)) == 0  # once
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.EXPIRED and certificate.expired_at == expires + timedelta(minutes=5)
    assert _kinds(people.liaison_a)[-1] == "certificate_expired"
    assert AuditEntry.objects.filter(action="certificate.expired").count() == 1
    shown = verify_code(code=certificate.code)
    assert shown.state == "expired" and shown.state_since == expires and not shown.renewed


# --- revocation --------------------------------------------------------------------------------------


def test_a_manager_revokes_with_a_reason_audited_and_the_holder_told(people, publisher):
    track, modules = publisher
    for module in modules:
        take(people.liaison_a, module)
    certificate = Certificate.objects.get()
    with pytest.raises(NotAllowed, match="Only a CoE manager"):
        services.certificate_revoke(actor=people.member, certificate=certificate, reason="posted a client's data")
    with pytest.raises(DomainError) as no_reason:
        services.certificate_revoke(actor=people.manager, certificate=certificate, reason="  ")
    assert "reason" in no_reason.value.fields
    services.certificate_revoke(
        actor=people.manager, certificate=certificate, reason="Shared a customer's order details in a reply."
    )
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED and certificate.revoked_by == people.manager
    assert valid_certificate(user=people.liaison_a, track=track) is None
    entry = AuditEntry.objects.get(action="certificate.revoked")
    assert entry.actor == people.manager and entry.data["reason"] == "Shared a customer's order details in a reply."
    told = Notification.objects.get(recipient=people.liaison_a, kind="certificate_revoked")
    assert "customer's order details" in told.body
    with pytest.raises(Conflict, match="already revoked"):
        services.certificate_revoke(actor=people.manager, certificate=certificate, reason="again, to be sure")
    shown = verify_code(code=certificate.code)
    assert shown.state == "revoked" and shown.state_since == certificate.revoked_at


def test_after_a_revocation_every_module_is_passed_again(people, spokesperson):
    track, crisis, exam = spokesperson
    take(people.member, crisis)
    take(people.member, exam)
    services.certificate_revoke(
        actor=people.manager, certificate=Certificate.objects.get(), reason="Left the crisis team"
    )
    progress = track_progress(user=people.member, tracks=[track])[track.pk]
    assert progress.state == TrackState.REVOKED and progress.done == 0
    assert module_results(user=people.member, modules=[crisis])[crisis.pk].retake_open
    later = timezone.now() + timedelta(minutes=1)
    take(people.member, exam, now=later)
    assert Certificate.objects.count() == 1
    take(people.member, crisis, now=later)
    assert Certificate.objects.filter(status=Certificate.Status.VALID).count() == 1


# --- tracks ------------------------------------------------------------------------------------------


def test_tracks_follow_their_rules(people):
    one, two = make_module("Account set-up"), make_module("Brand voice")
    with pytest.raises(NotAllowed):
        services.track_create(actor=people.liaison_a, fields={"name": "Mine", "modules": [one]})
    with pytest.raises(DomainError, match="at least one module"):
        services.track_create(actor=people.member, fields={"name": "Empty", "modules": []})
    with pytest.raises(DomainError, match="listed twice"):
        services.track_create(actor=people.member, fields={"name": "Twice", "modules": [one, one]})
    with pytest.raises(DomainError, match="a final exam is taken after them"):
        services.track_create(actor=people.member, fields={"name": "Exam", "modules": [one], "final_exam": one})
    with pytest.raises(DomainError, match="1 to 3650 days"):
        services.track_create(actor=people.member, fields={"name": "Long", "modules": [one], "validity_days": 0})
    track = services.track_create(
        actor=people.member, fields={"name": " Social  Publisher ", "modules": [two, one], "validity_days": 90}
    )
    assert track.slug == "social-publisher" and track.name == "Social Publisher"
    assert list(track.track_modules.values_list("module__slug", flat=True)) == ["brand-voice", "account-set-up"]
    with pytest.raises(DomainError, match="already is a track called"):
        services.track_create(actor=people.member, fields={"name": "social publisher", "modules": [one]})
    services.track_update(actor=people.member, track=track, changes={"name": "Publisher", "modules": [one, two]})
    track.refresh_from_db()
    assert track.slug == "social-publisher" and track.name == "Publisher"  # links keep working
    assert list(track.track_modules.values_list("module__slug", flat=True)) == ["account-set-up", "brand-voice"]
    actions = list(AuditEntry.objects.filter(app="training").values_list("action", flat=True).order_by("id"))
    assert actions == ["track.created", "track.updated"]
    assert CertificationTrack.objects.count() == 1


# --- beat ---------------------------------------------------------------------------------------------


def test_the_sweeps_are_in_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "training.tasks.attempts_close_expired_task",
        "training.tasks.certificates_remind_expiring_task",
        "training.tasks.certificates_expire_task",
    } <= tasks


@pytest.mark.django_db(transaction=True)
def test_the_sweeps_run_on_a_real_worker(people, redis_url):
    track = make_track("Social Publisher", [make_module("Account set-up")])
    now = timezone.now()
    expired = Certificate.objects.create(
        user=people.liaison_a, track=track, holder_name="A", issued_at=now - 400 * DAY, expires_at=now - DAY
    )
    expiring = Certificate.objects.create(
        user=people.liaison_b, track=track, holder_name="B", issued_at=now - 340 * DAY, expires_at=now + 25 * DAY
    )
    timed = make_module("Crisis response", time_limit_minutes=5)
    attempt = quiz_services.attempt_start(actor=people.employee, module=timed, now=now - timedelta(hours=1))
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        certificates_expire_task.delay()
        certificates_remind_expiring_task.delay()
        attempts_close_expired_task.delay()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (
            Certificate.objects.filter(pk=expired.pk, status=Certificate.Status.EXPIRED).exists()
            and Certificate.objects.filter(pk=expiring.pk, reminded_30_at__isnull=False).exists()
            and Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.TIMED_OUT).exists()
        ):
            time.sleep(0.2)
    gc.collect()
    assert Certificate.objects.get(pk=expired.pk).status == Certificate.Status.EXPIRED
    assert Notification.objects.filter(recipient=people.liaison_b, kind="certificate_expiring").count() == 1
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.TIMED_OUT
