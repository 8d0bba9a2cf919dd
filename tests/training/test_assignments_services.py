"""Assignments: who may make them, the rules they follow, who they apply to (evaluated live:
people who join later have them, with the newcomers' days), when they are complete, and changing
and cancelling them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from coe.errors import Conflict, DomainError, NotAllowed
from coe.models import Notification
from coe.roles import Role
from governance.models import AuditEntry
from tests.coe.factories import UserFactory
from tests.training.assignment_helpers import assign, attempt, backdate, certificate, today
from tests.training.quiz_helpers import make_module, make_track
from training.models import Assignment, AssignmentReminder, ModuleStatus
from training.selectors import assignments as selectors
from training.selectors.assignments import Standing
from training.services import assignments as services

DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _long_standing(people):
    """Everyone joined long before any assignment (newcomers are made by the tests that need them)."""
    long_ago = timezone.now() - 400 * DAY
    type(people.employee).objects.update(date_joined=long_ago)
    for person in vars(people).values():
        if hasattr(person, "date_joined"):
            person.date_joined = long_ago


@pytest.fixture
def module(db):
    return make_module("Social media policy and disclosure")


@pytest.fixture
def track(db):
    return make_track("Social Publisher", [make_module("Account set-up"), make_module("Brand voice")])


def _told(user, kind: str = "training_assigned") -> bool:
    return Notification.objects.filter(recipient=user, kind=kind).exists()


def _item(user, target):
    return next(item for item in selectors.assigned_to(user=user) if item.target == target)


# --- making one -----------------------------------------------------------------------------------


def test_coe_staff_assign_a_module_to_a_department_and_its_people_are_told(people, module):
    assignment = assign(
        people.member, module=module, department=people.marketing, due_in_days=21, note="Before launch."
    )
    assert assignment.is_active and assignment.created_by == people.member
    assert _told(people.liaison_a) and _told(people.employee)
    assert not _told(people.liaison_b) and not _told(people.member)
    note = Notification.objects.get(recipient=people.employee, kind="training_assigned")
    assert "Social media policy and disclosure" in note.title and "Before launch." in note.body
    assert note.url == module.get_absolute_url()
    entry = AuditEntry.objects.get(action="assignment.created")
    assert "everyone in Marketing" in entry.summary and entry.actor == people.member


def test_people_who_completed_it_already_are_not_told(people, module):
    attempt(people.employee, module, score=100)
    assign(people.member, module=module, department=people.marketing)
    assert _told(people.liaison_a) and not _told(people.employee)


@pytest.mark.parametrize("who", ["liaison_a", "employee", "approver", "leader"])
def test_only_the_coe_team_assigns_training(people, module, who):
    with pytest.raises(NotAllowed):
        assign(getattr(people, who), module=module, department=people.marketing)
    assert not Assignment.objects.exists()


def test_a_draft_module_an_inactive_track_or_a_past_date_is_refused_with_a_reason(people, track):
    draft = make_module("Measuring what matters", status=ModuleStatus.DRAFT)
    with pytest.raises(DomainError, match="not published"):
        assign(people.member, module=draft, department=people.marketing)
    track.is_active = False
    track.save()
    with pytest.raises(DomainError, match="not offered"):
        assign(people.member, track=track, department=people.marketing)
    with pytest.raises(DomainError, match="Pick a due date from today") as refused:
        assign(people.member, module=make_module("Brand basics"), department=people.marketing, due_in_days=-1)
    assert "due_on" in refused.value.fields
    assert not Assignment.objects.exists()


def test_one_target_and_one_audience(people, module, track):
    with pytest.raises(DomainError, match="either a module or a certification track"):
        assign(people.member, module=module, track=track, department=people.marketing)
    with pytest.raises(DomainError, match="one department, one role or one person"):
        assign(people.member, module=module, department=people.marketing, user=people.employee)
    with pytest.raises(DomainError, match="one department, one role or one person"):
        assign(people.member, module=module)
    with pytest.raises(DomainError, match="not a role"):
        assign(people.member, module=module, role=Group.objects.create(name="Book club"))
    with pytest.raises(DomainError, match="days"):
        assign(people.member, module=module, user=people.employee, days_for_newcomers=400)


def test_the_same_thing_twice_to_the_same_audience_is_refused(people, module):
    first = assign(people.member, module=module, department=people.marketing)
    with pytest.raises(Conflict, match="already assigned to everyone in Marketing") as refused:
        assign(people.manager, module=module, department=people.marketing, due_in_days=30)
    assert refused.value.code == "already_assigned"
    # Cancelled, it may be assigned again; and to another audience at any time.
    services.assignment_cancel(actor=people.member, assignment=first)
    assign(people.manager, module=module, department=people.marketing, due_in_days=30)
    assign(people.manager, module=module, department=people.service)


# --- who it applies to (live) -----------------------------------------------------------------------


def test_a_department_assignment_follows_the_department_as_it_is_today(people, module):
    assignment = assign(people.member, module=module, department=people.marketing)
    audience = set(selectors.audience_of(assignment).values_list("username", flat=True))
    assert audience == {"liaison_a", "employee"}
    newcomer = UserFactory(username="newcomer", role=Role.EMPLOYEE, departments=[people.marketing])
    people.employee.departments.set([people.service])
    people.liaison_a.is_active = False
    people.liaison_a.save()
    assert set(selectors.audience_of(assignment).values_list("username", flat=True)) == {"newcomer"}
    assert [item.target for item in selectors.assigned_to(user=newcomer)] == [module]
    assert selectors.assigned_to(user=people.employee) == []


def test_a_role_assignment_reaches_every_holder_of_the_role(people, module):
    liaisons = Group.objects.get(name=Role.LIAISON.group_name)
    assignment = assign(people.member, module=module, role=liaisons)
    assert set(selectors.audience_of(assignment).values_list("username", flat=True)) == {"liaison_a", "liaison_b"}
    assert services.audience_label(assignment) == "everyone with the Liaison role"
    later = UserFactory(username="new_liaison", role=Role.LIAISON)
    assert [item.target for item in selectors.assigned_to(user=later)] == [module]


def test_a_personal_assignment_is_for_that_person_only(people, module):
    assignment = assign(people.member, module=module, user=people.leader)
    assert list(selectors.audience_of(assignment)) == [people.leader]
    assert [item.target for item in selectors.assigned_to(user=people.leader)] == [module]
    assert selectors.assigned_to(user=people.employee) == []


def test_newcomers_get_their_days_from_the_day_they_joined(people, module):
    assignment = assign(people.member, module=module, department=people.marketing, due_in_days=5, days_for_newcomers=30)
    backdate(assignment, days=20)
    # Someone who joined before the assignment was made is due on its date...
    people.employee.date_joined = timezone.now() - 60 * DAY
    people.employee.save()
    assert _item(people.employee, module).due_on == today() + 5 * DAY
    # ...someone who joined ten days ago gets thirty days from then...
    newcomer = UserFactory(username="newcomer", role=Role.EMPLOYEE, departments=[people.marketing])
    newcomer.date_joined = timezone.now() - 10 * DAY
    newcomer.save()
    assert _item(newcomer, module).due_on == today() + 20 * DAY
    # ...and never less time than the others.
    quick = UserFactory(username="quick", role=Role.EMPLOYEE, departments=[people.marketing])
    assignment.days_for_newcomers = 1
    assignment.save()
    assert selectors.personal_due_on(assignment, quick) == assignment.due_on


def test_the_earliest_due_date_counts_when_two_assignments_ask_for_the_same(people, module):
    assign(people.member, module=module, department=people.marketing, due_in_days=30)
    assign(people.member, module=module, user=people.employee, due_in_days=7)
    items = selectors.assigned_to(user=people.employee)
    assert len(items) == 1 and items[0].due_on == today() + 7 * DAY and len(items[0].assignments) == 2


# --- complete, open, overdue ------------------------------------------------------------------------


def test_a_module_is_complete_once_its_quiz_is_passed(people, module):
    assign(people.member, module=module, department=people.marketing, due_in_days=2)
    assert _item(people.employee, module).status == Standing.DUE_SOON
    attempt(people.employee, module, score=40)
    assert _item(people.employee, module).status == Standing.DUE_SOON
    attempt(people.employee, module, score=90)
    assert _item(people.employee, module).status == Standing.DONE


def test_a_track_is_complete_while_its_certificate_is_valid(people, track):
    assign(people.member, track=track, department=people.marketing, due_in_days=20)
    assert _item(people.employee, track).status == Standing.TO_DO
    held = certificate(people.employee, track, expires_in_days=100)
    assert _item(people.employee, track).status == Standing.DONE
    held.expires_at = timezone.now() - DAY  # expired, even before the sweep marks it
    held.save()
    assert _item(people.employee, track).status == Standing.TO_DO
    held.expires_at, held.status = timezone.now() + 100 * DAY, "revoked"
    held.save()
    assert _item(people.employee, track).status == Standing.TO_DO


def test_overdue_after_the_due_date(people, module):
    assignment = assign(people.member, module=module, department=people.marketing, due_in_days=3)
    backdate(assignment, days=30)
    later = timezone.now() + 5 * DAY
    assert _item(people.employee, module).status == Standing.DUE_SOON
    assert next(i for i in selectors.assigned_to(user=people.employee, now=later)).status == Standing.OVERDUE


def test_completion_counts_per_assignment(people, module):
    assignment = assign(people.member, module=module, department=people.marketing, due_in_days=1)
    backdate(assignment, days=10)
    attempt(people.liaison_a, module, score=100)
    counted = selectors.with_completion(Assignment.objects.all(), now=timezone.now() + 3 * DAY).get()
    assert (counted.audience_count, counted.completed_count, counted.overdue_count) == (2, 1, 1)
    now = selectors.with_completion(Assignment.objects.all()).get()
    assert now.overdue_count == 0


def test_a_module_taken_out_of_the_catalogue_stops_its_assignments(people, module):
    assign(people.member, module=module, department=people.marketing)
    module.status = ModuleStatus.ARCHIVED
    module.save()
    assert selectors.assigned_to(user=people.employee) == []
    assert not selectors.live_assignments().exists()


# --- changing and cancelling ------------------------------------------------------------------------


def test_a_new_due_date_is_told_and_rearms_the_reminders(people, module):
    assignment = assign(people.member, module=module, department=people.marketing, due_in_days=2)
    attempt(people.liaison_a, module, score=100)
    AssignmentReminder.objects.create(assignment=assignment, user=people.employee, kind="due_soon")
    new_date = today() + 30 * DAY
    services.assignment_update(
        actor=people.manager, assignment=assignment, changes={"due_on": new_date, "note": " Q3 "}
    )
    assignment.refresh_from_db()
    assert assignment.due_on == new_date and assignment.note == "Q3"
    assert not AssignmentReminder.objects.exists()
    assert _told(people.employee, "training_due_date_changed") and not _told(
        people.liaison_a, "training_due_date_changed"
    )
    entry = AuditEntry.objects.get(action="assignment.changed")
    assert entry.data["due_on"]["to"] == new_date.isoformat()


def test_what_and_who_cannot_change(people, module):
    assignment = assign(people.member, module=module, department=people.marketing)
    with pytest.raises(DomainError, match="cancel this assignment and make a new one"):
        services.assignment_update(actor=people.member, assignment=assignment, changes={"department": people.service})
    with pytest.raises(DomainError, match="Pick a due date from today"):
        services.assignment_update(actor=people.member, assignment=assignment, changes={"due_on": today() - DAY})
    with pytest.raises(NotAllowed):
        services.assignment_update(actor=people.liaison_a, assignment=assignment, changes={"note": "x"})


def test_cancelling_stops_it_and_tells_who_had_not_completed_it(people, module):
    assignment = assign(people.member, module=module, department=people.marketing)
    attempt(people.liaison_a, module, score=100)
    services.assignment_cancel(actor=people.manager, assignment=assignment, reason="Replaced by the new course.")
    assignment.refresh_from_db()
    assert not assignment.is_active
    assert selectors.assigned_to(user=people.employee) == []
    cancelled = Notification.objects.get(recipient=people.employee, kind="training_assignment_cancelled")
    assert "Replaced by the new course." in cancelled.body
    assert not _told(people.liaison_a, "training_assignment_cancelled")
    assert AuditEntry.objects.filter(action="assignment.cancelled").exists()
    with pytest.raises(Conflict, match="already cancelled"):
        services.assignment_cancel(actor=people.manager, assignment=assignment)
    with pytest.raises(Conflict, match="cancelled"):
        services.assignment_update(actor=people.manager, assignment=assignment, changes={"note": "x"})
    with pytest.raises(NotAllowed):
        services.assignment_cancel(
            actor=people.leader, assignment=assign(people.member, module=module, user=people.leader)
        )
