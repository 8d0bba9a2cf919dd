"""The reminder sweep on a clock the tests set (``now=``): a due-soon reminder and an overdue one,
each once per person however often beat runs; the department lead told of overdue people; nobody
who completed it, nobody whose newcomer days are still running. The task runs on a real worker."""

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
from coe.roles import Role
from governance.models import AuditEntry
from tests.coe.factories import UserFactory
from tests.training.assignment_helpers import assign, attempt, backdate
from tests.training.quiz_helpers import make_module
from training.models import AssignmentReminder
from training.services import assignments as services
from training.tasks import assignments_remind_task

DAY = timedelta(days=1)


@pytest.fixture
def setup(people):
    """Marketing (led by Mara, its lead) has the policy module due in 5 days, assigned 20 days ago;
    everyone joined long before."""
    lead = UserFactory(username="marketing_lead", first_name="Mara", last_name="Lead", role=Role.APPROVER)
    people.marketing.lead = lead
    people.marketing.save()
    lead.departments.add(people.marketing)
    User.objects.update(date_joined=timezone.now() - 400 * DAY)
    module = make_module("Social media policy and disclosure")
    assignment = assign(people.member, module=module, department=people.marketing, due_in_days=5)
    backdate(assignment, days=20)
    return assignment, module, lead


def _reminders(kind: str) -> set[str]:
    return set(AssignmentReminder.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_nobody_is_reminded_while_the_due_date_is_far(setup):
    run = services.assignments_remind(now=timezone.now())
    assert (run.due_soon, run.overdue) == (0, 0)
    assert not AssignmentReminder.objects.exists()


def test_due_soon_once_per_person(setup, people):
    assignment, module, lead = setup
    attempt(people.liaison_a, module, score=100)  # done: never reminded
    soon = timezone.now() + 3 * DAY  # two days before the due date
    run = services.assignments_remind(now=soon)
    assert run.due_soon == 2 and run.overdue == 0
    assert _reminders("due_soon") == {"employee", "marketing_lead"}
    note = Notification.objects.get(recipient=people.employee, kind="training_due_soon")
    assert "Social media policy and disclosure" in note.title and note.url == module.get_absolute_url()
    again = services.assignments_remind(now=soon + timedelta(hours=1))
    assert (again.due_soon, again.overdue) == (0, 0)
    assert Notification.objects.filter(kind="training_due_soon").count() == 2


def test_overdue_once_and_the_department_lead_is_told(setup, people):
    assignment, module, lead = setup
    late = timezone.now() + 7 * DAY
    run = services.assignments_remind(now=late)
    assert run.overdue == 3 and run.due_soon == 0  # the employee, the liaison and the lead herself
    assert _reminders("overdue") == {"employee", "liaison_a", "marketing_lead"}
    told = Notification.objects.get(recipient=lead, kind="training_overdue_lead")
    assert "2 people in your team are overdue" in told.title
    assert str(people.employee) in told.body and str(people.liaison_a) in told.body and "Mara" not in told.body
    assert Notification.objects.filter(recipient=people.employee, kind="training_overdue").count() == 1
    assert AuditEntry.objects.filter(action="assignment.overdue_reminded").count() == 1
    again = services.assignments_remind(now=late + 3 * DAY)
    assert (again.due_soon, again.overdue, again.leads_told) == (0, 0, 0)
    assert Notification.objects.filter(kind="training_overdue_lead").count() == 1


def test_a_newcomer_is_not_overdue_while_their_days_run(setup, people):
    assignment, module, lead = setup
    newcomer = UserFactory(username="newcomer", role=Role.EMPLOYEE, departments=[people.marketing])
    newcomer.date_joined = timezone.now() - 2 * DAY  # 30 days from then
    newcomer.save()
    services.assignments_remind(now=timezone.now() + 7 * DAY)
    assert "newcomer" not in _reminders("overdue") | _reminders("due_soon")
    services.assignments_remind(now=timezone.now() + 26 * DAY)  # two days before their own date
    assert "newcomer" in _reminders("due_soon")
    services.assignments_remind(now=timezone.now() + 29 * DAY)
    assert "newcomer" in _reminders("overdue")


def test_a_fresh_assignment_is_not_followed_by_a_due_soon_reminder(people):
    module = make_module("Brand voice")
    assign(people.member, module=module, user=people.employee, due_in_days=2)
    assert services.assignments_remind().due_soon == 0


def test_cancelled_assignments_remind_nobody(setup):
    assignment, _, _ = setup
    services.assignment_cancel(actor=assignment.created_by, assignment=assignment)
    run = services.assignments_remind(now=timezone.now() + 7 * DAY)
    assert (run.due_soon, run.overdue) == (0, 0)


def test_the_sweep_is_in_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "training.tasks.assignments_remind_task" in tasks


@pytest.mark.django_db(transaction=True)
def test_the_task_runs_on_a_real_worker(people, redis_url):
    User.objects.update(date_joined=timezone.now() - 400 * DAY)
    module = make_module("Crisis response")
    assignment = assign(people.member, module=module, user=people.employee, due_in_days=1)
    backdate(assignment, days=10)
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assignments_remind_task.delay()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not AssignmentReminder.objects.exists():
            time.sleep(0.2)
    gc.collect()  # the worker thread's connection must go before the test database is dropped
    assert AssignmentReminder.objects.filter(user=people.employee, kind="due_soon").exists()
