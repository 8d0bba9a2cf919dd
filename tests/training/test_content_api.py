"""The modules, lessons and questions API: learners read published modules and their lessons with
their own progress and never a correctness flag; question banks are for authors only; writes and
transitions go through the services with errors in the shared shape; query counts stay flat."""

from __future__ import annotations

import json

import pytest

from tests.training.content_helpers import (  # noqa: F401 - lesson_media_root: uploads go to a temporary directory
    MULTIPLE,
    SINGLE,
    build_module,
    draw_every_question,
    lesson_media_root,
)
from training.models import LessonRead, ModuleStatus, Question
from training.services import content as services


@pytest.fixture
def modules(people):
    basics = build_module(people.member, "Account basics", lessons=2, questions=3, per_attempt=2, publish=True)
    selling = build_module(
        people.member, "Social selling", lessons=1, questions=2, per_attempt=2, publish=True, prerequisites=[basics]
    )
    draft = build_module(people.member, "Secret draft")
    return basics, selling, draft


def _leaks(payload) -> list[str]:
    """Every key in a response that could tell which choice is right."""
    text = json.dumps(payload)
    return [word for word in ("is_correct", "correct", "explanation", "choices") if f'"{word}"' in text]


def test_learners_read_published_modules_with_their_lessons_and_progress_and_no_answers(api_as, people, modules):
    basics, selling, draft = modules
    services.lesson_mark_read(user=people.employee, lesson=basics.lessons.first())
    client = api_as(people.employee)
    body = client.get("/api/v1/modules/").json()
    assert [row["slug"] for row in body["results"]] == [basics.slug, selling.slug]
    row = body["results"][0]
    assert row["progress"] == {"lessons_read": 1, "lessons_total": 2, "passed": False, "unlocked": True}
    assert [lesson["read"] for lesson in row["lessons"]] == [True, False]
    assert row["questions_in_bank"] == 3 and row["url"] == basics.get_absolute_url()
    assert body["results"][1]["progress"]["unlocked"] is False
    assert body["results"][1]["prerequisites"] == [basics.slug]
    assert client.get(f"/api/v1/modules/{draft.pk}/").status_code == 404
    lessons = client.get("/api/v1/lessons/", {"module": basics.pk}).json()
    assert [lesson["position"] for lesson in lessons["results"]] == [1, 2]
    assert "<h2" in lessons["results"][0]["body_html"] and lessons["results"][0]["read"] is True
    assert client.get("/api/v1/lessons/", {"module_slug": draft.slug}).json()["count"] == 0
    for payload in (body, lessons, client.get(f"/api/v1/modules/{basics.pk}/").json()):
        assert _leaks(payload) == []


def test_question_banks_and_exports_are_for_authors_only(api_as, people, modules):
    basics, _, _ = modules
    for who in (people.employee, people.liaison_a, people.leader):
        client = api_as(who)
        refused = client.get("/api/v1/questions/")
        assert (
            refused.status_code == 403 and "Question banks are for the CoE team" in refused.json()["error"]["message"]
        )
        assert client.get(f"/api/v1/questions/{basics.questions.first().pk}/").status_code == 403
        assert client.get(f"/api/v1/modules/{basics.pk}/export/").status_code == 403
        assert client.post("/api/v1/modules/", {"title": "Mine"}, format="json").status_code == 403
        assert client.post(f"/api/v1/modules/{basics.pk}/archive/").status_code == 403
    bank = api_as(people.member).get("/api/v1/questions/", {"module": basics.pk}).json()
    assert bank["count"] == 3 and {"is_correct", "explanation"} <= set(json.dumps(bank).replace('"', " ").split())


