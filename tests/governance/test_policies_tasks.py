"""Reminders and escalations of overdue acknowledgments, and review reminders to the owner, on a
clock the tests set (``now=``); each happens once however often beat runs. The tasks themselves
run on a real worker through Redis."""

from __future__ import annotations

import gc
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from coe.celery import app
from coe.models import Notification, User
from governance.models import AcknowledgmentReminder, AuditEntry, Policy
from governance.services import policies as services
from governance.tasks import policies_remind_review_due_task, policy_acknowledgments_remind_task
from tests.governance.policy_helpers import SMP_TEXT, make_policy, new_version

DAY = timedelta(days=1)


@pytest.fixture
def published(people):
    """The social media policy, published 20 days before the tests' “now”, 14 days to accept; the
    Marketing department led by marketing's lead; everyone joined long before."""
    lead = User.objects.create(username="marketing_lead", first_name="Mara", last_name="Lead", email="ml@example.com")
    User.objects.update(date_joined=timezone.now() - timedelta(days=400))
    people.marketing.lead = lead
    people.marketing.save()
    start = timezone.now() - timedelta(days=20)
    policy = make_policy(people.member, publish_as=people.manager, now=start)
    for person in (people.manager, people.member, people.liaison_b, people.approver):
        services.acknowledgment_record(actor=person, version=policy.current_version, now=start + DAY)
    return policy, start, lead


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True))


def test_nobody_is_reminded_before_the_deadline(published, people):
    policy, start, _ = published
    run = services.policy_acknowledgments_remind(now=start + 13 * DAY)
    assert (run.reminded, run.escalated) == (0, 0)
    assert not AcknowledgmentReminder.objects.exists()


def test_overdue_people_are_reminded_once_then_escalated_once_to_their_lead(published, people):
    policy, start, lead = published
    # Day 15: the employee, Marketing's liaison, the leader and the new lead are overdue.
    run = services.policy_acknowledgments_remind(now=start + 15 * DAY)
    overdue = {"employee", "liaison_a", "leader", "marketing_lead"}
    assert run.reminded == len(overdue) and run.escalated == 0
    reminded = set(AcknowledgmentReminder.objects.values_list("user__username", flat=True))
    assert reminded == overdue
    assert _kinds(people.employee)[-1] == "policy_acknowledgment_reminder"
    assert Notification.objects.get(recipient=people.employee, kind="policy_acknowledgment_reminder").url == (
        policy.get_absolute_url()
    )

    # Beat runs again the same day and the next: nothing new.
    for when in (start + 15 * DAY, start + 16 * DAY):
        run = services.policy_acknowledgments_remind(now=when)
        assert (run.reminded, run.escalated) == (0, 0)

    # The liaison accepts; a week after the reminder the others are escalated.
    services.acknowledgment_record(actor=people.liaison_a, version=policy.current_version)
    run = services.policy_acknowledgments_remind(now=start + (15 + settings.POLICY_ESCALATE_AFTER_DAYS) * DAY)
    assert run.escalated == 3
    escalated = set(
        AcknowledgmentReminder.objects.filter(kind=AcknowledgmentReminder.Kind.ESCALATION).values_list(
            "user__username", flat=True
        )
    )
    assert escalated == {"employee", "leader", "marketing_lead"}
    # The employee's lead hears about the employee (not the liaison who accepted) ...
    to_lead = Notification.objects.get(recipient=lead, kind="policy_acknowledgment_escalated")
    assert "1 person has not accepted" in to_lead.title and str(people.employee) in to_lead.body
    assert str(people.liaison_a) not in to_lead.body
    # ... and the CoE manager about the people without a lead (the leader; the lead themself).
    to_manager = Notification.objects.get(recipient=people.manager, kind="policy_acknowledgment_escalated")
    assert "2 people have not accepted" in to_manager.title
    assert str(people.leader) in to_manager.body and str(lead) in to_manager.body
    assert AuditEntry.objects.filter(action="policy.acknowledgments_escalated").count() == 1

    run = services.policy_acknowledgments_remind(now=start + 40 * DAY)
    assert (run.reminded, run.escalated) == (0, 0)
    assert AcknowledgmentReminder.objects.count() == 4 + 3


