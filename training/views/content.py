"""The learner's pages of training content: the catalogue of modules, a module (its lessons with
read ticks, its prerequisites, the quiz's rules and where the person stands with it) and a lesson
(sanitized Markdown with the module's images, previous and next). A lesson counts as read when the
person says so with “I've read this” at its end (a POST: opening a page never changes anything).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from coe.errors import DomainError
from training import permissions
from training.lesson_text import rendered_lesson
from training.models import Level, ModuleStatus
from training.selectors import content as selectors
from training.services import content as services


def quiz_url(module) -> str:
    """The quiz page of a module (training.views.quizzes), or "" while that page is not there."""
    try:
        return reverse("training:quiz", kwargs={"slug": module.slug})
    except NoReverseMatch:
        return ""


def quiz_result(*, user, module):
    """Where the person stands with the module's quiz (training.selectors.quizzes)."""
    from training.selectors.quizzes import module_results

    return module_results(user=user, modules=[module]).get(module.pk)


def _learner_module(request: HttpRequest, slug: str):
    """A published module, or for an author a draft/archived one sent to its preview."""
    module = selectors.module_get(user=request.user, slug=slug)
    if module.status != ModuleStatus.PUBLISHED:
        return module, redirect("training:author_module_preview", slug=module.slug)
    return module, None


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Every published module with the person's progress; filter by level."""
    level = request.GET.get("level", "")
    if level not in Level.values:
        level = ""
    entries = selectors.catalogue(user=request.user, level=level)
    context = {
        "entries": entries,
        "level": level,
        "levels": Level.choices,
        "can_author": permissions.can_author(request.user),
    }
    return render(request, "training/catalogue.html", context)


def module_context(*, user, module, preview: bool = False) -> dict:
    page = selectors.module_page(user=user, module=module)
    return {
        "module": module,
        "page": page,
        "preview": preview,
        "result": None if preview else quiz_result(user=user, module=module),
        "quiz_url": quiz_url(module),
        "can_author": permissions.can_author(user),
    }


@require_GET
def module_detail(request: HttpRequest, slug: str) -> HttpResponse:
    module, elsewhere = _learner_module(request, slug)
    if elsewhere:
        return elsewhere
    return render(request, "training/module_detail.html", module_context(user=request.user, module=module))


def lesson_context(*, user, module, position: int, preview: bool = False) -> dict:
    lesson = selectors.lesson_at(module=module, position=position)
    page = selectors.module_page(user=user, module=module)
    rows = page.lessons
    index = next(i for i, row in enumerate(rows) if row.lesson.pk == lesson.pk)
    return {
        "module": module,
        "page": page,
        "lesson": lesson,
        "read": rows[index].read,
        "text": rendered_lesson(lesson, selectors.image_addresses(module)),
        "previous": rows[index - 1].lesson if index > 0 else None,
        "next": rows[index + 1].lesson if index + 1 < len(rows) else None,
        "preview": preview,
        "quiz_url": quiz_url(module),
    }


@require_GET
def lesson_detail(request: HttpRequest, slug: str, position: int) -> HttpResponse:
    module, elsewhere = _learner_module(request, slug)
    if elsewhere:
        return elsewhere
    context = lesson_context(user=request.user, module=module, position=position)
    return render(request, "training/lesson_detail.html", context)


@require_POST
def lesson_read(request: HttpRequest, slug: str, position: int) -> HttpResponse:
    """“I've read this”: recorded once, then on to the next lesson (or back to the module, where
    the quiz waits once every lesson is read)."""
    module = selectors.learner_module_get(user=request.user, slug=slug)
    lesson = selectors.lesson_at(module=module, position=position)
    error = ""
    try:
        services.lesson_mark_read(user=request.user, lesson=lesson)
    except DomainError as exc:
        error = exc.message
    if request.htmx:
        context = lesson_context(user=request.user, module=module, position=position)
        context["error"] = error
        return render(request, "training/partials/_lesson_read_panel.html", context)
    if error:
        messages.error(request, error)
        return redirect("training:lesson_detail", slug=module.slug, position=position)
    following = module.lessons.filter(position__gt=lesson.position).order_by("position").first()
    if following is not None:
        return redirect("training:lesson_detail", slug=module.slug, position=following.position)
    messages.success(request, f"You have read every lesson of “{module}”.")
    return redirect(module)


@require_GET
def lesson_image(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """An image of a module's lessons, for those who may see the module (images are not public)."""
    image = selectors.lesson_image_get(user=request.user, slug=slug, name=name)
    response = FileResponse(image.file.open("rb"), content_type=image.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
