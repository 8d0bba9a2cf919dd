"""The content services: module settings and the quiz's rules, prerequisites without circles, a
published module that stays complete, question rules, used questions kept (deactivated or replaced,
never changed under an old attempt), ordered lessons, lesson images, reading, archive and delete,
and the selectors My learning reads (lesson_progress, modules_unlocked)."""

from __future__ import annotations

import pytest

from coe.errors import Conflict, DomainError, NotAllowed
from governance.models import AuditEntry
from tests.training.content_helpers import (  # noqa: F401 - lesson_media_root: uploads go to a temporary directory
    MULTIPLE,
    SINGLE,
    Upload,
    add_question,
    build_module,
    draw_every_question,
    lesson_media_root,
    png_bytes,
)
from training.models import (
    Attempt,
    AttemptQuestion,
    CertificationTrack,
    Choice,
    LessonRead,
    ModuleStatus,
    Question,
    TrackModule,
)
from training.selectors import content as selectors
from training.services import content as services

# --- modules ------------------------------------------------------------------------------------


def test_a_module_starts_as_a_draft_with_a_slug_from_its_title_and_is_audited(people):
    module = services.module_create(actor=people.member, fields={"title": "  Brand   voice "})
    assert (module.title, module.slug, module.status) == ("Brand voice", "brand-voice", ModuleStatus.DRAFT)
    assert module.created_by == people.member
    second = services.module_create(actor=people.member, fields={"title": "Brand voice"})
    assert second.slug == "brand-voice-2"
    assert AuditEntry.objects.filter(action="module.created", object_id=str(module.pk)).exists()


@pytest.mark.parametrize("who", ["employee", "liaison_a", "approver", "leader"])
def test_only_coe_staff_author(people, who):
    with pytest.raises(NotAllowed, match="Only the CoE team"):
        services.module_create(actor=getattr(people, who), fields={"title": "Mine"})


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"pass_mark_percent": 0}, "pass_mark_percent", "from 1 to 100"),
        ({"pass_mark_percent": 101}, "pass_mark_percent", "from 1 to 100"),
        ({"questions_per_attempt": 0}, "questions_per_attempt", "from 1 to 100"),
        ({"max_attempts": -1}, "max_attempts", "0 means unlimited"),
        ({"time_limit_minutes": 0}, "time_limit_minutes", "leave it empty"),
        ({"level": "expert"}, "level", "“expert” is not a level"),
        ({"feedback": "always"}, "feedback", "not a feedback mode"),
        ({"slug": "import"}, "slug", "choose another slug"),
        ({"slug": "Not A Slug"}, "slug", "lower-case letters"),
        ({"title": "   "}, "title", "needs a title"),
    ],
)
def test_module_settings_are_checked_and_the_field_is_named(people, fields, field, message):
    with pytest.raises(DomainError) as refused:
        services.module_create(actor=people.member, fields={"title": "Crisis response", **fields})
    assert message in refused.value.message
    assert field in refused.value.fields


def test_a_slug_taken_by_another_module_is_refused(people):
    build_module(people.member, "Crisis response")
    other = build_module(people.member, "Crisis basics")
    with pytest.raises(DomainError, match="already has the slug") as refused:
        services.module_update(actor=people.member, module=other, changes={"slug": "crisis-response"})
    assert refused.value.code == "duplicate_slug"


def test_a_published_module_keeps_its_slug(people):
    module = build_module(people.member, publish=True)
    with pytest.raises(DomainError, match="keeps its address"):
        services.module_update(actor=people.member, module=module, changes={"slug": "new-address"})


def test_a_circle_of_prerequisites_is_refused_with_the_chain(people):
    basics = build_module(people.member, "Basics")
    voice = build_module(people.member, "Voice", prerequisites=[basics])
    selling = build_module(people.member, "Selling", prerequisites=[voice])
    with pytest.raises(DomainError) as refused:
        services.module_update(actor=people.member, module=basics, changes={"prerequisites": [selling]})
    assert refused.value.code == "prerequisite_cycle"
    assert "Basics → Selling → Voice → Basics" in refused.value.message
    assert list(basics.prerequisites.all()) == []
    with pytest.raises(DomainError, match="its own prerequisite"):
        services.module_update(actor=people.member, module=voice, changes={"prerequisites": [voice]})
    # a diamond is not a circle
    services.module_update(actor=people.member, module=selling, changes={"prerequisites": [voice, basics]})
    assert set(selling.prerequisites.all()) == {voice, basics}


