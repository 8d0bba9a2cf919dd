"""Exporting a module as JSON and importing it: the round trip gives the same module back (lessons in
order, images, the question bank with answers and explanations); a malformed document changes
nothing and reports every problem with its place in the document; slugs that are taken are refused
or replaced as asked; imports land as drafts; the pages and the API do the same; the demo curriculum
is itself a valid set of documents."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.models import AuditEntry
from tests.training.content_helpers import (  # noqa: F401 - lesson_media_root: uploads go to a temporary directory
    Upload,
    build_module,
    lesson_media_root,
    png_bytes,
)
from training.demo.content import curriculum_documents
from training.models import Choice, Lesson, Module, ModuleStatus, Question
from training.models.content import LessonImage
from training.services import content as services
from training.services.content_format import check_document


@pytest.fixture
def module(people):
    """A published module with an image in a lesson, every kind of question and a prerequisite."""
    basics = build_module(people.member, "Basics", publish=True)
    module = build_module(
        people.member,
        "Crisis response",
        lessons=0,
        questions=0,
        per_attempt=3,
        level="intermediate",
        time_limit_minutes=20,
        feedback="after_pass",
        prerequisites=[basics],
    )
    services.lesson_image_upload(
        actor=people.member, module=module, upload=Upload(png_bytes(), "ladder.png"), alt_text="The ladder"
    )
    services.lesson_create(
        actor=people.member, module=module, title="Spotting it", body="## Signals\n\nVelocity, media, safety."
    )
    services.lesson_create(
        actor=people.member, module=module, title="The ladder", body="![The ladder](image:ladder.png)\n\nFour levels."
    )
    from tests.training.content_helpers import add_question

    for number in range(1, 5):
        add_question(people.member, module, number)
    services.module_publish(actor=people.member, module=module)
    return module


def _without_volatile(document: dict) -> dict:
    document = copy.deepcopy(document)
    document.pop("exported_at")
    document["module"].pop("slug")
    return document


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Module, Lesson, Question, Choice, LessonImage))


def test_an_exported_module_imports_as_the_same_module(people, module):
    exported = services.module_export(actor=people.member, module=module)
    assert exported["format"] == "coe-hub.training-module" and exported["version"] == 1
    assert "id" not in json.dumps(exported).replace('"ide', "")  # no ids anywhere
    assert [lesson["title"] for lesson in exported["lessons"]] == ["Spotting it", "The ladder"]
    assert exported["module"]["prerequisites"] == ["basics"] and exported["module"]["quiz"]["time_limit_minutes"] == 20
    assert exported["images"][0]["name"] == "ladder.png" and exported["images"][0]["alt_text"] == "The ladder"
    report = services.module_import(actor=people.member, data=json.dumps(exported), rename_if_taken=True)
    copy_ = report.module
    assert (report.slug, report.slug_taken) == ("crisis-response-2", "crisis-response")
    assert copy_.status == ModuleStatus.DRAFT and copy_.created_by == people.member
    assert list(copy_.prerequisites.values_list("slug", flat=True)) == ["basics"]
    assert _without_volatile(services.module_export(actor=people.member, module=copy_)) == _without_volatile(exported)
    with copy_.images.get().file.open("rb") as handle:
        assert handle.read() == png_bytes()
    assert AuditEntry.objects.filter(action="module.imported", object_id=str(copy_.pk)).exists()
    assert AuditEntry.objects.filter(action="module.exported", object_id=str(module.pk)).exists()


def test_deactivated_questions_are_not_exported(people, module):
    question = module.questions.first()
    services.question_set_active(actor=people.member, question=question, active=False)
    exported = services.module_export(actor=people.member, module=module)
    assert len(exported["questions"]) == 3 and question.text not in json.dumps(exported)


BAD_DOCUMENTS = {
    "bad JSON": ('{"format": "coe-hub.training-module", "version": 1,', [("$", "This is not valid JSON")]),
    "wrong version": ({"version": 7}, [("version", "Version 7 is not supported; this CoE Hub reads version 1")]),
    "wrong format": ({"format": "moodle"}, [("format", "not a training module export")]),
    "missing fields": ({"drop": ["lessons", "module.title"]}, [("lessons", "Missing"), ("module.title", "Missing")]),
    "no correct choice": (
        {"questions[2].choices": [{"text": "A", "correct": False}, {"text": "B", "correct": False}]},
        [("questions[2].choices", "needs exactly one correct choice (this one has 0)")],
    ),
    "bad level": ({"module.level": "expert"}, [("module.level", "“expert” is not a level")]),
    "bad pass mark": ({"module.quiz.pass_mark_percent": 120}, [("module.quiz.pass_mark_percent", "from 1 to 100")]),
    "unknown field": ({"lessons[0].secret": 1}, [("lessons[0].secret", "Unknown field")]),
    "missing image": (
        {"lessons[0].body": "![x](image:nowhere.png)"},
        [("lessons[0].body", "image:nowhere.png, which is not among the document's images")],
    ),
    "broken image": ({"images[0].data": "bm90IGFuIGltYWdl"}, [("images[0].data", "not an image we can read")]),
}


def _edit(document: dict, changes: dict) -> dict:
    document = copy.deepcopy(document)
    for path in changes.pop("drop", []):
        *parents, last = path.split(".")
        target = document
        for part in parents:
            target = target[part]
        del target[last]
    for path, value in changes.items():
        target = document
        parts = path.replace("[", ".").replace("]", "").split(".")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        target[int(last) if last.isdigit() else last] = value
    return document


@pytest.mark.parametrize("case", sorted(BAD_DOCUMENTS))
def test_a_malformed_document_changes_nothing_and_says_where_each_problem_is(people, module, case):
    exported = services.module_export(actor=people.member, module=module)
    source, expected = BAD_DOCUMENTS[case]
    data = source if isinstance(source, str) else _edit(exported, dict(source))
    before = _counts()
    with pytest.raises(services.ImportRefused) as refused:
        services.module_import(actor=people.member, data=data, rename_if_taken=True)
    assert _counts() == before
    problems = [(p.path, p.message) for p in refused.value.report.problems]
    for path, words in expected:
        assert any(p == path and words in m for p, m in problems), problems
    assert refused.value.code == "invalid_import" and "Nothing was imported" in refused.value.message


def test_every_problem_of_a_document_is_reported_at_once(people, module):
    exported = services.module_export(actor=people.member, module=module)
    broken = _edit(
        exported,
        {
            "version": 2,
            "module.level": "expert",
            "lessons[1].title": "",
            "questions[0].kind": "essay",
            "questions[2].choices": [{"text": "Only one", "correct": True}],
        },
    )
    report = services.module_import_check(actor=people.member, data=broken)
    paths = {problem.path for problem in report.problems}
    assert {"version", "module.level", "lessons[1].title", "questions[0].kind", "questions[2].choices"} <= paths
    assert not report.ok and report.module is None


def test_a_taken_slug_is_refused_unless_another_is_given_or_may_be_chosen(people, module):
    exported = services.module_export(actor=people.member, module=module)
    before = _counts()
    with pytest.raises(services.ImportRefused) as refused:
        services.module_import(actor=people.member, data=exported)
    assert refused.value.report.problems[0].path == "module.slug"
    assert "“Crisis response” already has the slug “crisis-response”" in refused.value.message
    assert _counts() == before
    named = services.module_import(actor=people.member, data=exported, slug="crisis-basics")
    assert named.module.slug == "crisis-basics" and named.module.status == ModuleStatus.DRAFT


def test_missing_prerequisites_are_left_out_with_a_warning_and_a_check_writes_nothing(people, module):
    exported = _edit(services.module_export(actor=people.member, module=module), {"module.slug": "fresh"})
    exported["module"]["prerequisites"] = ["basics", "not-here"]
    before = _counts()
    checked = services.module_import_check(actor=people.member, data=exported)
    assert checked.ok and checked.slug == "fresh" and (checked.lessons, checked.questions, checked.images) == (2, 4, 1)
    assert _counts() == before
    report = services.module_import(actor=people.member, data=exported)
    assert any("not-here" in warning for warning in report.warnings)
    assert list(report.module.prerequisites.values_list("slug", flat=True)) == ["basics"]


def test_only_authors_export_and_import(people, module):
    from coe.errors import NotAllowed

    exported = services.module_export(actor=people.member, module=module)
    with pytest.raises(NotAllowed):
        services.module_export(actor=people.employee, module=module)
    with pytest.raises(NotAllowed):
        services.module_import(actor=people.liaison_a, data=exported, rename_if_taken=True)


# --- pages and API --------------------------------------------------------------------------------


def test_the_pages_download_and_upload_a_module(client, people, module):
    client.force_login(people.member)
    download = client.get(reverse("training:author_module_export", kwargs={"slug": module.slug}))
    assert download.status_code == 200 and download["Content-Type"].startswith("application/json")
    assert 'attachment; filename="crisis-response-' in download["Content-Disposition"]
    content = download.content
    url = reverse("training:author_module_import")
    check = client.post(
        url, {"file": SimpleUploadedFile("m.json", content), "slug": "", "rename_if_taken": "on", "check": "1"}
    )
    html = check.content.decode()
    assert 'data-ok="true"' in html and "crisis-response-2" in html and Module.objects.count() == 2
    imported = client.post(url, {"file": SimpleUploadedFile("m.json", content), "slug": "", "rename_if_taken": "on"})
    assert imported.status_code == 302
    assert imported["Location"] == reverse("training:author_module", kwargs={"slug": "crisis-response-2"})
    bad = json.loads(content)
    bad["questions"][0]["choices"] = []
    bad["module"]["level"] = "expert"
    before = _counts()
    refused = client.post(url, {"file": SimpleUploadedFile("bad.json", json.dumps(bad).encode()), "slug": "other"})
    html = refused.content.decode()
    assert 'data-ok="false"' in html and "<code>questions[0].choices</code>" in html
    assert "<code>module.level</code>" in html and _counts() == before
    garbage = client.post(url, {"file": SimpleUploadedFile("x.json", b"\xff\xfe not json"), "slug": ""})
    assert "<code>$</code>" in garbage.content.decode() and _counts() == before


def test_the_api_exports_and_imports(api_as, people, module):
    client = api_as(people.member)
    exported = client.get(f"/api/v1/modules/{module.pk}/export/")
    assert exported.status_code == 200 and exported.json()["module"]["slug"] == "crisis-response"
    document = exported.json()
    dry = client.post("/api/v1/modules/import/?dry_run=true&rename_if_taken=true", document, format="json")
    assert dry.status_code == 200 and dry.json()["ok"] is True and dry.json()["module"] is None
    assert Module.objects.count() == 2
    refused = client.post("/api/v1/modules/import/", document, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_import"
    assert "module.slug" in refused.json()["error"]["fields"]
    created = client.post("/api/v1/modules/import/?slug=crisis-copy", document, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["module"]["slug"] == "crisis-copy" and created.json()["module"]["status"] == "draft"
    bad = copy.deepcopy(document)
    bad["version"] = 3
    bad["questions"][1]["choices"][0]["correct"] = "yes"
    refused = client.post("/api/v1/modules/import/?slug=another", bad, format="json")
    fields = refused.json()["error"]["fields"]
    assert refused.status_code == 400 and "version" in fields and "questions[1].choices[0].correct" in fields
    malformed = client.post("/api/v1/modules/import/", "{not json", content_type="application/json")
    assert malformed.status_code == 400
    assert api_as(people.employee).post("/api/v1/modules/import/", document, format="json").status_code == 403


def test_the_demo_curriculum_is_a_set_of_valid_publishable_documents(people):
    documents = curriculum_documents()
    slugs = [document["module"]["slug"] for document in documents]
    assert slugs == [
        "account-setup-and-etiquette",
        "social-media-policy-and-disclosure",
        "brand-voice",
        "crisis-response",
        "social-selling",
        "measuring-what-matters",
        "crisis-spokesperson-final-exam",
    ]
    kinds = set()
    for document in documents:
        parsed, problems = check_document(document)
        assert problems == [], (document["module"]["slug"], problems)
        assert len(parsed.lessons) >= 3 or document["module"]["slug"] == "crisis-spokesperson-final-exam"
        assert len(parsed.questions) >= 10 and all(q["explanation"] for q in parsed.questions)
        kinds |= {q["kind"] for q in parsed.questions}
    assert kinds == {"single", "multiple", "true_false"}
    from training.demo import content as demo

    demo.seed()
    demo.seed()  # idempotent
    assert Module.objects.filter(status=ModuleStatus.PUBLISHED).count() == 7
    assert Module.objects.get(slug="social-selling").prerequisites.get().slug == "account-setup-and-etiquette"
    exam = Module.objects.get(slug="crisis-spokesperson-final-exam")
    assert exam.time_limit_minutes == 20 and exam.questions.count() == 12
    assert LessonImage.objects.filter(module__slug="crisis-response", name="escalation-ladder.png").exists()
