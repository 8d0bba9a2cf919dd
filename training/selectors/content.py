"""Reading training content, always as one person: the catalogue of published modules with their
progress and whether their prerequisites are met, a module's page and its lessons, and the
authors' views (every module with its counts, a module's bank and images).

``lesson_progress`` and ``modules_unlocked`` are what My learning, the catalogue and the module
page read; each is a fixed number of queries however many modules it covers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from training import permissions
from training.models import (
    Attempt,
    AttemptQuestion,
    Choice,
    Lesson,
    LessonRead,
    Module,
    ModuleStatus,
    Question,
)
from training.models.content import LessonImage


def _ids(modules: Iterable[Module | int]) -> list[int]:
    return [m if isinstance(m, int) else m.pk for m in modules]


# --- the interface other parts read -------------------------------------------------------------


def lesson_progress(*, user, modules: Iterable[Module | int]) -> dict[int, tuple[int, int]]:
    """For each module id: (lessons the person read, lessons in it). One query; a module without
    lessons is (0, 0)."""
    ids = _ids(modules)
    progress = dict.fromkeys(ids, (0, 0))
    if not ids:
        return progress
    user_id = getattr(user, "pk", None)
    rows = (
        Lesson.objects.filter(module_id__in=ids)
        .values("module_id")
        .annotate(
            total=Count("id", distinct=True), read=Count("reads", filter=Q(reads__user_id=user_id), distinct=True)
        )
    )
    for row in rows:
        progress[row["module_id"]] = (row["read"], row["total"])
    return progress


def prerequisites_of(modules: Iterable[Module | int]) -> dict[int, list[Module]]:
    """For each module id, its published prerequisites (one query). A prerequisite that is a draft
    or archived cannot be taken, so it does not hold anyone back."""
    ids = _ids(modules)
    found: dict[int, list[Module]] = {pk: [] for pk in ids}
    links = (
        Module.prerequisites.through.objects.filter(from_module_id__in=ids, to_module__status=ModuleStatus.PUBLISHED)
        .select_related("to_module")
        .order_by("to_module__position", "to_module__title")
    )
    for link in links:
        found[link.from_module_id].append(link.to_module)
    return found


def passed_ids(user) -> set[int]:
    """The modules whose quiz the person passed (training.selectors.quizzes; one query)."""
    from training.selectors.quizzes import modules_passed

    return modules_passed(user=user)


def modules_unlocked(*, user, modules: Iterable[Module | int], passed: set[int] | None = None) -> set[int]:
    """The ids of the modules whose (published) prerequisites the person has all passed; a module
    without prerequisites is always unlocked. Two queries (one when ``passed`` is given)."""
    ids = _ids(modules)
    if not ids:
        return set()
    prerequisites = prerequisites_of(ids)
    passed = passed_ids(user) if passed is None else passed
    return {pk for pk in ids if all(p.pk in passed for p in prerequisites[pk])}


# --- the catalogue ------------------------------------------------------------------------------


@dataclass
class CatalogueEntry:
    """A published module as one person sees it in the catalogue."""

    module: Module
    lessons_read: int
    lessons_total: int
    passed: bool
    unlocked: bool
    missing: list[Module] = field(default_factory=list)  # prerequisites still to pass

    @property
    def percent(self) -> int:
        if self.passed:
            return 100
        return round(100 * self.lessons_read / self.lessons_total) if self.lessons_total else 0

    @property
    def lessons_done(self) -> bool:
        return self.lessons_total > 0 and self.lessons_read >= self.lessons_total

    @property
    def state(self) -> str:
        """passed, locked (prerequisites first), quiz (lessons read), started, or new."""
        if self.passed:
            return "passed"
        if not self.unlocked:
            return "locked"
        if self.lessons_done:
            return "quiz"
        return "started" if self.lessons_read else "new"

    @property
    def state_label(self) -> str:
        return {
            "passed": "Passed",
            "locked": "Prerequisites first",
            "quiz": "Ready for the quiz",
            "started": "In progress",
            "new": "Not started",
        }[self.state]


def published_modules(*, user, level: str = "") -> QuerySet[Module]:
    """The modules a person may learn from (published), in catalogue order."""
    modules = permissions.modules_visible_to(user).filter(status=ModuleStatus.PUBLISHED)
    if level:
        modules = modules.filter(level=level)
    return modules.order_by("position", "title")


def catalogue_entries(*, user, modules: Iterable[Module]) -> list[CatalogueEntry]:
    """The given modules with the person's progress, passes and prerequisites: four queries."""
    modules = list(modules)
    ids = [m.pk for m in modules]
    progress = lesson_progress(user=user, modules=ids)
    prerequisites = prerequisites_of(ids)
    passed = passed_ids(user)
    entries = []
    for module in modules:
        read, total = progress[module.pk]
        missing = [p for p in prerequisites[module.pk] if p.pk not in passed]
        entries.append(
            CatalogueEntry(
                module=module,
                lessons_read=read,
                lessons_total=total,
                passed=module.pk in passed,
                unlocked=not missing,
                missing=missing,
            )
        )
    return entries


