"""The steering committee's API per role: CoE staff write, leadership reads, others see only their
own action items (and may PATCH their status only)."""

import pytest

from coe.models import ActionItem, SteeringDecision
from tests.coe.factories_steering import ActionItemFactory, SteeringMeetingFactory, SteeringMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(people):
    SteeringMemberFactory(user=people.manager, is_chair=True)
    meeting = SteeringMeetingFactory()
    SteeringDecision.objects.create(meeting=meeting, text="Approve the pilot.")
    mine = ActionItemFactory(owner=people.employee, meeting=meeting)
    other = ActionItemFactory(owner=people.liaison_a, meeting=meeting)
    return meeting, mine, other


@pytest.mark.parametrize("who", ["manager", "member", "leader"])
def test_staff_and_leadership_read_everything(api_client, people, committee, who):
    api_client.force_authenticate(getattr(people, who))
    assert api_client.get("/api/v1/steering-members/").json()["count"] == 1
    meeting = api_client.get(f"/api/v1/steering-meetings/{committee[0].pk}/").json()
    assert [d["text"] for d in meeting["decisions"]] == ["Approve the pilot."]
    assert len(meeting["action_items"]) == 2 and "attendance" in meeting
    assert api_client.get("/api/v1/action-items/").json()["count"] == 2


@pytest.mark.parametrize("who", ["liaison_b", "employee", "approver"])
def test_others_see_only_their_own_items(api_client, people, committee, who):
    api_client.force_authenticate(getattr(people, who))
    assert api_client.get("/api/v1/steering-members/").json()["count"] == 0
    assert api_client.get(f"/api/v1/steering-meetings/{committee[0].pk}/").status_code == 404
    items = api_client.get("/api/v1/action-items/").json()["results"]
    assert [item["id"] for item in items] == ([committee[1].pk] if who == "employee" else [])
    assert api_client.get(f"/api/v1/action-items/{committee[2].pk}/").status_code == 404


def test_anonymous_is_refused(api_client, committee):
    for url in ["/api/v1/steering-members/", "/api/v1/steering-meetings/", "/api/v1/action-items/"]:
        assert api_client.get(url).status_code in (401, 403)


def test_owner_patches_status_only(api_client, people, committee):
    _, mine, _ = committee
    api_client.force_authenticate(people.employee)
    response = api_client.patch(f"/api/v1/action-items/{mine.pk}/", {"status": "in_progress"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    response = api_client.patch(f"/api/v1/action-items/{mine.pk}/", {"title": "Mine now"}, format="json")
    assert response.status_code == 403
    assert "title" in response.json()["error"]["fields"]
    mine.refresh_from_db()
    assert mine.title != "Mine now" and mine.status == "in_progress"


def test_leadership_cannot_write(api_client, people, committee):
    meeting, mine, _ = committee
    api_client.force_authenticate(people.leader)
    assert api_client.patch(f"/api/v1/action-items/{mine.pk}/", {"status": "done"}, format="json").status_code == 403
    response = api_client.post(f"/api/v1/steering-meetings/{meeting.pk}/decisions/", {"text": "No"}, format="json")
    assert response.status_code == 403
    response = api_client.post(
        "/api/v1/steering-members/", {"user": people.leader.pk, "joined_on": "2026-01-01"}, format="json"
    )
    assert response.status_code == 403


def test_member_writes(api_client, people, committee):
    meeting, _, _ = committee
    api_client.force_authenticate(people.member)
    response = api_client.post(
        "/api/v1/action-items/",
        {"title": "Write the brief", "owner": people.liaison_b.pk, "due_on": "2030-01-01", "meeting": meeting.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert ActionItem.objects.filter(title="Write the brief", owner=people.liaison_b).exists()
    response = api_client.post(
        f"/api/v1/steering-meetings/{meeting.pk}/attendance/",
        {"attendance": [{"user": people.manager.pk, "status": "present"}]},
        format="json",
    )
    assert response.status_code == 200 and response.json()["attendance"][0]["status"] == "present"
    response = api_client.post(f"/api/v1/steering-meetings/{meeting.pk}/decisions/", {"text": "Go"}, format="json")
    assert [d["text"] for d in response.json()["decisions"]] == ["Approve the pilot.", "Go"]
    response = api_client.post(
        "/api/v1/steering-members/",
        {"user": people.liaison_a.pk, "department": "marketing", "joined_on": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 201
    again = api_client.post(
        "/api/v1/steering-members/", {"user": people.liaison_a.pk, "joined_on": "2026-02-01"}, format="json"
    )
    assert again.status_code == 409
    seat = response.json()["id"]
    assert api_client.post(f"/api/v1/steering-members/{seat}/leave/", {}, format="json").status_code == 200


def test_overdue_filter(api_client, people, committee):
    from datetime import date

    ActionItemFactory(owner=people.employee, due_on=date(2020, 1, 1), title="Late")
    api_client.force_authenticate(people.manager)
    items = api_client.get("/api/v1/action-items/?overdue=true").json()["results"]
    assert [item["title"] for item in items] == ["Late"] and items[0]["is_overdue"]