def test_publishing_is_refused_until_the_module_is_complete_and_every_problem_is_said(people):
    module = build_module(people.member, lessons=0, questions=1, per_attempt=3)
    with pytest.raises(DomainError) as refused:
        services.module_publish(actor=people.member, module=module)
    problems = refused.value.fields["module"]
    assert "Write at least one lesson." in problems
    assert any("draws 3 questions but the bank has 1 active one: add 2 more" in p for p in problems)
    module.refresh_from_db()
    assert module.status == ModuleStatus.DRAFT
    services.lesson_create(actor=people.member, module=module, title="Why", body="Because.")
    add_question(people.member, module, 2)
    add_question(people.member, module, 3)
    module = services.module_publish(actor=people.member, module=module)
    assert module.status == ModuleStatus.PUBLISHED and module.published_at is not None
    assert AuditEntry.objects.filter(action="module.published", object_id=str(module.pk)).exists()
    with pytest.raises(Conflict, match="already published"):
        services.module_publish(actor=people.member, module=module)


def test_a_published_module_cannot_be_left_incomplete(people):
    module = build_module(people.member, lessons=1, questions=2, per_attempt=2, publish=True)
    with pytest.raises(DomainError, match="is published, so removing its last lesson is refused"):
        services.lesson_delete(actor=people.member, lesson=module.lessons.get())
    assert module.lessons.count() == 1
    with pytest.raises(DomainError, match="add 1 more"):
        services.question_set_active(actor=people.member, question=module.questions.first(), active=False)
    assert module.questions.filter(is_active=True).count() == 2
    with pytest.raises(DomainError, match="draws 5 questions"):
        services.module_update(actor=people.member, module=module, changes={"questions_per_attempt": 5})
    module.refresh_from_db()
    assert module.questions_per_attempt == 2


# --- questions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "choices", "message"),
    [
        ("single", [{"text": "A", "is_correct": True}, {"text": "B", "is_correct": True}], "exactly one correct"),
        ("single", [{"text": "A", "is_correct": False}, {"text": "B", "is_correct": False}], "has 0"),
        ("multiple", [{"text": "A", "is_correct": False}, {"text": "B", "is_correct": False}], "at least one correct"),
        (
            "true_false",
            [{"text": "Yes", "is_correct": True}, {"text": "No", "is_correct": False}],
            "“True” and “False”",
        ),
        (
            "true_false",
            [{"text": "True", "is_correct": True}, {"text": "False", "is_correct": True}],
            "exactly one correct",
        ),
        ("single", [{"text": "Only", "is_correct": True}], "at least two choices"),
        ("single", [{"text": "A", "is_correct": True}, {"text": " ", "is_correct": False}], "needs a text"),
        ("single", [{"text": "Same", "is_correct": True}, {"text": "same", "is_correct": False}], "same text"),
        ("essay", SINGLE, "not a kind of question"),
    ],
)
def test_question_rules(people, kind, choices, message):
    module = build_module(people.member, questions=0)
    with pytest.raises(DomainError, match=message):
        services.question_save(actor=people.member, module=module, kind=kind, text="Which?", choices=choices)
    assert not module.questions.exists()


def test_a_question_needs_a_text_and_true_false_choices_read_true_and_false(people):
    module = build_module(people.member, questions=0)
    with pytest.raises(DomainError, match="needs a text"):
        services.question_save(actor=people.member, module=module, kind="single", text=" ", choices=SINGLE)
    question = services.question_save(
        actor=people.member,
        module=module,
        kind="true_false",
        text="Logos belong on personal profiles.",
        choices=[{"text": "true", "is_correct": False}, {"text": "FALSE", "is_correct": True}],
    )
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [("True", False), ("False", True)]


def test_editing_an_unused_question_changes_it_in_place_and_keeps_its_choices(people):
    module = build_module(people.member, questions=0)
    question = services.question_save(actor=people.member, module=module, kind="single", text="Q?", choices=SINGLE)
    first, second, third = question.choices.all()
    edited = services.question_save(
        actor=people.member,
        module=module,
        question=question,
        kind="single",
        text="Q, better?",
        choices=[
            {"id": second.pk, "text": "Now right", "is_correct": True},
            {"id": first.pk, "text": "Now wrong", "is_correct": False},
        ],
    )
    assert edited.pk == question.pk and edited.text == "Q, better?"
    assert [(c.pk, c.text, c.is_correct) for c in edited.choices.all()] == [
        (second.pk, "Now right", True),
        (first.pk, "Now wrong", False),
    ]
    assert not Choice.objects.filter(pk=third.pk).exists()