def catalogue(*, user, level: str = "") -> list[CatalogueEntry]:
    """Every published module, in catalogue order, as ``user`` stands with it (level, minutes,
    lessons read of lessons, passed, prerequisites met and which are missing). Four queries."""
    return catalogue_entries(user=user, modules=published_modules(user=user, level=level))


# --- a module and its lessons -------------------------------------------------------------------


def module_get(*, user, slug: str) -> Module:
    """A module the person may see (published; authors also drafts and archived ones), else 404."""
    return get_object_or_404(permissions.modules_visible_to(user), slug=slug)


def learner_module_get(*, user, slug: str) -> Module:
    """A module as learners see it: published only (authors preview drafts on their own pages)."""
    return get_object_or_404(permissions.modules_visible_to(user).filter(status=ModuleStatus.PUBLISHED), slug=slug)


@dataclass
class LessonRow:
    lesson: Lesson
    read: bool


@dataclass
class ModulePage:
    """What the module page shows one person."""

    module: Module
    lessons: list[LessonRow]
    prerequisites: list[tuple[Module, bool]]  # (module, passed)
    passed: bool
    active_questions: int

    @property
    def lessons_read(self) -> int:
        return sum(1 for row in self.lessons if row.read)

    @property
    def lessons_done(self) -> bool:
        return bool(self.lessons) and self.lessons_read == len(self.lessons)

    @property
    def unlocked(self) -> bool:
        return all(done for _, done in self.prerequisites)

    @property
    def missing(self) -> list[Module]:
        """Prerequisites still to pass."""
        return [module for module, done in self.prerequisites if not done]

    @property
    def percent(self) -> int:
        return round(100 * self.lessons_read / len(self.lessons)) if self.lessons else 0

    @property
    def next_lesson(self) -> Lesson | None:
        """Where to carry on: the first lesson not read yet (None when all are read)."""
        return next((row.lesson for row in self.lessons if not row.read), None)


def module_page(*, user, module: Module) -> ModulePage:
    """A module with its lessons (read or not), its prerequisites (passed or not) and the size of
    its bank. Four queries."""
    user_id = getattr(user, "pk", None)
    lessons = list(
        module.lessons.order_by("position", "id").annotate(
            was_read=Exists(LessonRead.objects.filter(lesson=OuterRef("pk"), user_id=user_id))
        )
    )
    passed = passed_ids(user)
    prerequisites = prerequisites_of([module.pk])[module.pk]
    return ModulePage(
        module=module,
        lessons=[LessonRow(lesson=lesson, read=lesson.was_read) for lesson in lessons],
        prerequisites=[(p, p.pk in passed) for p in prerequisites],
        passed=module.pk in passed,
        active_questions=module.questions.filter(is_active=True).count(),
    )


def lesson_at(*, module: Module, position: int) -> Lesson:
    lesson = module.lessons.filter(position=position).first()
    if lesson is None:
        raise Http404("This module has no lesson at that place.")
    return lesson


