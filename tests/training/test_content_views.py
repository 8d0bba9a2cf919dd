"""The content pages: the catalogue, a module and its lessons for learners (read ticks, what to take
first, the quiz's rules and “Take the quiz” once every lesson is read), sanitized lesson text with
the module's own images only, reading a lesson, drafts invisible to learners, the authoring pages
for CoE staff only (modules, lessons with a live preview and reordering, the question bank,
images, publishing, preview as a learner and a sample quiz), and query counts that stay flat."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.training.content_helpers import (  # noqa: F401 - lesson_media_root: uploads go to a temporary directory
    SINGLE,
    Upload,
    build_module,
    lesson_media_root,
    png_bytes,
)
from training.models import LessonRead, Module, ModuleStatus, Question
from training.services import content as services

MALICIOUS = """\
## Part one

Hello <script>alert('stolen')</script> and <img src="x" onerror="alert(1)">.

[Click me](javascript:alert(document.cookie)) and <a href="https://example.com" onclick="evil()">a link</a>.

![Tracking pixel](https://tracker.example/pixel.gif)

<iframe src="https://evil.example"></iframe><style>body{display:none}</style>
"""


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def course(people):
    """Two published modules (the second builds on the first) and a draft."""
    basics = build_module(people.member, "Account basics", lessons=3, questions=3, per_attempt=2, publish=True)
    selling = build_module(
        people.member, "Social selling", lessons=2, questions=3, per_attempt=2, publish=True, prerequisites=[basics]
    )
    draft = build_module(people.member, "Secret draft")
    return basics, selling, draft


# --- learners -----------------------------------------------------------------------------------


def test_the_catalogue_shows_published_modules_with_progress_and_what_to_take_first(client, people, course):
    basics, selling, draft = course
    services.lesson_mark_read(user=people.employee, lesson=basics.lessons.first())
    client.force_login(people.employee)
    html = _html(client.get(reverse("training:catalogue")))
    cards = re.findall(r'data-testid="module-card" data-state="(\w+)" aria-labelledby="module-(\d+)-title"', html)
    assert {pk: state for state, pk in cards} == {str(basics.pk): "started", str(selling.pk): "locked"}
    assert "1 of 3 lessons read" in html and "Pass first: Account basics" in html
    assert draft.title not in html
    advanced_only = _html(client.get(reverse("training:catalogue"), {"level": "advanced"}))
    assert basics.title not in advanced_only


def test_the_module_page_guides_through_the_lessons_and_leaves_the_quiz_open(client, people, course):
    basics, _, _ = course
    client.force_login(people.employee)
    html = _html(client.get(basics.get_absolute_url()))
    assert html.count('data-testid="lesson-row"') == 3 and 'data-read="true"' not in html
    assert "2</strong> questions, drawn from a bank of 3" in html and "Pass mark: <strong>80%" in html
    assert "Start with lesson 1" in html and "Already know it? Take the quiz" in html  # recommended, not required
    for lesson in basics.lessons.all():
        services.lesson_mark_read(user=people.employee, lesson=lesson)
    html = _html(client.get(basics.get_absolute_url()))
    assert html.count('data-read="true"') == 3 and "Already know it?" not in html
    quiz_url = reverse("training:quiz", kwargs={"slug": basics.slug})
    assert f'href="{quiz_url}" data-testid="take-quiz">Take the quiz' in html


def test_a_module_whose_prerequisites_are_not_passed_says_what_to_take_first(client, people, course):
    basics, selling, _ = course
    client.force_login(people.employee)
    html = _html(client.get(selling.get_absolute_url()))
    assert 'data-testid="locked"' in html and "Pass “Account basics” first" in html
    assert 'data-passed="false"' in html and 'data-testid="take-quiz"' not in html
    assert f'href="{basics.get_absolute_url()}"' in html


def test_drafts_are_invisible_to_learners_and_authors_are_sent_to_the_preview(client, people, course):
    _, _, draft = course
    image = services.lesson_image_upload(actor=people.member, module=draft, upload=Upload(png_bytes(), "d.png"))
    client.force_login(people.employee)
    for url in (
        draft.get_absolute_url(),
        reverse("training:lesson_detail", kwargs={"slug": draft.slug, "position": 1}),
        image.get_absolute_url(),
        reverse("training:author_module_preview", kwargs={"slug": draft.slug}),
    ):
        assert client.get(url).status_code in (403, 404), url
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.post(reverse("training:lesson_read", kwargs={"slug": draft.slug, "position": 1})).status_code == 404
    client.force_login(people.member)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == reverse("training:author_module_preview", kwargs={"slug": draft.slug})


def test_a_lesson_is_sanitized_and_shows_only_the_module_images(client, people):
    module = build_module(people.member, "Safe text", lessons=0, questions=2, per_attempt=2)
    image = services.lesson_image_upload(actor=people.member, module=module, upload=Upload(png_bytes(), "ours.png"))
    services.lesson_create(
        actor=people.member, module=module, title="Tricky", body=MALICIOUS + "\n![Our diagram](image:ours.png)\n"
    )
    services.module_publish(actor=people.member, module=module)
    client.force_login(people.employee)
    html = _html(client.get(reverse("training:lesson_detail", kwargs={"slug": module.slug, "position": 1})))
    text = html.split('id="lesson-text"')[1].split("</div>")[0]
    for forbidden in ("<script>alert", "onerror", "javascript:", "onclick", "<iframe", "<style>", "tracker.example"):
        assert forbidden not in html
    assert '<a href="https://example.com" rel="noopener noreferrer">a link</a>' in text
    assert f'src="{image.get_absolute_url()}"' in text and 'alt="Our diagram"' in text
    served = client.get(image.get_absolute_url())
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == png_bytes()


def test_ive_read_this_records_the_lesson_and_goes_on_and_opening_a_page_records_nothing(client, people, course):
    basics, _, _ = course
    client.force_login(people.employee)
    first_url = reverse("training:lesson_detail", kwargs={"slug": basics.slug, "position": 1})
    html = _html(client.get(first_url))
    assert "Lesson 1 of 3" in html and 'data-testid="mark-read"' in html
    assert not LessonRead.objects.filter(user=people.employee).exists()
    response = client.post(reverse("training:lesson_read", kwargs={"slug": basics.slug, "position": 1}))
    assert response["Location"] == reverse("training:lesson_detail", kwargs={"slug": basics.slug, "position": 2})
    assert LessonRead.objects.filter(user=people.employee).count() == 1
    client.post(reverse("training:lesson_read", kwargs={"slug": basics.slug, "position": 2}))
    # the last lesson, over htmx: the panel says every lesson is read and points to the quiz
    last = client.post(
        reverse("training:lesson_read", kwargs={"slug": basics.slug, "position": 3}), HTTP_HX_REQUEST="true"
    )
    panel = _html(last)
    assert 'id="read-panel"' in panel and "<html" not in panel and 'data-testid="to-quiz"' in panel
    again = client.post(reverse("training:lesson_read", kwargs={"slug": basics.slug, "position": 3}))
    assert again["Location"] == basics.get_absolute_url()
    assert LessonRead.objects.filter(user=people.employee).count() == 3
    assert client.get(reverse("training:lesson_detail", kwargs={"slug": basics.slug, "position": 9})).status_code == 404


# --- authoring ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["employee", "liaison_a", "approver", "leader"])
def test_only_coe_staff_reach_the_authoring_pages(client, people, course, who):
    basics, _, _ = course
    client.force_login(getattr(people, who))
    lesson = basics.lessons.first()
    question = basics.questions.first()
    for url in (
        reverse("training:author_modules"),
        reverse("training:author_module_create"),
        reverse("training:author_module_import"),
        reverse("training:author_module", kwargs={"slug": basics.slug}),
        reverse("training:author_module_export", kwargs={"slug": basics.slug}),
        reverse("training:author_questions", kwargs={"slug": basics.slug}),
        reverse("training:author_question_edit", kwargs={"slug": basics.slug, "pk": question.pk}),
        reverse("training:author_lesson_edit", kwargs={"slug": basics.slug, "pk": lesson.pk}),
        reverse("training:author_quiz_preview", kwargs={"slug": basics.slug}),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("training:author_module_archive", kwargs={"slug": basics.slug})).status_code == 403
    assert (
        client.post(reverse("training:author_markdown", kwargs={"slug": basics.slug}), {"body": "x"}).status_code == 403
    )
    basics.refresh_from_db()
    assert basics.status == ModuleStatus.PUBLISHED


def test_a_coe_member_writes_a_module_from_start_to_publication(client, people):
    client.force_login(people.member)
    created = client.post(
        reverse("training:author_module_create"),
        {
            "title": "Measuring what matters",
            "slug": "",
            "summary": "Numbers that change decisions.",
            "level": "advanced",
            "estimated_minutes": 30,
            "position": 60,
            "questions_per_attempt": 2,
            "pass_mark_percent": 80,
            "max_attempts": 3,
            "cooldown_minutes": 30,
            "time_limit_minutes": "",
            "feedback": "after_submit",
        },
    )
    module = Module.objects.get(slug="measuring-what-matters")
    assert created["Location"] == reverse("training:author_module", kwargs={"slug": module.slug})
    page = _html(client.get(created["Location"]))
    assert "Write at least one lesson." in page and 'data-testid="publish"' in page and "disabled" in page
    client.post(
        reverse("training:author_lesson_create", kwargs={"slug": module.slug}),
        {"title": "Vanity and value", "estimated_minutes": 6, "body": "## Start from objectives\n\nText."},
    )
    for number, kind in enumerate(["single", "true_false"], start=1):
        data = {
            "kind": kind,
            "text": f"Question {number}?",
            "explanation": "Because.",
            "true_false_answer": "false",
            "choices-TOTAL_FORMS": 4,
            "choices-INITIAL_FORMS": 0,
            "choices-MIN_NUM_FORMS": 0,
            "choices-MAX_NUM_FORMS": 8,
            "choices-0-text": "Right",
            "choices-0-is_correct": "on",
            "choices-1-text": "Wrong",
            "choices-2-text": "",
            "choices-3-text": "",
        }
        response = client.post(reverse("training:author_question_create", kwargs={"slug": module.slug}), data)
        assert response.status_code == 302, response.content.decode()[:2000]
    assert [(q.kind, [c.text for c in q.choices.all()]) for q in module.questions.all()] == [
        ("single", ["Right", "Wrong"]),
        ("true_false", ["True", "False"]),
    ]
    assert [c.is_correct for c in module.questions.get(kind="true_false").choices.all()] == [False, True]
    assert 'data-testid="ready"' in _html(client.get(reverse("training:author_module", kwargs={"slug": module.slug})))
    client.post(reverse("training:author_module_publish", kwargs={"slug": module.slug}))
    module.refresh_from_db()
    assert module.status == ModuleStatus.PUBLISHED
    client.force_login(people.employee)
    assert module.title in _html(client.get(reverse("training:catalogue")))


def test_an_invalid_question_is_refused_on_the_form_and_nothing_is_written(client, people):
    module = build_module(people.member, questions=0)
    client.force_login(people.member)
    data = {
        "kind": "single",
        "text": "Which?",
        "choices-TOTAL_FORMS": 3,
        "choices-INITIAL_FORMS": 0,
        "choices-0-text": "A",
        "choices-0-is_correct": "on",
        "choices-1-text": "B",
        "choices-1-is_correct": "on",
        "choices-2-text": "",
    }
    html = _html(client.post(reverse("training:author_question_create", kwargs={"slug": module.slug}), data))
    assert "exactly one correct choice" in html
    assert not Question.objects.filter(module=module).exists()


def test_lessons_move_in_place_over_htmx_and_the_preview_is_sanitized(client, people):
    module = build_module(people.member, lessons=3, questions=0)
    first, second, third = module.lessons.order_by("position")
    client.force_login(people.member)
    response = client.post(
        reverse("training:author_lesson_move", kwargs={"slug": module.slug, "pk": third.pk}),
        {"direction": "up"},
        HTTP_HX_REQUEST="true",
    )
    html = _html(response)
    assert "<html" not in html
    assert re.findall(r'data-lesson="(\d+)"', html) == [str(first.pk), str(third.pk), str(second.pk)]
    preview = _html(client.post(reverse("training:author_markdown", kwargs={"slug": module.slug}), {"body": MALICIOUS}))
    assert "<h2" in preview and "<script>alert" not in preview and "javascript:" not in preview
    form = _html(client.get(reverse("training:author_lesson_edit", kwargs={"slug": module.slug, "pk": first.pk})))
    assert 'hx-post="/training/author/modules/brand-voice/markdown/"' in form and 'data-testid="lesson-preview"' in form


def test_images_are_uploaded_on_the_module_page_and_bad_files_refused(client, people):
    module = build_module(people.member, lessons=0, questions=0)
    client.force_login(people.member)
    url = reverse("training:author_image_upload", kwargs={"slug": module.slug})
    bad = Upload(b"not an image", "notes.png")
    client.post(url, {"file": bad, "name": "", "alt_text": ""})
    assert not module.images.exists()
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = SimpleUploadedFile("Profile Photo.PNG", png_bytes(), content_type="image/png")
    response = client.post(url, {"file": good, "name": "", "alt_text": "A profile"}, follow=True)
    assert "image:profile-photo.png" in response.content.decode()
    assert module.images.get().name == "profile-photo.png"


def test_authors_preview_a_draft_as_learners_see_it_and_a_sample_quiz_scores_nothing(client, people, course):
    _, _, draft = course
    client.force_login(people.member)
    page = _html(client.get(reverse("training:author_module_preview", kwargs={"slug": draft.slug})))
    assert 'data-testid="preview-banner"' in page and "learners do not see it" in page
    lesson = _html(client.get(reverse("training:author_lesson_preview", kwargs={"slug": draft.slug, "position": 1})))
    assert "Learners mark the lesson read here." in lesson and not LessonRead.objects.exists()
    sample = _html(client.get(reverse("training:author_quiz_preview", kwargs={"slug": draft.slug})))
    assert sample.count('data-testid="sample-question"') == 2 and "right</span>" not in sample
    assert 'type="submit"' not in sample.split("Sample quiz:")[1]
    key = _html(client.get(reverse("training:author_quiz_preview", kwargs={"slug": draft.slug}), {"answers": "1"}))
    assert key.count("right</span>") >= 2
    from training.models import Attempt

    assert not Attempt.objects.exists()


def test_the_bank_page_offers_delete_only_for_unused_questions(client, people):
    module = build_module(people.member, questions=2, per_attempt=2, publish=True)
    from tests.training.content_helpers import draw_every_question

    draw_every_question(people.employee, module)
    extra = services.question_save(actor=people.member, module=module, kind="single", text="New?", choices=SINGLE)
    client.force_login(people.member)
    html = _html(client.get(reverse("training:author_questions", kwargs={"slug": module.slug})))
    assert html.count("used in attempts") == 2
    assert html.count(">Delete</button>") == 1
    assert reverse("training:author_question_remove", kwargs={"slug": module.slug, "pk": extra.pk}) in html


# --- query counts -------------------------------------------------------------------------------


def _many(author, count: int):
    from training.models import Lesson

    modules = []
    for index in range(count):
        module = Module.objects.create(
            title=f"Module {index:03}", slug=f"module-{index:03}", status=ModuleStatus.PUBLISHED, position=index
        )
        modules.append(module)
        Lesson.objects.bulk_create([Lesson(module=module, position=p, title=f"L{p}", body="Text") for p in range(1, 4)])
    for module in modules[1:]:
        module.prerequisites.add(modules[0])
    return modules


@pytest.mark.parametrize("count", [5, 50])
def test_the_catalogue_and_a_module_page_stay_within_a_fixed_number_of_queries(
    client, people, count, django_assert_max_num_queries
):
    modules = _many(people.member, count)
    big = modules[1]
    from training.models import Lesson

    Lesson.objects.bulk_create([Lesson(module=big, position=p, title=f"More {p}", body="x") for p in range(4, count)])
    for lesson in Lesson.objects.filter(module=big)[: count // 2]:
        LessonRead.objects.create(user=people.employee, lesson=lesson)
    client.force_login(people.employee)
    # (measured: 13 for each learner page and 8 for the authors' list at both sizes, the layout included)
    with django_assert_max_num_queries(14):
        html = _html(client.get(reverse("training:catalogue")))
    assert html.count('data-testid="module-card"') == count
    with django_assert_max_num_queries(14):
        html = _html(client.get(big.get_absolute_url()))
    assert html.count('data-testid="lesson-row"') == max(3, count - 1)
    with django_assert_max_num_queries(14):
        _html(client.get(reverse("training:lesson_detail", kwargs={"slug": big.slug, "position": 2})))
    client.force_login(people.member)
    with django_assert_max_num_queries(9):
        html = _html(client.get(reverse("training:author_modules")))
    assert html.count('data-testid="author-module-row"') == count
    found = _html(client.get(reverse("training:author_modules"), {"q": "Module 001"}, HTTP_HX_REQUEST="true"))
    assert "<html" not in found and found.count('data-testid="author-module-row"') == 1


# --- admin --------------------------------------------------------------------------------------


def test_the_admin_changes_settings_through_the_service_and_keeps_the_rest_read_only(client, people, course):
    from django.contrib.admin.sites import site

    from governance.models import AuditEntry
    from training.models import Lesson, LessonRead

    basics, selling, _ = course
    client.force_login(people.manager)
    for url in (
        "/admin/training/module/",
        "/admin/training/lesson/",
        "/admin/training/question/",
        "/admin/training/lessonread/",
        "/admin/training/lessonimage/",
        f"/admin/training/module/{basics.pk}/change/",
        f"/admin/training/question/{basics.questions.first().pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    fields = {
        "title": "Account basics",
        "slug": basics.slug,
        "summary": "Set in the admin.",
        "level": "foundation",
        "estimated_minutes": 25,
        "position": 5,
        "questions_per_attempt": 2,
        "pass_mark_percent": 90,
        "max_attempts": 3,
        "cooldown_minutes": 30,
        "time_limit_minutes": "",
        "feedback": "after_submit",
        "lessons-TOTAL_FORMS": "3",
        "lessons-INITIAL_FORMS": "3",
        "lessons-MIN_NUM_FORMS": "0",
        "lessons-MAX_NUM_FORMS": "1000",
        **{f"lessons-{i}-id": lesson.pk for i, lesson in enumerate(basics.lessons.all())},
        **{f"lessons-{i}-module": basics.pk for i in range(3)},
    }
    response = client.post(f"/admin/training/module/{basics.pk}/change/", fields)
    assert response.status_code == 302, response.content.decode()[:3000]
    basics.refresh_from_db()
    assert (basics.pass_mark_percent, basics.summary) == (90, "Set in the admin.")
    assert AuditEntry.objects.filter(action="module.updated", actor=people.manager).exists()
    cycle = client.post(
        f"/admin/training/module/{basics.pk}/change/", {**fields, "prerequisites": [selling.pk]}
    ).content.decode()
    assert "circle of prerequisites" in cycle and not basics.prerequisites.exists()
    request = type("Request", (), {"user": people.manager})()
    for model in (Lesson, Question, LessonRead):
        model_admin = site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
    assert not site._registry[Module].has_delete_permission(request, basics)
