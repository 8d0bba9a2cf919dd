"""The attempts and accommodations API: start, answer by key, submit, no correctness in any answer
before submission, the feedback the module allows after it, errors in the shared shape, who may
not, and flat query counts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.training.quiz_helpers import make_module, right_choices, take, wrong_choices
from training.models import Accommodation, Attempt, AttemptQuestion, FeedbackMode

FORBIDDEN = ("is_correct", "correct", "explanation", "points", "right_choices", "Why: explanation")


@pytest.fixture
def module(db):
    return make_module(time_limit_minutes=15)


def _keys(item: AttemptQuestion, choice_ids: list[int]) -> list[int]:
    return [list(item.choice_order).index(pk) + 1 for pk in choice_ids]


def test_start_answer_and_submit_without_leaking_answers(api_as, people, module):
    api = api_as(people.employee)
    started = api.post("/api/v1/attempts/", {"module": module.slug}, format="json")
    assert started.status_code == 201, started.json()
    body = started.json()
    assert body["status"] == "in_progress" and body["deadline_at"] and body["feedback"] is None
    assert [q["position"] for q in body["questions"]] == [1, 2, 3, 4]
    assert all([c["key"] for c in q["choices"]] == list(range(1, len(q["choices"]) + 1)) for q in body["questions"])
    raw = started.content.decode()
    for forbidden in FORBIDDEN:
        assert forbidden not in raw, forbidden
    resumed = api.post("/api/v1/attempts/", {"module": module.slug}, format="json")
    assert resumed.status_code == 200 and resumed.json()["id"] == body["id"]

    attempt = Attempt.objects.get(pk=body["id"])
    for item in attempt.questions.select_related("question"):
        answered = api.post(
            f"/api/v1/attempts/{attempt.pk}/answer/",
            {"position": item.position, "choices": _keys(item, right_choices(item))},
            format="json",
        )
        assert answered.status_code == 200, answered.json()
        assert answered.json()["answered"] is True
        for forbidden in FORBIDDEN:
            assert forbidden not in answered.content.decode()
    detail = api.get(f"/api/v1/attempts/{attempt.pk}/")
    for forbidden in FORBIDDEN:
        assert forbidden not in detail.content.decode()

    submitted = api.post(f"/api/v1/attempts/{attempt.pk}/submit/", format="json")
    assert submitted.status_code == 200
    result = submitted.json()
    assert result["status"] == "submitted" and result["passed"] is True and result["score_percent"] == "100.00"
    feedback = {row["position"]: row for row in result["feedback"]}
    item = attempt.questions.get(position=1)
    assert feedback[1]["correct"] is True and feedback[1]["right_choices"] == sorted(_keys(item, right_choices(item)))
    assert feedback[1]["explanation"].startswith("Why: explanation")
    again = api.post(f"/api/v1/attempts/{attempt.pk}/submit/", format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "attempt_closed"
    late_answer = api.post(f"/api/v1/attempts/{attempt.pk}/answer/", {"position": 1, "choices": [1]}, format="json")
    assert late_answer.status_code == 409 and "can no longer change" in late_answer.json()["error"]["message"]


def test_bad_answers_get_clear_errors(api_as, people, module):
    api = api_as(people.employee)
    attempt_id = api.post("/api/v1/attempts/", {"module": module.slug}, format="json").json()["id"]
    unknown_position = api.post(
        f"/api/v1/attempts/{attempt_id}/answer/", {"position": 9, "choices": [1]}, format="json"
    )
    assert (
        unknown_position.status_code == 400
        and "not part of this attempt" in unknown_position.json()["error"]["message"]
    )
    unknown_key = api.post(f"/api/v1/attempts/{attempt_id}/answer/", {"position": 1, "choices": [7]}, format="json")
    assert unknown_key.status_code == 400 and "use keys 1 to" in unknown_key.json()["error"]["message"]
    extra = api.post(
        f"/api/v1/attempts/{attempt_id}/answer/", {"position": 1, "choices": [1], "is_correct": True}, format="json"
    )
    assert extra.status_code == 400 and "is_correct" in extra.json()["error"]["fields"]
    unknown_module = api.post("/api/v1/attempts/", {"module": "no-such-module"}, format="json")
    assert unknown_module.status_code == 400 and "module" in unknown_module.json()["error"]["fields"]


def test_a_late_answer_over_the_api_is_refused_and_the_attempt_scored(api_as, people, module):
    api = api_as(people.employee)
    attempt_id = api.post("/api/v1/attempts/", {"module": module.slug}, format="json").json()["id"]
    Attempt.objects.filter(pk=attempt_id).update(deadline_at=timezone.now() - timedelta(minutes=1))
    late = api.post(f"/api/v1/attempts/{attempt_id}/answer/", {"position": 1, "choices": [1]}, format="json")
    assert late.status_code == 409 and late.json()["error"]["code"] == "time_up"
    assert api.get(f"/api/v1/attempts/{attempt_id}/").json()["status"] == "timed_out"


def test_refusals_to_start_are_in_the_shared_error_shape(api_as, people):
    module = make_module(max_attempts=1)
    take(people.employee, module, right=False)
    refused = api_as(people.employee).post("/api/v1/attempts/", {"module": module.slug}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "no_attempts_left"
    assert "ask the CoE team" in refused.json()["error"]["message"]


def test_feedback_follows_the_module_setting(api_as, people):
    none = make_module("Score only", feedback=FeedbackMode.NONE)
    attempt = take(people.employee, none, right=False)
    body = api_as(people.employee).get(f"/api/v1/attempts/{attempt.pk}/").json()
    assert body["feedback"] is None and body["score_percent"] == "0.00"
    assert "explanation" not in json.dumps(body)


def test_attempts_are_private_to_their_owner_and_the_coe(api_as, people, module):
    attempt = take(people.employee, module, right=False)
    assert api_as(people.liaison_a).get(f"/api/v1/attempts/{attempt.pk}/").status_code == 404
    assert api_as(people.liaison_a).get("/api/v1/attempts/").json()["count"] == 0
    staff = api_as(people.member)
    assert staff.get(f"/api/v1/attempts/{attempt.pk}/").json()["feedback"] is not None
    assert staff.get("/api/v1/attempts/", {"user": people.employee.pk}).json()["count"] == 1
    refused = staff.post(f"/api/v1/attempts/{attempt.pk}/submit/", format="json")
    assert refused.status_code == 403


def test_the_attempt_list_query_count_is_flat(api_as, people, django_assert_max_num_queries):
    modules = [make_module(f"Module {n}", cooldown_minutes=0, max_attempts=0) for n in range(3)]
    take(people.employee, modules[0], right=False)
    api = api_as(people.member)
    with django_assert_max_num_queries(10) as few:
        api.get("/api/v1/attempts/")
    for person in (people.employee, people.liaison_a, people.liaison_b):
        for module in modules:
            take(person, module, right=False)
            take(person, module, right=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = api.get("/api/v1/attempts/").json()
    assert body["count"] == Attempt.objects.count() == 19


def test_accommodations_over_the_api(api_as, people, module):
    payload = {"user": people.employee.pk, "module": module.slug, "extra_minutes": 20, "reason": "Screen reader user"}
    refused = api_as(people.liaison_a).post("/api/v1/accommodations/", payload, format="json")
    assert refused.status_code == 403 and "Only the CoE team" in refused.json()["error"]["message"]
    created = api_as(people.member).post("/api/v1/accommodations/", payload, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["granted_by"] == people.member.pk and created.json()["extra_attempts"] == 0
    no_reason = api_as(people.member).post("/api/v1/accommodations/", {**payload, "reason": ""}, format="json")
    assert no_reason.status_code == 400
    mine = api_as(people.employee).get("/api/v1/accommodations/").json()
    assert mine["count"] == 1
    assert api_as(people.liaison_a).get("/api/v1/accommodations/").json()["count"] == 0
    accommodation_id = created.json()["id"]
    assert api_as(people.employee).delete(f"/api/v1/accommodations/{accommodation_id}/").status_code == 403
    assert api_as(people.manager).delete(f"/api/v1/accommodations/{accommodation_id}/").status_code == 204
    assert not Accommodation.objects.exists()


def test_wrong_answers_still_get_the_right_ones_in_feedback(api_as, people, module):
    api = api_as(people.employee)
    attempt_id = api.post("/api/v1/attempts/", {"module": module.slug}, format="json").json()["id"]
    attempt = Attempt.objects.get(pk=attempt_id)
    item = attempt.questions.get(position=1)
    api.post(
        f"/api/v1/attempts/{attempt_id}/answer/",
        {"position": 1, "choices": _keys(item, wrong_choices(item))},
        format="json",
    )
    result = api.post(f"/api/v1/attempts/{attempt_id}/submit/", format="json").json()
    first = result["feedback"][0]
    assert first["correct"] is False and first["points"] == "0.000"
    assert first["selected_choices"] == sorted(_keys(item, wrong_choices(item)))
    assert first["right_choices"] == sorted(_keys(item, right_choices(item)))
