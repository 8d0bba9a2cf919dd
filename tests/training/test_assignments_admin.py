"""Assignments in the admin: made through the service (people told, audited), refusals on the
form, what and who fixed once made, cancelled by an action, never deleted."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from coe.models import Notification
from governance.models import AuditEntry
from tests.training.assignment_helpers import assign
from tests.training.quiz_helpers import make_module
from training.models import Assignment


def _due(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_the_admin_assigns_through_the_service(client, people):
    module = make_module("Brand voice")
    client.force_login(people.manager)
    assert client.get(reverse("admin:training_assignment_changelist")).status_code == 200
    response = client.post(
        reverse("admin:training_assignment_add"),
        {"module": module.pk, "department": people.marketing.pk, "due_on": _due(10), "days_for_newcomers": 30},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.created_by == people.manager
    assert Notification.objects.filter(recipient=people.employee, kind="training_assigned").exists()
    assert AuditEntry.objects.filter(action="assignment.created").exists()
    refused = client.post(
        reverse("admin:training_assignment_add"),
        {"module": module.pk, "department": people.marketing.pk, "due_on": _due(10), "days_for_newcomers": 30},
    )
    assert refused.status_code == 200 and "already assigned to everyone in Marketing" in refused.content.decode()
    past = client.post(
        reverse("admin:training_assignment_add"),
        {"module": module.pk, "user": people.leader.pk, "due_on": _due(-2), "days_for_newcomers": 30},
    )
    assert "Pick a due date from today" in past.content.decode()
    assert Assignment.objects.count() == 1


def test_the_admin_changes_the_date_and_cancels_but_never_deletes(client, people):
    assignment = assign(people.member, module=make_module("Crisis response"), department=people.marketing)
    client.force_login(people.manager)
    change = reverse("admin:training_assignment_change", args=[assignment.pk])
    page = client.get(change).content.decode()
    assert 'name="department"' not in page  # what and who are fixed
    response = client.post(change, {"due_on": _due(40), "days_for_newcomers": 10, "note": "New date."})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.due_on.isoformat(), assignment.days_for_newcomers) == (_due(40), 10)
    assert AuditEntry.objects.filter(action="assignment.changed").exists()
    client.post(
        reverse("admin:training_assignment_changelist"),
        {"action": "cancel_selected", "_selected_action": [assignment.pk]},
    )
    assignment.refresh_from_db()
    assert not assignment.is_active
    assert client.get(reverse("admin:training_assignment_delete", args=[assignment.pk])).status_code == 403
