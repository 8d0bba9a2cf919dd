"""Assignments, My learning and the training report over the API: the CoE writes, everyone reads
their own, errors in the shared JSON shape, and who may not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from coe.models import User
from tests.training.assignment_helpers import assign, attempt, backdate, certificate
from tests.training.quiz_helpers import make_module, make_track
from training.models import Assignment

DAY = timedelta(days=1)


@pytest.fixture
def curriculum(people):
    User.objects.update(date_joined=timezone.now() - 400 * DAY)
    policy = make_module("Social media policy")
    track = make_track("Social Publisher", [policy, make_module("Brand voice")])
    return policy, track


def _due(days: int = 14) -> str:
    return (timezone.localdate() + days * DAY).isoformat()


def test_the_coe_assigns_over_the_api(api_as, people, curriculum):
    policy, track = curriculum
    response = api_as(people.member).post(
        "/api/v1/training-assignments/",
        {"track": "social-publisher", "role": "liaison", "due_on": _due(), "note": "Before posting."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (
        body["title"] == "Social Publisher"
        and body["audience"] == "everyone with the Liaison role"
        and body["role"] == "liaison"
    )
    assert (body["audience_count"], body["completed_count"], body["overdue_count"]) == (2, 0, 0)
    assert body["days_for_newcomers"] == 30 and body["is_live"] is True


def test_refusals_come_in_the_shared_shape(api_as, people, curriculum):
    policy, track = curriculum
    client = api_as(people.member)
    past = client.post(
        "/api/v1/training-assignments/",
        {"module": policy.slug, "department": "marketing", "due_on": _due(-1)},
        format="json",
    )
    assert past.status_code == 400 and "Pick a due date from today" in past.json()["error"]["message"]
    both = client.post(
        "/api/v1/training-assignments/",
        {"module": policy.slug, "track": track.slug, "department": "marketing", "due_on": _due()},
        format="json",
    )
    assert both.status_code == 400 and "either a module or a certification track" in both.json()["error"]["message"]
    client.post(
        "/api/v1/training-assignments/",
        {"module": policy.slug, "department": "marketing", "due_on": _due()},
        format="json",
    )
    twice = client.post(
        "/api/v1/training-assignments/",
        {"module": policy.slug, "department": "marketing", "due_on": _due()},
        format="json",
    )
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_assigned"
    unknown = client.post(
        "/api/v1/training-assignments/",
        {"module": policy.slug, "department": "marketing", "due_on": _due(), "is_active": False},
        format="json",
    )
    assert unknown.status_code == 400 and "is_active" in unknown.json()["error"]["fields"]


@pytest.mark.parametrize("who", ["liaison_a", "employee", "leader"])
def test_only_the_coe_assigns(api_as, people, curriculum, who):
    policy, _ = curriculum
    response = api_as(getattr(people, who)).post(
        "/api/v1/training-assignments/",
        {"module": policy.slug, "department": "marketing", "due_on": _due()},
        format="json",
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    assert not Assignment.objects.exists()


def test_everyone_reads_their_own_with_their_standing(api_as, people, curriculum):
    policy, track = curriculum
    mine = assign(people.member, module=policy, department=people.marketing, due_in_days=2)
    assign(people.member, module=policy, department=people.service)
    attempt(people.employee, policy, score=100)
    listed = api_as(people.employee).get("/api/v1/training-assignments/").json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    assert listed[0]["mine"] == {"due_on": mine.due_on.isoformat(), "standing": "done"}
    assert listed[0]["audience_count"] is None  # the counts are the CoE's
    liaison = api_as(people.liaison_a).get(f"/api/v1/training-assignments/{mine.pk}/").json()
    assert liaison["mine"]["standing"] == "due_soon"
    other = Assignment.objects.exclude(pk=mine.pk).get()
    assert api_as(people.employee).get(f"/api/v1/training-assignments/{other.pk}/").status_code == 404
    staff = api_as(people.manager).get("/api/v1/training-assignments/", {"department": "customer-service"}).json()
    assert [row["id"] for row in staff["results"]] == [other.pk] and staff["results"][0]["mine"] is None


def test_change_cancel_and_people(api_as, people, curriculum):
    policy, _ = curriculum
    assignment = assign(people.member, module=policy, department=people.marketing, due_in_days=1)
    backdate(assignment, days=3)
    client = api_as(people.manager)
    moved = client.patch(f"/api/v1/training-assignments/{assignment.pk}/", {"due_on": _due(20)}, format="json")
    assert moved.status_code == 200, moved.json()
    assert moved.json()["due_on"] == _due(20)
    fixed = client.patch(f"/api/v1/training-assignments/{assignment.pk}/", {"department": "sales"}, format="json")
    assert fixed.status_code == 400 and "cancel this assignment" in fixed.json()["error"]["message"]
    people_page = client.get(f"/api/v1/training-assignments/{assignment.pk}/people/").json()
    assert people_page["count"] == 2 and {row["standing"] for row in people_page["results"]} == {"to_do"}
    assert api_as(people.employee).get(f"/api/v1/training-assignments/{assignment.pk}/people/").status_code == 403
    assert api_as(people.employee).post(f"/api/v1/training-assignments/{assignment.pk}/cancel/").status_code == 403
    client = api_as(people.manager)  # one client: back to the manager
    cancelled = client.post(
        f"/api/v1/training-assignments/{assignment.pk}/cancel/", {"reason": "Merged."}, format="json"
    )
    assert cancelled.status_code == 200 and cancelled.json()["is_active"] is False
    again = client.post(f"/api/v1/training-assignments/{assignment.pk}/cancel/", {}, format="json")
    assert again.status_code == 409


def test_my_learning_over_the_api(api_as, people, curriculum):
    policy, track = curriculum
    assign(people.member, track=track, user=people.employee, due_in_days=30)
    attempt(people.employee, policy, score=100)
    held = certificate(people.employee, make_track("Crisis Spokesperson", [make_module("Crisis response")]))
    body = api_as(people.employee).get("/api/v1/my-learning/").json()
    assigned = body["assigned"][0]
    assert assigned["target_type"] == "track" and assigned["slug"] == "social-publisher"
    assert assigned["standing"] == "to_do" and [m["slug"] for m in assigned["modules"]] == [
        "social-media-policy",
        "brand-voice",
    ]
    assert assigned["modules"][0]["passed"] is True and assigned["percent"] == 50
    assert [c["code"] for c in body["certificates"]] == [held.code]
    assert body["certificates"][0]["certificate_state"] == "valid"
    optional = [m["slug"] for group in body["optional"] for m in group["modules"]]
    assert "crisis-response" in optional and "social-media-policy" not in optional


def test_the_report_over_the_api(api_as, people, curriculum):
    policy, _ = curriculum
    assign(people.member, module=policy, department=people.marketing)
    attempt(people.employee, policy, score=90)
    body = api_as(people.leader).get("/api/v1/training-report/", {"department": "marketing", "period": "30"}).json()
    assert body["filters"] == {"department": "marketing", "module": "", "track": "", "period": "30"}
    assert body["summary"]["attempts"] == 1 and body["summary"]["with_assigned_training"] == 2
    assert body["assignments"][0]["completion_percent"] == 50
    assert [row["slug"] for row in body["departments"]] == ["marketing"]
    refused = api_as(people.liaison_a).get("/api/v1/training-report/")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "The training report is for the CoE team and leadership."