def test_authors_write_a_module_through_the_api_and_publish_it(api_as, people):
    client = api_as(people.member)
    created = client.post(
        "/api/v1/modules/",
        {"title": "Brand voice", "level": "intermediate", "questions_per_attempt": 2, "pass_mark_percent": 75},
        format="json",
    )
    assert created.status_code == 201, created.json()
    module = created.json()
    assert module["slug"] == "brand-voice" and module["status"] == "draft" and module["lessons"] == []
    refused = client.post(f"/api/v1/modules/{module['id']}/publish/")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "module_incomplete"
    assert "Write at least one lesson." in refused.json()["error"]["fields"]["module"]
    lesson = client.post(
        "/api/v1/lessons/", {"module": module["id"], "title": "Our voice", "body": "## Clear\n\nWarm."}, format="json"
    )
    assert lesson.status_code == 201 and lesson.json()["position"] == 1
    for kind, choices in (("single", SINGLE), ("multiple", MULTIPLE)):
        response = client.post(
            "/api/v1/questions/",
            {"module": module["id"], "kind": kind, "text": f"A {kind} question?", "choices": choices},
            format="json",
        )
        assert response.status_code == 201, response.json()
    published = client.post(f"/api/v1/modules/{module['id']}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert [row["slug"] for row in api_as(people.employee).get("/api/v1/modules/").json()["results"]] == ["brand-voice"]


def test_api_errors_name_the_field_and_refuse_what_cannot_be_set(api_as, people, modules):
    basics, selling, _ = modules
    client = api_as(people.member)
    read_only = client.patch(f"/api/v1/modules/{basics.pk}/", {"status": "archived"}, format="json")
    assert read_only.status_code == 400 and "status" in read_only.json()["error"]["fields"]
    bad = client.patch(f"/api/v1/modules/{basics.pk}/", {"pass_mark_percent": 0}, format="json")
    assert bad.status_code == 400 and "pass_mark_percent" in bad.json()["error"]["fields"]
    cycle = client.patch(f"/api/v1/modules/{basics.pk}/", {"prerequisites": [selling.slug]}, format="json")
    assert cycle.status_code == 400 and cycle.json()["error"]["code"] == "prerequisite_cycle"
    question = client.post(
        "/api/v1/questions/",
        {
            "module": basics.pk,
            "kind": "single",
            "text": "Two right?",
            "choices": [{"text": "A", "is_correct": True}, {"text": "B", "is_correct": True}],
        },
        format="json",
    )
    assert question.status_code == 400 and "exactly one correct choice" in question.json()["error"]["message"]


def test_used_questions_are_replaced_on_edit_and_deactivated_on_delete(api_as, people):
    module = build_module(people.member, questions=2, per_attempt=2, publish=True)
    draw_every_question(people.employee, module)
    extra = services.question_save(actor=people.member, module=module, kind="single", text="Spare?", choices=SINGLE)
    client = api_as(people.member)
    used = module.questions.exclude(pk=extra.pk).first()
    edited = client.patch(f"/api/v1/questions/{used.pk}/", {"text": "Reworded?"}, format="json")
    assert edited.status_code == 200 and edited.json()["id"] != used.pk and edited.json()["text"] == "Reworded?"
    used.refresh_from_db()
    assert used.is_active is False
    replacement = edited.json()["id"]
    assert client.delete(f"/api/v1/questions/{extra.pk}/").status_code == 204
    assert not Question.objects.filter(pk=extra.pk).exists()
    other_used = module.questions.filter(is_active=True).exclude(pk=replacement).get()
    services.question_save(actor=people.member, module=module, kind="single", text="Another?", choices=SINGLE)
    deactivated = client.delete(f"/api/v1/questions/{other_used.pk}/")
    assert deactivated.status_code == 200 and deactivated.json()["is_active"] is False
    assert Question.objects.filter(pk=other_used.pk).exists()
    assert client.post(f"/api/v1/questions/{other_used.pk}/activate/").json()["is_active"] is True


def test_lessons_are_reordered_and_read_through_actions(api_as, people, modules):
    basics, _, _ = modules
    first, second = basics.lessons.order_by("position")
    author = api_as(people.member)
    reordered = author.post(
        f"/api/v1/modules/{basics.pk}/reorder-lessons/", {"order": [second.pk, first.pk]}, format="json"
    )
    assert [row["id"] for row in reordered.json()] == [second.pk, first.pk]
    wrong = author.post(f"/api/v1/modules/{basics.pk}/reorder-lessons/", {"order": [second.pk]}, format="json")
    assert wrong.status_code == 400
    learner = api_as(people.employee)
    first_time = learner.post(f"/api/v1/lessons/{first.pk}/read/")
    again = learner.post(f"/api/v1/lessons/{first.pk}/read/")
    assert (first_time.status_code, again.status_code) == (201, 200)
    assert first_time.json()["read_at"] == again.json()["read_at"]
    assert LessonRead.objects.filter(user=people.employee).count() == 1
    refused = learner.patch(f"/api/v1/lessons/{first.pk}/", {"title": "Mine now"}, format="json")
    assert refused.status_code == 403


def test_archive_and_delete_through_the_api(api_as, people, modules):
    basics, _, draft = modules
    client = api_as(people.member)
    assert client.delete(f"/api/v1/modules/{basics.pk}/").status_code == 400
    archived = client.post(f"/api/v1/modules/{basics.pk}/archive/")
    assert archived.status_code == 200 and archived.json()["status"] == ModuleStatus.ARCHIVED
    again = client.post(f"/api/v1/modules/{basics.pk}/archive/")
    assert again.status_code == 409
    assert client.post(f"/api/v1/modules/{basics.pk}/restore/").json()["status"] == "draft"
    assert client.delete(f"/api/v1/modules/{draft.pk}/").status_code == 204


@pytest.mark.parametrize("count", [5, 50])
def test_the_modules_list_stays_within_a_fixed_number_of_queries(api_as, people, count, django_assert_max_num_queries):
    from training.models import Lesson, Module

    modules = [
        Module.objects.create(title=f"M{i:03}", slug=f"m-{i:03}", status=ModuleStatus.PUBLISHED, position=i)
        for i in range(count)
    ]
    Lesson.objects.bulk_create(
        [Lesson(module=m, position=p, title=f"L{p}", body="## Hi\n\nText") for m in modules for p in (1, 2, 3)]
    )
    for module in modules[1:]:
        module.prerequisites.add(modules[0])
    client = api_as(people.employee)
    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/modules/", {"page_size": 100}).json()
    assert body["count"] == count
    with django_assert_max_num_queries(12):
        lessons = client.get("/api/v1/lessons/", {"page_size": 200}).json()
    assert lessons["count"] == 3 * count