def test_a_new_major_version_starts_the_reminders_afresh_and_a_minor_one_does_not(published, people):
    policy, start, _ = published
    services.policy_acknowledgments_remind(now=start + 15 * DAY)
    before = AcknowledgmentReminder.objects.count()
    new_version(policy, actor=people.member, manager=people.manager, body=SMP_TEXT + "\nTypo.", major=False)
    assert services.policy_acknowledgments_remind(now=start + 16 * DAY).reminded == 0
    assert AcknowledgmentReminder.objects.count() == before
    publish_at = timezone.now()
    new_version(
        policy, actor=people.member, manager=people.manager, body=SMP_TEXT + "\nNew.", major=True, now=publish_at
    )
    assert services.policy_acknowledgments_remind(now=publish_at + 10 * DAY).reminded == 0
    run = services.policy_acknowledgments_remind(now=publish_at + 15 * DAY)
    # v3 asks everyone again (the manager who published it too), and nobody has accepted it yet
    assert run.reminded == User.objects.filter(is_active=True).count()
    policy.refresh_from_db()
    assert AcknowledgmentReminder.objects.filter(version=policy.acknowledgment_version).count() == run.reminded


def test_owner_is_reminded_once_when_the_review_is_due_and_again_after_the_next_date(people):
    today = timezone.localdate()
    policy = make_policy(
        people.member, owner=people.approver, review_due_on=today + timedelta(days=3), publish_as=people.manager
    )
    assert services.policies_remind_review_due(now=timezone.now()) == 0
    later = timezone.now() + timedelta(days=3)
    assert services.policies_remind_review_due(now=later) == 1
    assert services.policies_remind_review_due(now=later + DAY) == 0
    note = Notification.objects.get(recipient=people.approver, kind="policy_review_due")
    assert "is due for review" in note.title and note.url == policy.get_absolute_url()
    # the owner reviews it and sets the next date: the reminder is armed again
    services.policy_update(actor=people.approver, policy=policy, changes={"review_due_on": today + timedelta(days=30)})
    assert services.policies_remind_review_due(now=later + DAY) == 0
    assert services.policies_remind_review_due(now=timezone.now() + timedelta(days=30)) == 1
    assert Policy.objects.get(pk=policy.pk).review_reminded_on == today + timedelta(days=30)


def test_without_an_owner_the_coe_managers_are_reminded(people):
    make_policy(people.member, review_due_on=timezone.localdate() - timedelta(days=1), publish_as=people.manager)
    assert services.policies_remind_review_due() == 1
    assert Notification.objects.filter(recipient=people.manager, kind="policy_review_due").exists()


def test_both_sweeps_are_in_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "governance.tasks.policy_acknowledgments_remind_task" in tasks
    assert "governance.tasks.policies_remind_review_due_task" in tasks


@pytest.mark.django_db(transaction=True)
def test_the_tasks_run_on_a_real_worker(people, redis_url):
    User.objects.update(date_joined=timezone.now() - timedelta(days=400))
    make_policy(
        people.member,
        owner=people.approver,
        review_due_on=timezone.localdate(),
        publish_as=people.manager,
        now=timezone.now() - timedelta(days=15),
    )
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        policy_acknowledgments_remind_task.delay()
        policies_remind_review_due_task.delay()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (
            AcknowledgmentReminder.objects.exists() and Notification.objects.filter(kind="policy_review_due").exists()
        ):
            time.sleep(0.2)
    # The worker thread's database connection outlives the thread until collected; the test
    # database cannot be dropped while it is open.
    gc.collect()
    assert AcknowledgmentReminder.objects.filter(user=people.employee).exists()
    assert Notification.objects.filter(recipient=people.approver, kind="policy_review_due").exists()