def test_a_used_question_is_deactivated_never_deleted_so_old_attempts_still_read_right(people):
    module = build_module(people.member, questions=3, per_attempt=3, publish=True)
    add_question(people.member, module, 4)
    attempt = draw_every_question(people.employee, module)
    drawn = list(AttemptQuestion.objects.filter(attempt=attempt).values_list("question_id", flat=True))
    used = Question.objects.get(pk=drawn[0])
    assert services.question_remove(actor=people.member, question=used) == "deactivated"
    used.refresh_from_db()
    assert used.is_active is False and used.choices.count() >= 2
    assert AttemptQuestion.objects.filter(attempt=attempt, question=used).exists()
    unused = module.questions.exclude(pk__in=drawn).get()
    services.question_set_active(actor=people.member, question=used, active=True)
    assert services.question_remove(actor=people.member, question=unused) == "deleted"
    assert not Question.objects.filter(pk=unused.pk).exists()
    assert AuditEntry.objects.filter(action="question.deactivated").exists()


def test_editing_a_used_question_makes_a_new_one_and_keeps_the_original(people):
    module = build_module(people.member, questions=2, per_attempt=2, publish=True)
    attempt = draw_every_question(people.employee, module)
    original = module.questions.get(kind="multiple") if module.questions.filter(kind="multiple").exists() else None
    original = original or module.questions.first()
    original_choices = [(c.text, c.is_correct) for c in original.choices.all()]
    explained = services.question_save(
        actor=people.member,
        module=module,
        question=original,
        kind=original.kind,
        text=original.text,
        explanation="A clearer reason.",
        choices=[{"id": c.pk, "text": c.text, "is_correct": c.is_correct} for c in original.choices.all()],
    )
    assert explained.pk == original.pk and explained.explanation == "A clearer reason."  # in place
    replacement = services.question_save(
        actor=people.member, module=module, question=original, kind="multiple", text="Reworded?", choices=MULTIPLE
    )
    original.refresh_from_db()
    assert replacement.pk != original.pk and replacement.is_active and replacement.position == original.position
    assert original.is_active is False and original.text != "Reworded?"
    assert [(c.text, c.is_correct) for c in original.choices.all()] == original_choices
    assert AttemptQuestion.objects.filter(attempt=attempt, question=original).exists()
    assert AuditEntry.objects.filter(action="question.replaced").exists()


# --- lessons ------------------------------------------------------------------------------------


def test_lessons_are_numbered_in_order_and_can_be_moved_and_reordered(people):
    module = build_module(people.member, lessons=3, questions=0)
    first, second, third = module.lessons.order_by("position")
    assert [lesson.position for lesson in (first, second, third)] == [1, 2, 3]
    services.lesson_move(actor=people.member, lesson=third, offset=-1)
    assert list(module.lessons.order_by("position").values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]
    services.lesson_move(actor=people.member, lesson=first, offset=-1)  # already first: stays
    services.lessons_reorder(actor=people.member, module=module, order=[second.pk, first.pk, third.pk])
    assert list(module.lessons.order_by("position").values_list("pk", "position")) == [
        (second.pk, 1),
        (first.pk, 2),
        (third.pk, 3),
    ]
    with pytest.raises(DomainError, match="exactly once"):
        services.lessons_reorder(actor=people.member, module=module, order=[second.pk, first.pk])
    services.lesson_delete(actor=people.member, lesson=first)
    assert list(module.lessons.order_by("position").values_list("pk", "position")) == [(second.pk, 1), (third.pk, 2)]


def test_a_lesson_shows_only_images_uploaded_to_its_module(people):
    module = build_module(people.member, lessons=0, questions=0)
    body = "Look:\n\n![The ladder](image:ladder.png)"
    with pytest.raises(DomainError, match="image:ladder.png, which is not uploaded") as refused:
        services.lesson_create(actor=people.member, module=module, title="Ladder", body=body)
    assert "body" in refused.value.fields
    image = services.lesson_image_upload(
        actor=people.member, module=module, upload=Upload(png_bytes(), "Ladder.PNG"), alt_text="The ladder"
    )
    assert (image.name, image.content_type, image.width, image.height) == ("ladder.png", "image/png", 40, 20)
    lesson = services.lesson_create(actor=people.member, module=module, title="Ladder", body=body)
    with pytest.raises(DomainError, match="tick “replace”"):
        services.lesson_image_upload(actor=people.member, module=module, upload=Upload(png_bytes(), "ladder.png"))
    replaced = services.lesson_image_upload(
        actor=people.member, module=module, upload=Upload(png_bytes(80, 40), "ladder.png"), replace=True
    )
    assert replaced.pk == image.pk and replaced.width == 80
    with pytest.raises(DomainError, match="show.*“ladder.png”"):
        services.lesson_image_delete(actor=people.member, image=replaced)
    services.lesson_update(actor=people.member, lesson=lesson, changes={"body": "No picture now."})
    services.lesson_image_delete(actor=people.member, image=replaced)
    assert not module.images.exists()


