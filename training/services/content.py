"""Every write to training content: modules (settings, prerequisites, the quiz's rules), their
ordered lessons and images, question banks with their choices, publishing and archiving, who read
which lesson, and a module's export and import as JSON.

A module goes draft → published → archived (and back to draft to rework it). A published module is
always complete: at least one lesson, and at least as many valid active questions as its quiz
draws. Every change to a published module is checked against that, so learners never meet a quiz
that cannot be drawn. Questions that attempts have used are never deleted or changed in place: an
edit replaces them and the old one is kept, deactivated, so old attempts still read as answered.
Views, the API, the admin and the demo all call these functions.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify

from coe.audit import audit
from coe.errors import Conflict, DomainError, NotAllowed
from training import permissions
from training.lesson_text import IMAGE_NAME, image_references
from training.models import (
    AttemptQuestion,
    CertificationTrack,
    Choice,
    Lesson,
    LessonRead,
    Module,
    ModuleStatus,
    Question,
    QuestionKind,
    TrackModule,
)
from training.models.content import LessonImage
from training.services.content_format import (
    FORMAT,
    FORMAT_VERSION,
    LESSON_NUMBERS,
    MAX_CHOICES,
    MAX_LESSON_CHARS,
    QUIZ_FIELDS,
    RESERVED_SLUGS,
    ModuleDocument,
    Problem,
    check_document,
    first_problem_error,
    inspect_image,
    module_field_problems,
    number_problem,
    question_problems,
)

MODULE_FIELDS = frozenset(
    {
        "title",
        "slug",
        "summary",
        "level",
        "estimated_minutes",
        "position",
        "prerequisites",
        *QUIZ_FIELDS,
    }
)
LESSON_FIELDS = frozenset({"title", "body", "estimated_minutes"})


# --- helpers ------------------------------------------------------------------------------------


def _require_author(actor, what: str = "write training modules") -> None:
    if not permissions.can_author(actor):
        raise NotAllowed(f"Only the CoE team may {what}; ask a CoE member if something needs changing.")


def _person(actor):
    return actor if getattr(actor, "pk", None) else None


def _lock_module(module: Module) -> Module:
    """The module re-read under a row lock: its lessons' order, its bank and its status change one
    writer at a time."""
    try:
        return Module.objects.select_for_update().get(pk=module.pk)
    except Module.DoesNotExist as exc:
        raise DomainError("This module no longer exists.", code="not_found") from exc


def unique_module_slug(base: str, *, exclude_pk: int | None = None) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever is free."""
    max_length = Module._meta.get_field("slug").max_length
    base = (slugify(base) or "module")[: max_length - 4].strip("-") or "module"
    slug, counter = base, 2
    taken = Module.objects.exclude(pk=exclude_pk)
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def _audit_value(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)):
        return sorted(str(item) for item in value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def _prerequisite_cycle(module: Module, prerequisites: Iterable[Module]) -> list[Module] | None:
    """The chain that would lead from one of ``prerequisites`` back to ``module`` (a cycle), if any."""
    edges: dict[int, set[int]] = {}
    for source, target in Module.prerequisites.through.objects.values_list("from_module_id", "to_module_id"):
        edges.setdefault(source, set()).add(target)
    edges[module.pk] = {p.pk for p in prerequisites}
    names = dict(Module.objects.values_list("pk", "title"))
    # depth-first from the module, following "requires"; a way back to it is the cycle
    stack: list[tuple[int, list[int]]] = [(pk, [module.pk, pk]) for pk in edges[module.pk]]
    seen: set[int] = set()
    while stack:
        current, path = stack.pop()
        if current == module.pk:
            return [Module(pk=pk, title=names.get(pk, "?")) for pk in path]
        if current in seen:
            continue
        seen.add(current)
        stack.extend((nxt, [*path, nxt]) for nxt in edges.get(current, ()))
    return None


def _check_prerequisites(module: Module, prerequisites: Sequence[Module]) -> None:
    if any(p.pk == module.pk for p in prerequisites):
        message = "A module cannot be its own prerequisite."
        raise DomainError(message, code="prerequisite_cycle", fields={"prerequisites": [message]})
    if module.pk is None:
        return  # a new module: nothing requires it yet, so no cycle is possible
    cycle = _prerequisite_cycle(module, prerequisites)
    if cycle:
        chain = " → ".join(m.title for m in cycle)
        message = (
            f"That would make a circle of prerequisites ({chain}): nobody could ever start them. "
            f"Remove “{cycle[1].title}” from the prerequisites of “{module.title}”, or the other way round."
        )
        raise DomainError(message, code="prerequisite_cycle", fields={"prerequisites": [message]})


def module_fields_check(module: Module, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The module settings, cleaned, or a DomainError naming the field: a title; a free slug that is
    not a word the pages use (kept once published); a level; the quiz's numbers in range;
    prerequisites that do not go round in a circle. The admin's form runs it too."""
    unknown = sorted(set(fields) - MODULE_FIELDS)
    if unknown:
        raise DomainError(
            f"These cannot be set on a module: {', '.join(unknown)}.",
            code="invalid",
            fields={name: ["Unknown or not editable."] for name in unknown},
        )
    cleaned = dict(fields)
    for name in ("title", "summary"):
        if name in cleaned and isinstance(cleaned[name], str):
            cleaned[name] = " ".join(cleaned[name].split())
    if cleaned.get("slug") == "" and module.pk is None:
        cleaned.pop("slug")  # derived from the title below
    problems = module_field_problems(cleaned)
    if problems:
        raise first_problem_error(problems)
    if "slug" in cleaned and cleaned["slug"] != module.slug:
        if module.pk is not None and module.published_at is not None:
            message = "A module that has been published keeps its address, so links and certificates keep working."
            raise DomainError(message, code="invalid", fields={"slug": [message]})
        clash = Module.objects.filter(slug=cleaned["slug"]).exclude(pk=module.pk).first()
        if clash is not None:
            message = f"“{clash}” already has the slug “{cleaned['slug']}”; choose another."
            raise DomainError(message, code="duplicate_slug", fields={"slug": [message]})
    if "prerequisites" in cleaned:
        prerequisites = list(cleaned["prerequisites"] or [])
        _check_prerequisites(module, prerequisites)
        cleaned["prerequisites"] = prerequisites
    return cleaned


def _apply_module_fields(module: Module, cleaned: Mapping[str, Any]) -> None:
    for name, value in cleaned.items():
        if name != "prerequisites":
            setattr(module, name, value)
    module.save()
    if "prerequisites" in cleaned:
        module.prerequisites.set(cleaned["prerequisites"])


# --- the rules of a publishable module ------------------------------------------------------------


def module_problems(module: Module) -> list[str]:
    """What stops ``module`` from being published, in words an author acts on (empty: ready)."""
    problems: list[str] = []
    lessons = list(module.lessons.all())
    if not lessons:
        problems.append("Write at least one lesson.")
    image_names = set(module.images.values_list("name", flat=True))
    for lesson in lessons:
        missing = [name for name in image_references(lesson.body) if name not in image_names]
        if missing:
            problems.append(
                f"Lesson {lesson.position} (“{lesson.title}”) shows images that are not uploaded: {', '.join(missing)}."
            )
    active = list(module.questions.filter(is_active=True).prefetch_related("choices"))
    for number, question in enumerate(active, start=1):
        choices = [{"text": c.text, "is_correct": c.is_correct} for c in question.choices.all()]
        found = question_problems(question.kind, question.text, choices)
        if found:
            problems.append(f"Question {number} (“{question.text[:60]}”): {next(iter(found.values()))}")
    if len(active) < module.questions_per_attempt:
        missing = module.questions_per_attempt - len(active)
        problems.append(
            f"The quiz draws {module.questions_per_attempt} questions but the bank has {len(active)} active "
            f"one{'s' if len(active) != 1 else ''}: add {missing} more, or draw fewer per attempt."
        )
    return problems


def _keep_publishable(module: Module, change: str) -> None:
    """Refuse a change that would leave a published module incomplete (the transaction undoes it)."""
    if module.status != ModuleStatus.PUBLISHED:
        return
    problems = module_problems(module)
    if problems:
        raise DomainError(
            f"“{module}” is published, so {change} is refused: {problems[0]} "
            "Archive the module first if it needs a bigger rework.",
            code="module_incomplete",
        )


# --- modules ------------------------------------------------------------------------------------


@transaction.atomic
def module_create(*, actor, fields: Mapping[str, Any]) -> Module:
    """Start a module as a draft (CoE staff). The slug follows the title unless one is given; the
    quiz's rules are checked (a pass mark from 1 to 100 %, at least one question per attempt …);
    prerequisites must not go round in a circle."""
    _require_author(actor)
    module = Module(created_by=_person(actor))
    cleaned = module_fields_check(module, {"title": fields.get("title", ""), **fields})
    if "slug" not in cleaned:
        cleaned["slug"] = unique_module_slug(cleaned["title"])
    _apply_module_fields(module, cleaned)
    audit(
        actor=actor,
        action="module.created",
        obj=module,
        summary=f"The training module “{module}” was created as a draft.",
        data={name: _audit_value(value) for name, value in cleaned.items()},
    )
    return module


@transaction.atomic
def module_update(*, actor, module: Module, changes: Mapping[str, Any]) -> Module:
    """Change a module's settings, prerequisites or quiz rules. A published module stays complete
    (e.g. it cannot draw more questions than its bank holds) and keeps its slug."""
    _require_author(actor)
    module = _lock_module(module)
    before = {
        name: _audit_value(list(module.prerequisites.all()) if name == "prerequisites" else getattr(module, name))
        for name in changes
        if name in MODULE_FIELDS
    }
    cleaned = module_fields_check(module, changes)
    _apply_module_fields(module, cleaned)
    _keep_publishable(module, "this change")
    after = {name: _audit_value(value) for name, value in cleaned.items()}
    changed = {name: {"from": before[name], "to": after[name]} for name in after if before[name] != after[name]}
    if changed:
        audit(
            actor=actor,
            action="module.updated",
            obj=module,
            summary=f"The training module “{module}” was changed: {', '.join(n.replace('_', ' ') for n in changed)}.",
            data=changed,
        )
    return module


@transaction.atomic
def module_publish(*, actor, module: Module) -> Module:
    """Publish a draft or archived module: learners see it from now on. Only a complete module is
    published (lessons, enough valid active questions for one attempt, its images uploaded)."""
    _require_author(actor, "publish training modules")
    module = _lock_module(module)
    if module.status == ModuleStatus.PUBLISHED:
        raise Conflict(f"“{module}” is already published.")
    problems = module_problems(module)
    if problems:
        raise DomainError(
            f"“{module}” is not ready to publish: {' '.join(problems)}",
            code="module_incomplete",
            fields={"module": problems},
        )
    previous = module.status
    module.status = ModuleStatus.PUBLISHED
    module.published_at = timezone.now()
    module.save(update_fields=["status", "published_at", "updated_at"])
    audit(
        actor=actor,
        action="module.published",
        obj=module,
        summary=f"The training module “{module}” was published.",
        data={
            "from": previous,
            "lessons": module.lessons.count(),
            "questions": module.questions.filter(is_active=True).count(),
        },
    )
    return module


def tracks_needing(module: Module) -> list[CertificationTrack]:
    """The active certification tracks that include the module or take it as their final exam."""
    in_tracks = TrackModule.objects.filter(module=module, track__is_active=True).values_list("track_id", flat=True)
    return list(
        CertificationTrack.objects.filter(Q(pk__in=in_tracks) | Q(final_exam=module), is_active=True).order_by("name")
    )


@transaction.atomic
def module_archive(*, actor, module: Module) -> Module:
    """Withdraw a module from learners (its lessons, reads and attempts stay on record). A module an
    active certification track needs stays: take it out of the track first, or nobody could
    complete the track."""
    _require_author(actor, "archive training modules")
    module = _lock_module(module)
    if module.status == ModuleStatus.ARCHIVED:
        raise Conflict(f"“{module}” is already archived.")
    tracks = tracks_needing(module)
    if tracks:
        names = ", ".join(f"“{t}”" for t in tracks)
        raise DomainError(
            f"The certification track{'s' if len(tracks) > 1 else ''} {names} need{'' if len(tracks) > 1 else 's'} "
            f"“{module}”: take it out of {'them' if len(tracks) > 1 else 'it'} first, or nobody could complete "
            f"{'them' if len(tracks) > 1 else 'it'}.",
            code="module_in_track",
        )
    previous = module.status
    module.status = ModuleStatus.ARCHIVED
    module.save(update_fields=["status", "updated_at"])
    audit(
        actor=actor,
        action="module.archived",
        obj=module,
        summary=f"The training module “{module}” was archived; learners no longer see it.",
        data={"from": previous},
    )
    return module


@transaction.atomic
def module_restore(*, actor, module: Module) -> Module:
    """Bring an archived module back as a draft, to rework it and publish it again."""
    _require_author(actor)
    module = _lock_module(module)
    if module.status != ModuleStatus.ARCHIVED:
        raise Conflict(f"“{module}” is not archived.")
    module.status = ModuleStatus.DRAFT
    module.save(update_fields=["status", "updated_at"])
    audit(
        actor=actor,
        action="module.restored",
        obj=module,
        summary=f"The training module “{module}” was brought back as a draft.",
    )
    return module


@transaction.atomic
def module_delete(*, actor, module: Module) -> None:
    """Delete a module that was never published (a draft begun by mistake, an import to redo).
    Once published, a module is archived instead, so progress and attempts stay on record."""
    _require_author(actor, "delete training modules")
    module = _lock_module(module)
    if module.published_at is not None or module.attempts.exists():
        raise DomainError(
            f"“{module}” has been published: archive it instead, so people's progress and attempts stay on record.",
            code="module_was_published",
        )
    dependants = list(module.unlocks.order_by("title"))
    if dependants:
        names = ", ".join(f"“{m}”" for m in dependants)
        raise DomainError(
            f"{names} require{'s' if len(dependants) == 1 else ''} “{module}”: remove it from their "
            "prerequisites first.",
            code="module_required",
        )
    if tracks_needing(module) or TrackModule.objects.filter(module=module).exists():
        raise DomainError(
            f"A certification track includes “{module}”: take it out of the track first.", code="module_in_track"
        )
    audit(
        actor=actor, action="module.deleted", obj=module, summary=f"The draft training module “{module}” was deleted."
    )
    for image in module.images.all():
        _delete_file_after_commit(image.file)
    module.delete()


# --- lessons ------------------------------------------------------------------------------------


def _clean_lesson(module: Module, values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - LESSON_FIELDS)
    if unknown:
        raise DomainError(
            f"These cannot be set on a lesson: {', '.join(unknown)}.",
            code="invalid",
            fields={name: ["Unknown or not editable."] for name in unknown},
        )
    cleaned = dict(values)
    problems: dict[str, str] = {}
    if "title" in cleaned:
        cleaned["title"] = " ".join(str(cleaned["title"] or "").split())
        if not cleaned["title"]:
            problems["title"] = "The lesson needs a title."
        elif len(cleaned["title"]) > 200:
            problems["title"] = "At most 200 characters."
    if "body" in cleaned:
        body = str(cleaned["body"] or "")
        if not body.strip():
            problems["body"] = "The lesson needs some text."
        elif len(body) > MAX_LESSON_CHARS:
            problems["body"] = f"At most {MAX_LESSON_CHARS:,} characters; split it into two lessons."
        else:
            names = set(module.images.values_list("name", flat=True))
            missing = [name for name in image_references(body) if name not in names]
            if missing:
                problems["body"] = (
                    f"The text shows {', '.join(f'image:{n}' for n in missing)}, which "
                    f"{'is' if len(missing) == 1 else 'are'} not uploaded to this module: upload "
                    f"{'it' if len(missing) == 1 else 'them'} first, or correct the name."
                )
        cleaned["body"] = body
    if "estimated_minutes" in cleaned:
        problem = number_problem("estimated_minutes", cleaned["estimated_minutes"], LESSON_NUMBERS["estimated_minutes"])
        if problem:
            problems["estimated_minutes"] = problem
    if problems:
        raise first_problem_error(problems)
    return cleaned


def _renumber(module: Module, ordered: Sequence[Lesson]) -> list[Lesson]:
    """Positions 1, 2, 3 … in the given order (a lesson's address is its position)."""
    changed = []
    for position, lesson in enumerate(ordered, start=1):
        if lesson.position != position:
            lesson.position = position
            changed.append(lesson)
    if changed:
        Lesson.objects.bulk_update(changed, ["position"])
    return list(ordered)


@transaction.atomic
def lesson_create(*, actor, module: Module, title: str, body: str, estimated_minutes: int = 5) -> Lesson:
    """Add a lesson at the end of a module. Its Markdown may show the module's uploaded images
    (``![What it shows](image:<name>)``); an image that is not uploaded is refused."""
    _require_author(actor)
    module = _lock_module(module)
    cleaned = _clean_lesson(module, {"title": title, "body": body, "estimated_minutes": estimated_minutes})
    last = module.lessons.aggregate(last=Max("position"))["last"] or 0
    lesson = Lesson.objects.create(module=module, position=last + 1, **cleaned)
    _renumber(module, list(module.lessons.order_by("position", "id")))
    lesson.refresh_from_db()
    audit(
        actor=actor,
        action="lesson.created",
        obj=module,
        summary=f"Lesson {lesson.position} “{lesson.title}” was added to “{module}”.",
        data={"lesson": lesson.pk},
    )
    return lesson


@transaction.atomic
def lesson_update(*, actor, lesson: Lesson, changes: Mapping[str, Any]) -> Lesson:
    """Change a lesson's title, text or reading time (the same rules as a new lesson)."""
    _require_author(actor)
    module = _lock_module(lesson.module)
    lesson = Lesson.objects.get(pk=lesson.pk)
    cleaned = _clean_lesson(module, changes)
    changed = sorted(name for name, value in cleaned.items() if getattr(lesson, name) != value)
    for name, value in cleaned.items():
        setattr(lesson, name, value)
    lesson.save()
    if changed:
        audit(
            actor=actor,
            action="lesson.updated",
            obj=module,
            summary=f"Lesson {lesson.position} “{lesson.title}” of “{module}” was changed: {', '.join(changed)}.",
            data={"lesson": lesson.pk, "changed": changed},
        )
    return lesson


@transaction.atomic
def lesson_delete(*, actor, lesson: Lesson) -> None:
    """Remove a lesson (and who read it); the lessons after it move up. A published module keeps at
    least one lesson."""
    _require_author(actor)
    module = _lock_module(lesson.module)
    title, position = lesson.title, lesson.position
    Lesson.objects.filter(pk=lesson.pk).delete()
    _renumber(module, list(module.lessons.order_by("position", "id")))
    _keep_publishable(module, "removing its last lesson")
    audit(
        actor=actor,
        action="lesson.deleted",
        obj=module,
        summary=f"Lesson {position} “{title}” was removed from “{module}”.",
    )


@transaction.atomic
def lessons_reorder(*, actor, module: Module, order: Sequence[int]) -> list[Lesson]:
    """Put a module's lessons in the given order (their ids, every lesson exactly once)."""
    _require_author(actor)
    module = _lock_module(module)
    lessons = {lesson.pk: lesson for lesson in module.lessons.all()}
    order = list(order)
    if len(order) != len(set(order)) or set(order) != set(lessons):
        message = "Give every lesson of the module exactly once, in the new order."
        raise DomainError(message, code="invalid", fields={"order": [message]})
    ordered = _renumber(module, [lessons[pk] for pk in order])
    audit(
        actor=actor,
        action="lesson.reordered",
        obj=module,
        summary=f"The lessons of “{module}” were put in a new order.",
        data={"order": order},
    )
    return ordered


@transaction.atomic
def lesson_move(*, actor, lesson: Lesson, offset: int) -> Lesson:
    """Move a lesson up (``offset`` -1) or down (+1) one place; at either end it stays."""
    _require_author(actor)
    module = _lock_module(lesson.module)
    ordered = list(module.lessons.order_by("position", "id"))
    index = next(i for i, item in enumerate(ordered) if item.pk == lesson.pk)
    target = max(0, min(len(ordered) - 1, index + offset))
    if target != index:
        ordered.insert(target, ordered.pop(index))
        _renumber(module, ordered)
        audit(
            actor=actor,
            action="lesson.reordered",
            obj=module,
            summary=f"“{lesson.title}” moved to place {target + 1} in “{module}”.",
            data={"lesson": lesson.pk, "from": index + 1, "to": target + 1},
        )
    return ordered[target]


# --- lesson images ------------------------------------------------------------------------------


def _delete_file_after_commit(file) -> None:
    """Remove a stored file once the change that dropped it is committed (a rolled-back change
    keeps its file)."""
    storage, name = file.storage, file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _image_name(raw: str, fallback: str) -> str:
    stem, _, extension = (raw or fallback).strip().lower().rpartition(".")
    if not stem:
        stem, extension = extension, ""
    name = slugify(stem)[:80] or "image"
    return f"{name}.{extension}" if extension and extension.isalnum() else name


@transaction.atomic
def lesson_image_upload(
    *, actor, module: Module, upload, name: str = "", alt_text: str = "", replace: bool = False
) -> LessonImage:
    """Keep an image for a module's lessons in the app's storage. Only JPEG, PNG, GIF or WebP
    images of at most 5 MB are kept. Lessons show it as ``image:<name>``; an image of the same name
    is only replaced when asked (``replace``), and then every lesson showing it shows the new one."""
    _require_author(actor)
    module = _lock_module(module)
    filename = getattr(upload, "name", "") or "image"
    name = _image_name(name, filename)
    if not IMAGE_NAME.match(name):
        message = "Use lower-case letters, digits, dots, dashes and underscores (e.g. escalation-ladder.png)."
        raise DomainError(message, code="invalid", fields={"name": [message]})
    upload.seek(0)
    content = upload.read()
    info = inspect_image(content, name=filename)
    existing = module.images.filter(name=name).first()
    if existing is not None and not replace:
        message = f"The module already has an image called “{name}”: tick “replace” to swap it, or choose another name."
        raise DomainError(message, code="duplicate_image", fields={"name": [message]})
    image = existing or LessonImage(module=module, name=name)
    if existing is not None:
        _delete_file_after_commit(existing.file)
    image.alt_text = (alt_text or "").strip()[:300]
    image.content_type, image.size, image.width, image.height = (info.content_type, info.size, info.width, info.height)
    image.uploaded_by, image.uploaded_at = _person(actor), timezone.now()
    image.file.save(f"{module.slug}-{name}", ContentFile(content), save=False)
    image.save()
    audit(
        actor=actor,
        action="lesson_image.replaced" if existing else "lesson_image.uploaded",
        obj=module,
        summary=f"The image “{name}” was {'replaced' if existing else 'uploaded'} for “{module}”.",
        data={"image": name, "bytes": info.size},
    )
    return image


@transaction.atomic
def lesson_image_delete(*, actor, image: LessonImage) -> None:
    """Remove an image no lesson shows any more (a lesson that shows it keeps it)."""
    _require_author(actor)
    module = _lock_module(image.module)
    using = [lesson for lesson in module.lessons.all() if image.name in image_references(lesson.body)]
    if using:
        places = ", ".join(f"{lesson.position} (“{lesson.title}”)" for lesson in using)
        raise DomainError(
            f"Lesson{'s' if len(using) > 1 else ''} {places} show{'' if len(using) > 1 else 's'} “{image.name}”: "
            "take it out of the text first.",
            code="image_in_use",
        )
    name = image.name
    _delete_file_after_commit(image.file)
    image.delete()
    audit(
        actor=actor, action="lesson_image.deleted", obj=module, summary=f"The image “{name}” of “{module}” was removed."
    )


# --- reading ------------------------------------------------------------------------------------


def lesson_mark_read(*, user, lesson: Lesson) -> LessonRead:
    """Record that ``user`` read ``lesson`` (of a module they may see). Reading it again changes
    nothing: the first read counts."""
    if not permissions.lessons_visible_to(user).filter(pk=lesson.pk).exists():
        raise NotAllowed("This lesson is not open to you.")
    existing = LessonRead.objects.filter(user=user, lesson=lesson).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return LessonRead.objects.create(user=user, lesson=lesson)
    except IntegrityError:  # a double click: the other request recorded it
        return LessonRead.objects.get(user=user, lesson=lesson)


# --- questions ----------------------------------------------------------------------------------


def _clean_choices(kind: str, text: str, choices: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows = [
        {
            "id": choice.get("id"),
            "text": " ".join(str(choice.get("text") or "").split()),
            "is_correct": choice.get("is_correct") is True,
        }
        for choice in choices
    ]
    problems = question_problems(kind, text, rows)
    if problems:
        raise first_problem_error(problems)
    return rows


def question_used(question: Question) -> bool:
    return AttemptQuestion.objects.filter(question=question).exists()


def _write_choices(question: Question, rows: Sequence[Mapping[str, Any]]) -> None:
    existing = {choice.pk: choice for choice in question.choices.all()}
    kept: set[int] = set()
    for position, row in enumerate(rows, start=1):
        choice = existing.get(row.get("id")) if row.get("id") else None
        if choice is None:
            Choice.objects.create(question=question, text=row["text"], is_correct=row["is_correct"], position=position)
            continue
        kept.add(choice.pk)
        if (choice.text, choice.is_correct, choice.position) != (row["text"], row["is_correct"], position):
            choice.text, choice.is_correct, choice.position = row["text"], row["is_correct"], position
            choice.save()
    Choice.objects.filter(pk__in=[pk for pk in existing if pk not in kept]).delete()


def _question_snapshot(question: Question) -> tuple:
    return (
        question.kind,
        question.text,
        tuple((c.text, c.is_correct) for c in question.choices.order_by("position", "id")),
    )


@transaction.atomic
def question_save(
    *,
    actor,
    module: Module,
    kind: str,
    text: str,
    choices: Sequence[Mapping[str, Any]],
    explanation: str = "",
    question: Question | None = None,
) -> Question:
    """Write a question of a module's bank together with its choices (``text``, ``is_correct``,
    and ``id`` to keep an existing choice). The rules: at least two choices, each with a text;
    single choice exactly one correct; true/false exactly “True” and “False”, one correct;
    multiple choice at least one correct. A question that attempts have already used is not
    changed in place: the edited question replaces it and the old one is deactivated, so the old
    attempts still read as they were answered (an explanation alone is corrected in place)."""
    _require_author(actor)
    module = _lock_module(module)
    if question is not None and question.module_id != module.pk:
        raise DomainError("This question belongs to another module.", code="invalid")
    text = (text or "").strip()
    explanation = (explanation or "").strip()
    if len(choices) > MAX_CHOICES:
        message = f"A question has at most {MAX_CHOICES} choices."
        raise DomainError(message, code="invalid", fields={"choices": [message]})
    rows = _clean_choices(kind, text, choices)
    if kind == QuestionKind.TRUE_FALSE:
        for row in rows:
            row["text"] = row["text"].capitalize()  # “true” → “True”, as learners see it
    creating = question is None
    replaced: Question | None = None
    if question is not None:
        question = Question.objects.select_for_update().get(pk=question.pk)
        proposed = (kind, text, tuple((r["text"], r["is_correct"]) for r in rows))
        if proposed != _question_snapshot(question) and question_used(question):
            replaced = question
            question = Question(module=module, position=replaced.position, is_active=replaced.is_active)
            replaced.is_active = False
            replaced.save(update_fields=["is_active"])
            rows = [{**row, "id": None} for row in rows]
    if question is None:
        last = module.questions.aggregate(last=Max("position"))["last"] or 0
        question = Question(module=module, position=last + 1)
    question.kind, question.text, question.explanation = kind, text, explanation
    question.save()
    _write_choices(question, rows)
    _keep_publishable(module, "this question")
    action = "question.created" if creating else ("question.replaced" if replaced else "question.updated")
    summary = {
        "question.created": f"A question was added to the bank of “{module}”.",
        "question.updated": f"A question of the bank of “{module}” was changed.",
        "question.replaced": f"A question of “{module}” that attempts had used was replaced by an edited copy "
        "(the original is kept, deactivated).",
    }[action]
    audit(
        actor=actor,
        action=action,
        obj=module,
        summary=summary,
        data={"question": question.pk, "text": text[:200], **({"replaces": replaced.pk} if replaced else {})},
    )
    return question


@transaction.atomic
def question_set_active(*, actor, question: Question, active: bool) -> Question:
    """Stop drawing a question (its past attempts keep it), or draw it again. A published module
    keeps at least as many active questions as an attempt draws."""
    _require_author(actor)
    module = _lock_module(question.module)
    question = Question.objects.get(pk=question.pk)
    if question.is_active == active:
        return question
    if active:
        rows = [{"text": c.text, "is_correct": c.is_correct} for c in question.choices.all()]
        problems = question_problems(question.kind, question.text, rows)
        if problems:
            raise DomainError(
                f"Correct the question before drawing it again: {next(iter(problems.values()))}", code="invalid"
            )
    question.is_active = active
    question.save(update_fields=["is_active"])
    _keep_publishable(module, "deactivating this question")
    audit(
        actor=actor,
        action="question.activated" if active else "question.deactivated",
        obj=module,
        summary=f"A question of “{module}” was {'activated' if active else 'deactivated'}: “{question.text[:80]}”.",
        data={"question": question.pk},
    )
    return question


@transaction.atomic
def question_remove(*, actor, question: Question) -> str:
    """Remove a question from the bank: deleted if no attempt ever drew it, otherwise deactivated
    (never deleted), so old attempts still read right. Returns ``"deleted"`` or ``"deactivated"``."""
    _require_author(actor)
    if question_used(question):
        question_set_active(actor=actor, question=question, active=False)
        return "deactivated"
    module = _lock_module(question.module)
    text = question.text
    Question.objects.filter(pk=question.pk).delete()
    _keep_publishable(module, "removing this question")
    audit(
        actor=actor,
        action="question.deleted",
        obj=module,
        summary=f"A question was deleted from the bank of “{module}”: “{text[:80]}”.",
    )
    return "deleted"


# --- export and import --------------------------------------------------------------------------


def module_document(module: Module) -> dict[str, Any]:
    """The module in the exchange format (training.services.content_format): its settings, the
    lessons in order, the active question bank with right answers and explanations, its images."""
    lessons = list(module.lessons.order_by("position", "id"))
    questions = list(module.questions.filter(is_active=True).order_by("position", "id").prefetch_related("choices"))
    images = []
    for image in module.images.order_by("name"):
        with image.file.open("rb") as handle:
            data = handle.read()
        images.append(
            {
                "name": image.name,
                "alt_text": image.alt_text,
                "content_type": image.content_type,
                "data": base64.b64encode(data).decode("ascii"),
            }
        )
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "module": {
            "title": module.title,
            "slug": module.slug,
            "summary": module.summary,
            "level": module.level,
            "estimated_minutes": module.estimated_minutes,
            "position": module.position,
            "prerequisites": sorted(module.prerequisites.values_list("slug", flat=True)),
            "quiz": {name: getattr(module, name) for name in QUIZ_FIELDS},
        },
        "lessons": [
            {"title": lesson.title, "estimated_minutes": lesson.estimated_minutes, "body": lesson.body}
            for lesson in lessons
        ],
        "questions": [
            {
                "kind": question.kind,
                "text": question.text,
                "explanation": question.explanation,
                "choices": [{"text": c.text, "correct": c.is_correct} for c in question.choices.all()],
            }
            for question in questions
        ],
        "images": images,
    }


def module_export(*, actor, module: Module) -> dict[str, Any]:
    """A module as a JSON document another CoE Hub imports (CoE staff: it carries the answers)."""
    _require_author(actor, "export training modules")
    document = module_document(module)
    audit(
        actor=actor,
        action="module.exported",
        obj=module,
        summary=f"The training module “{module}” was exported with its question bank.",
        data={"lessons": len(document["lessons"]), "questions": len(document["questions"])},
    )
    return document


@dataclass
class ImportReport:
    """What an import did (or, checked only, would do): the module it created (None when only
    checked or refused), what it holds, the problems that refuse it (each with its place in the
    document) and warnings that do not."""

    module: Module | None = None
    title: str = ""
    slug: str = ""
    slug_taken: str = ""
    lessons: int = 0
    questions: int = 0
    images: int = 0
    prerequisites: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class ImportRefused(DomainError):
    """The document was not imported; ``report.problems`` says every reason, with its place."""

    code = "invalid_import"

    def __init__(self, report: ImportReport):
        count = len(report.problems)
        first = report.problems[0]
        super().__init__(
            f"Nothing was imported: the file has {count} problem{'s' if count != 1 else ''}"
            f"{', the first' if count > 1 else ''} at {first.path}: {first.message}",
            fields=_problem_fields(report.problems),
        )
        self.report = report


def _problem_fields(problems: Sequence[Problem]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for problem in problems:
        fields.setdefault(problem.path, []).append(problem.message)
    return fields


def _prepare_import(
    data: str | bytes | Mapping[str, Any], *, slug: str | None, rename_if_taken: bool
) -> tuple[ImportReport, ModuleDocument | None, list[Module]]:
    document, problems = check_document(data)
    report = ImportReport(problems=list(problems))
    if document is None:
        return report, None, []
    report.title = document.fields.get("title", "")
    wanted = slug or document.fields["slug"]
    if slug:
        slug_problems = module_field_problems({"slug": slug})
        if slug_problems:
            report.problems.append(Problem("slug", slug_problems["slug"]))
            return report, None, []
    holder = Module.objects.filter(slug=wanted).first()
    if holder is not None:
        if rename_if_taken:
            report.slug_taken = wanted
            wanted = unique_module_slug(wanted)
        else:
            report.problems.append(
                Problem(
                    "module.slug",
                    f"“{holder}” already has the slug “{wanted}”: import under another slug, or let the import "
                    "choose a free one.",
                )
            )
            return report, None, []
    report.slug = wanted
    found = {m.slug: m for m in Module.objects.filter(slug__in=document.prerequisites)}
    missing = [s for s in document.prerequisites if s not in found]
    if missing:
        report.warnings.append(
            f"Prerequisites not found here, left out: {', '.join(missing)}. Import those modules first to keep them."
        )
    prerequisites = [found[s] for s in document.prerequisites if s in found]
    report.prerequisites = [m.slug for m in prerequisites]
    report.lessons, report.questions, report.images = (
        len(document.lessons),
        len(document.questions),
        len(document.images),
    )
    report.warnings.extend(document.warnings)
    return report, document, prerequisites


def module_import_check(
    *, actor, data: str | bytes | Mapping[str, Any], slug: str | None = None, rename_if_taken: bool = False
) -> ImportReport:
    """Check a document as ``module_import`` would, writing nothing: what it holds, every problem."""
    _require_author(actor, "import training modules")
    report, _, _ = _prepare_import(data, slug=slug, rename_if_taken=rename_if_taken)
    return report


@transaction.atomic
def module_import(
    *, actor, data: str | bytes | Mapping[str, Any], slug: str | None = None, rename_if_taken: bool = False
) -> ImportReport:
    """Create a module from an exported document (JSON text, bytes or parsed). The whole document
    is checked before anything is written, and every problem is reported with its place in it
    (``questions[3].choices: …``); then it is written in one transaction, all or nothing. The
    module lands as a draft to read over and publish. A slug already taken is refused, unless
    another is given (``slug``) or the import may choose a free one (``rename_if_taken``).
    Prerequisites missing here are left out, with a warning."""
    _require_author(actor, "import training modules")
    report, document, prerequisites = _prepare_import(data, slug=slug, rename_if_taken=rename_if_taken)
    if not report.ok or document is None:
        raise ImportRefused(report)
    fields = {**document.fields, "slug": report.slug}
    module = Module(created_by=_person(actor))
    for name, value in fields.items():
        setattr(module, name, value)
    module.status = ModuleStatus.DRAFT
    module.save()
    module.prerequisites.set(prerequisites)
    for image in document.images:
        item = LessonImage(
            module=module,
            name=image["name"],
            alt_text=image["alt_text"],
            content_type=image["info"].content_type,
            size=image["info"].size,
            width=image["info"].width,
            height=image["info"].height,
            uploaded_by=_person(actor),
        )
        item.file.save(f"{module.slug}-{image['name']}", ContentFile(image["content"]), save=False)
        item.save()
    Lesson.objects.bulk_create(
        [Lesson(module=module, position=position, **lesson) for position, lesson in enumerate(document.lessons, 1)]
    )
    questions = Question.objects.bulk_create(
        [
            Question(
                module=module,
                position=position,
                kind=q["kind"],
                text=q["text"],
                explanation=q["explanation"],
            )
            for position, q in enumerate(document.questions, 1)
        ]
    )
    Choice.objects.bulk_create(
        [
            Choice(question=question, text=choice["text"], is_correct=choice["is_correct"], position=position)
            for question, q in zip(questions, document.questions, strict=True)
            for position, choice in enumerate(q["choices"], 1)
        ]
    )
    report.module = module
    audit(
        actor=actor,
        action="module.imported",
        obj=module,
        summary=f"The training module “{module}” was imported as a draft ({report.lessons} lessons, "
        f"{report.questions} questions).",
        data={
            "slug": module.slug,
            "renamed_from": report.slug_taken,
            "lessons": report.lessons,
            "questions": report.questions,
            "images": report.images,
            "warnings": report.warnings,
        },
    )
    return report
