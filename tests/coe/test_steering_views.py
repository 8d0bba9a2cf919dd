"""The steering pages per role: CoE staff edit, leadership reads, everyone else sees only their
own action items (the committee's pages are 404 to them); anonymous people go to sign in."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from coe.models import ActionItem, SteeringDecision
from tests.coe.factories import DepartmentFactory, UserFactory
from tests.coe.factories_steering import (
    ActionItemFactory,
    SteeringMeetingFactory,
    SteeringMemberFactory,
    SteeringSeriesFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(people):
    SteeringSeriesFactory()
    SteeringMemberFactory(user=people.manager, is_chair=True)
    SteeringMemberFactory(user=people.liaison_a, department=people.marketing)
    meeting = SteeringMeetingFactory()
    SteeringDecision.objects.create(meeting=meeting, text="Approve the pilot.")
    mine = ActionItemFactory(owner=people.employee, meeting=meeting, title="Employee task")
    late = ActionItemFactory(
        owner=people.liaison_b, meeting=meeting, title="Late task", due_on=timezone.localdate() - timedelta(days=2)
    )
    return meeting, mine, late


def get(client, user, name, **kwargs):
    if user is not None:
        client.force_login(user)
    return client.get(reverse(name, kwargs=kwargs or None))


@pytest.mark.parametrize("who", ["manager", "member", "leader"])
def test_staff_and_leadership_see_the_committee(client, people, committee, who):
    response = get(client, getattr(people, who), "coe:steering")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Members by department" in body and "Late task" in body and 'data-overdue="1"' in body
    assert get(client, None, "coe:steering_meeting", pk=committee[0].pk).status_code == 200
    assert get(client, None, "coe:steering_invite").status_code == 200


@pytest.mark.parametrize("who", ["liaison_a", "liaison_b", "employee", "approver"])
def test_others_see_only_their_own_action_items(client, people, committee, who):
    response = get(client, getattr(people, who), "coe:steering")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Members by department" not in body
    assert ("Employee task" in body) == (who == "employee")
    assert ("Late task" in body) == (who == "liaison_b")
    assert get(client, None, "coe:steering_meeting", pk=committee[0].pk).status_code == 404
    assert get(client, None, "coe:steering_invite").status_code == 404
    assert get(client, None, "coe:steering_member_add").status_code == 404


def test_anonymous_goes_to_sign_in(client, committee):
    for name, kwargs in [("coe:steering", {}), ("coe:steering_action_items", {}), ("coe:steering_invite", {})]:
        response = client.get(reverse(name, kwargs=kwargs or None))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_leadership_cannot_edit(client, people, committee):
    client.force_login(people.leader)
    assert client.get(reverse("coe:steering_member_add")).status_code == 403
    response = client.post(
        reverse("coe:steering_meeting", kwargs={"pk": committee[0].pk}), {"action": "decision", "decision-text": "x"}
    )
    assert response.status_code == 403
    assert SteeringDecision.objects.count() == 1


def test_member_records_a_decision_and_attendance_and_an_item(client, people, committee):
    meeting = committee[0]
    client.force_login(people.member)
    url = reverse("coe:steering_meeting", kwargs={"pk": meeting.pk})
    assert client.post(url, {"action": "decision", "decision-text": "Budget approved."}).status_code == 302
    client.post(url, {"action": "attendance", f"attendance-{people.liaison_a.pk}": "apologies"})
    assert list(meeting.attendance.values_list("user_id", "status")) == [(people.liaison_a.pk, "apologies")]
    client.post(
        url,
        {
            "action": "item",
            "item-title": "Write it down",
            "item-owner": people.employee.pk,
            "item-due_on": "2030-01-01",
            "item-status": "open",
        },
    )
    assert ActionItem.objects.filter(title="Write it down", meeting=meeting, owner=people.employee).exists()
    assert SteeringDecision.objects.filter(text="Budget approved.").exists()


def test_owner_changes_status_on_the_page_but_the_title_is_not_offered(client, people, committee):
    _, mine, _ = committee
    client.force_login(people.employee)
    url = reverse("coe:steering_action_item_edit", kwargs={"pk": mine.pk})
    page = client.get(url).content.decode()
    assert 'name="status"' in page and 'name="title"' not in page
    client.post(url, {"status": "done", "title": "Hijacked"})
    mine.refresh_from_db()
    assert mine.status == "done" and mine.title == "Employee task"


def test_someone_elses_item_is_404(client, people, committee):
    _, mine, _ = committee
    client.force_login(people.liaison_a)
    assert client.get(reverse("coe:steering_action_item_edit", kwargs={"pk": mine.pk})).status_code == 404


def test_the_invite_is_an_ics_file(client, people, committee):
    client.force_login(people.leader)
    response = client.get(reverse("coe:steering_invite"))
    assert response["Content-Type"].startswith("text/calendar")
    event = next(iter(Calendar.from_ical(response.content).walk("VEVENT")))
    assert event["RRULE"]["FREQ"] == ["MONTHLY"]


def test_action_item_filters(client, people, committee):
    client.force_login(people.manager)
    body = client.get(reverse("coe:steering_action_items") + "?overdue=1").content.decode()
    assert "Late task" in body and "Employee task" not in body


def _grow(n, people):
    for i in range(n):
        department = DepartmentFactory(name=f"Dept {n}-{i}")
        user = UserFactory(departments=[department])
        SteeringMemberFactory(user=user, department=department)
        meeting = SteeringMeetingFactory(scheduled_at=timezone.now() - timedelta(days=30 * (i + 1)))
        ActionItemFactory(owner=user, meeting=meeting, department=department)
        ActionItemFactory(owner=people.manager, meeting=meeting, department=department)


@pytest.mark.parametrize("size", [2, 12])
def test_pages_have_a_flat_query_count(client, people, django_assert_max_num_queries, size):
    SteeringSeriesFactory()
    _grow(size, people)
    client.force_login(people.manager)
    client.get(reverse("coe:steering"))  # warm the session and permission caches
    with django_assert_max_num_queries(16):
        assert client.get(reverse("coe:steering")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("coe:steering_action_items")).status_code == 200
    meeting = SteeringMeetingFactory()
    with django_assert_max_num_queries(16):
        assert client.get(reverse("coe:steering_meeting", kwargs={"pk": meeting.pk})).status_code == 200


def test_the_committee_page_costs_the_same_for_2_and_12_departments(client, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    SteeringSeriesFactory()
    client.force_login(people.manager)

    def count() -> int:
        client.get(reverse("coe:steering"))
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("coe:steering"))
        return len(queries)

    _grow(2, people)
    small = count()
    _grow(10, people)
    assert count() == small


def test_the_home_page_lists_ones_own_open_items(client, people, committee):
    client.force_login(people.employee)
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="action-items-panel"' in body and "Employee task" in body
    client.force_login(people.approver)
    assert 'data-testid="action-items-panel"' not in client.get(reverse("home")).content.decode()


def test_member_sets_the_series_and_plans_meetings_once(client, people):
    client.force_login(people.member)
    response = client.post(
        reverse("coe:steering_series_edit"),
        {
            "name": "Steering",
            "cadence": "fortnightly",
            "first_meeting_at": "2026-01-06T10:00",
            "duration_minutes": 45,
            "location": "Room 1",
        },
    )
    assert response.status_code == 302
    before = SteeringMeetingFactory._meta.model.objects.count()
    client.post(reverse("coe:steering_meetings_plan"), {"count": 3})
    client.post(reverse("coe:steering_meetings_plan"), {"count": 3})
    assert SteeringMeetingFactory._meta.model.objects.count() == before + 3
    client.force_login(people.leader)
    assert client.post(reverse("coe:steering_meetings_plan"), {"count": 3}).status_code == 403