def test_only_real_images_are_kept(people):
    module = build_module(people.member, lessons=0, questions=0)
    with pytest.raises(DomainError, match="not an image we can read"):
        services.lesson_image_upload(
            actor=people.member, module=module, upload=Upload(b"<svg onload=alert(1)>", "x.png")
        )
    with pytest.raises(DomainError, match="at most 5 MB"):
        services.lesson_image_upload(
            actor=people.member, module=module, upload=Upload(b"0" * (5 * 1024 * 1024 + 1), "big.png")
        )
    assert not module.images.exists()


def test_reading_a_lesson_is_recorded_once_and_only_where_the_person_may_read(people):
    published = build_module(people.member, publish=True)
    lesson = published.lessons.first()
    first = services.lesson_mark_read(user=people.employee, lesson=lesson)
    again = services.lesson_mark_read(user=people.employee, lesson=lesson)
    assert first.pk == again.pk and LessonRead.objects.filter(user=people.employee).count() == 1
    draft = build_module(people.member, "Draft module")
    with pytest.raises(NotAllowed):
        services.lesson_mark_read(user=people.employee, lesson=draft.lessons.first())


# --- archive and delete -------------------------------------------------------------------------


def test_archive_is_refused_while_an_active_track_needs_the_module_and_restore_brings_a_draft(people):
    module = build_module(people.member, publish=True)
    track = CertificationTrack.objects.create(name="Social Publisher", slug="social-publisher")
    TrackModule.objects.create(track=track, module=module)
    with pytest.raises(DomainError, match="“Social Publisher” needs “Brand voice”"):
        services.module_archive(actor=people.member, module=module)
    track.is_active = False
    track.save()
    archived = services.module_archive(actor=people.member, module=module)
    assert archived.status == ModuleStatus.ARCHIVED
    assert AuditEntry.objects.filter(action="module.archived", object_id=str(module.pk)).exists()
    restored = services.module_restore(actor=people.member, module=archived)
    assert restored.status == ModuleStatus.DRAFT


def test_only_a_never_published_module_is_deleted(people):
    published = build_module(people.member, publish=True)
    with pytest.raises(DomainError, match="archive it instead"):
        services.module_delete(actor=people.member, module=published)
    draft = build_module(people.member, "Draft")
    needing = build_module(people.member, "Needs the draft", prerequisites=[draft])
    with pytest.raises(DomainError, match="remove it from their prerequisites"):
        services.module_delete(actor=people.member, module=draft)
    services.module_update(actor=people.member, module=needing, changes={"prerequisites": []})
    services.module_delete(actor=people.member, module=draft)
    assert not type(draft).objects.filter(pk=draft.pk).exists()


# --- what other parts read ----------------------------------------------------------------------


def test_lesson_progress_and_modules_unlocked(people, django_assert_num_queries):
    basics = build_module(people.member, "Basics", lessons=3, publish=True)
    selling = build_module(people.member, "Selling", lessons=2, publish=True, prerequisites=[basics])
    draft_first = build_module(people.member, "Draft first")
    advanced = build_module(people.member, "Advanced", publish=True, prerequisites=[draft_first])
    empty = build_module(people.member, "Empty", lessons=0)
    services.lesson_mark_read(user=people.employee, lesson=basics.lessons.first())
    for colleague in (people.liaison_a, people.liaison_b):  # others' reading counts for nothing here
        for lesson in basics.lessons.all():
            services.lesson_mark_read(user=colleague, lesson=lesson)
    modules = [basics, selling, advanced, empty]
    with django_assert_num_queries(1):
        progress = selectors.lesson_progress(user=people.employee, modules=modules)
    assert progress == {basics.pk: (1, 3), selling.pk: (0, 2), advanced.pk: (0, 2), empty.pk: (0, 0)}
    with django_assert_num_queries(2):
        unlocked = selectors.modules_unlocked(user=people.employee, modules=modules)
    # a draft prerequisite holds nobody back: it cannot be taken
    assert unlocked == {basics.pk, advanced.pk, empty.pk}
    Attempt.objects.create(user=people.employee, module=basics, number=1, status="submitted", passed=True)
    assert selling.pk in selectors.modules_unlocked(user=people.employee, modules=modules)