def image_addresses(module: Module) -> dict[str, str]:
    """The module's images by name, with the address lessons show them at (one query)."""
    return {image.name: image.get_absolute_url() for image in module.images.select_related("module")}


def lesson_image_get(*, user, slug: str, name: str) -> LessonImage:
    """An image of a module the person may see (images are not public files)."""
    return get_object_or_404(permissions.lesson_images_visible_to(user), module__slug=slug, name=name)


# --- authoring ----------------------------------------------------------------------------------


def modules_for_authoring(*, user, status: str = "", search: str = "") -> QuerySet[Module]:
    """Every module for authors, each with its lessons, active and inactive questions, learners who
    started it and attempts — counted in the one query."""
    if not permissions.can_author(user):
        return Module.objects.none()
    modules = permissions.modules_visible_to(user)
    if status:
        modules = modules.filter(status=status)
    if search:
        modules = modules.filter(Q(title__icontains=search) | Q(summary__icontains=search) | Q(slug__icontains=search))

    def per_module(queryset):
        return Coalesce(
            Subquery(queryset.order_by().values("module_id").annotate(n=Count("pk", distinct=True)).values("n")[:1]),
            0,
        )

    return modules.annotate(
        lessons_count=per_module(Lesson.objects.filter(module=OuterRef("pk"))),
        active_questions=per_module(Question.objects.filter(module=OuterRef("pk"), is_active=True)),
        inactive_questions=per_module(Question.objects.filter(module=OuterRef("pk"), is_active=False)),
        attempts_count=per_module(Attempt.objects.filter(module=OuterRef("pk"))),
        learners_count=Coalesce(
            Subquery(
                LessonRead.objects.filter(lesson__module=OuterRef("pk"))
                .order_by()
                .values("lesson__module")
                .annotate(n=Count("user", distinct=True))
                .values("n")[:1]
            ),
            0,
        ),
    ).order_by("position", "title")


def author_module_get(*, user, slug: str) -> Module:
    """A module for its authors (any status); 404 for those who may not author."""
    if not permissions.can_author(user):
        raise Http404("No such module.")
    return get_object_or_404(modules_for_authoring(user=user).prefetch_related("prerequisites"), slug=slug)


def author_lessons(module: Module) -> list[Lesson]:
    """The module's lessons in order, each with how many people read it (one query)."""
    return list(module.lessons.order_by("position", "id").annotate(readers=Count("reads")))


def question_bank(*, user, module: Module, include_inactive: bool = True) -> list[Question]:
    """The module's questions with their choices and whether attempts used them (two queries).
    Authors only: the bank carries the right answers."""
    questions = permissions.questions_visible_to(user).filter(module=module)
    if not include_inactive:
        questions = questions.filter(is_active=True)
    return list(
        questions.annotate(used=Exists(AttemptQuestion.objects.filter(question=OuterRef("pk"))))
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position", "id")))
        .order_by("-is_active", "position", "id")
    )


def question_get(*, user, module: Module, pk: int) -> Question:
    return get_object_or_404(permissions.questions_visible_to(user).filter(module=module), pk=pk)


def module_images(module: Module) -> list[LessonImage]:
    return list(module.images.select_related("module").order_by("name"))


def image_usage(module: Module) -> dict[str, list[int]]:
    """For each image name, the positions of the lessons that show it."""
    from training.lesson_text import image_references

    usage: dict[str, list[int]] = defaultdict(list)
    for position, body in module.lessons.order_by("position").values_list("position", "body"):
        for name in image_references(body):
            usage[name].append(position)
    return usage


def questions_for_authoring(*, user) -> QuerySet[Question]:
    """Every question of every bank for authors (none for anyone else), with its choices and whether
    attempts used it."""
    return (
        permissions.questions_visible_to(user)
        .select_related("module")
        .annotate(used=Exists(AttemptQuestion.objects.filter(question=OuterRef("pk"))))
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position", "id")))
        .order_by("module__position", "module__title", "position", "id")
    )
