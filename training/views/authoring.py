"""Authoring pages for CoE staff under /training/author/: every module with its status and counts;
a module's settings, prerequisites and quiz rules; its lessons (ordered, edited with a live
preview) and images; its question bank; a preview as a learner sees it (and a sample quiz that
scores nothing); publishing and archiving; export to JSON and import from it."""

from __future__ import annotations

import json
import random

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe.errors import DomainError
from coe.forms import form_add_domain_error
from training import permissions
from training.forms.content import (
    ChoiceFormSet,
    LessonForm,
    LessonImageForm,
    ModuleForm,
    ModuleImportForm,
    QuestionForm,
    choice_rows,
)
from training.lesson_text import render_lesson
from training.models import Module, ModuleStatus, QuestionKind
from training.selectors import content as selectors
from training.services import content as services
from training.services.content_format import MAX_CHOICES
from training.views.content import lesson_context, module_context

PREVIEW_MAX_CHARS = 100_000
NEW_CHOICE_ROWS = 4


def _require_author(user) -> None:
    if not permissions.can_author(user):
        raise PermissionDenied("Authoring training is for the CoE team.")


def _module(request: HttpRequest, slug: str) -> Module:
    _require_author(request.user)
    return selectors.author_module_get(user=request.user, slug=slug)


def _back(module: Module) -> HttpResponse:
    return redirect("training:author_module", slug=module.slug)


# --- modules ------------------------------------------------------------------------------------


@require_GET
def author_modules(request: HttpRequest) -> HttpResponse:
    _require_author(request.user)
    status = request.GET.get("status", "")
    if status not in ModuleStatus.values:
        status = ""
    search = request.GET.get("q", "").strip()[:100]
    modules = list(selectors.modules_for_authoring(user=request.user, status=status, search=search))
    context = {"modules": modules, "status": status, "search": search, "statuses": ModuleStatus.choices}
    template = "training/partials/_author_module_table.html" if request.htmx else "training/author_modules.html"
    return render(request, template, context)


def _prerequisite_choices(user, module: Module | None):
    choices = permissions.modules_visible_to(user).exclude(status=ModuleStatus.ARCHIVED).order_by("position", "title")
    return choices.exclude(pk=module.pk) if module is not None else choices


@require_http_methods(["GET", "POST"])
def author_module_create(request: HttpRequest) -> HttpResponse:
    _require_author(request.user)
    form = ModuleForm(request.POST or None, prerequisite_choices=_prerequisite_choices(request.user, None))
    if request.method == "POST" and form.is_valid():
        try:
            module = services.module_create(actor=request.user, fields=form.settings())
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"“{module}” is started as a draft. Write its lessons and questions next.")
            return _back(module)
    return render(request, "training/author_module_form.html", {"form": form, "module": None})


@require_http_methods(["GET", "POST"])
def author_module_edit(request: HttpRequest, slug: str) -> HttpResponse:
    module = _module(request, slug)
    form = ModuleForm(
        request.POST or None, instance=module, prerequisite_choices=_prerequisite_choices(request.user, module)
    )
    if request.method == "POST" and form.is_valid():
        try:
            module = services.module_update(actor=request.user, module=module, changes=form.settings())
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"The settings of “{module}” are saved.")
            return _back(module)
    return render(request, "training/author_module_form.html", {"form": form, "module": module})


@require_GET
def author_module(request: HttpRequest, slug: str) -> HttpResponse:
    module = _module(request, slug)
    bank = selectors.question_bank(user=request.user, module=module)
    usage = selectors.image_usage(module)
    context = {
        "module": module,
        "lessons": selectors.author_lessons(module),
        "problems": services.module_problems(module),
        "prerequisites": list(module.prerequisites.order_by("position", "title")),
        "active_questions": sum(1 for q in bank if q.is_active),
        "inactive_questions": sum(1 for q in bank if not q.is_active),
        "kinds": {kind: sum(1 for q in bank if q.is_active and q.kind == kind) for kind in QuestionKind.values},
        "images": [(image, usage.get(image.name, [])) for image in selectors.module_images(module)],
        "image_form": LessonImageForm(),
        "tracks": services.tracks_needing(module),
    }
    return render(request, "training/author_module.html", context)


def _transition(request: HttpRequest, slug: str, service, done: str) -> HttpResponse:
    module = _module(request, slug)
    try:
        module = service(actor=request.user, module=module)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done.format(module=module))
    return _back(module)


@require_POST
def author_module_publish(request: HttpRequest, slug: str) -> HttpResponse:
    return _transition(request, slug, services.module_publish, "“{module}” is published: learners see it now.")


@require_POST
def author_module_archive(request: HttpRequest, slug: str) -> HttpResponse:
    return _transition(
        request, slug, services.module_archive, "“{module}” is archived: learners no longer see it; records stay."
    )


@require_POST
def author_module_restore(request: HttpRequest, slug: str) -> HttpResponse:
    return _transition(request, slug, services.module_restore, "“{module}” is a draft again.")


@require_POST
def author_module_delete(request: HttpRequest, slug: str) -> HttpResponse:
    module = _module(request, slug)
    try:
        services.module_delete(actor=request.user, module=module)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(module)
    messages.success(request, f"The draft “{module}” is deleted.")
    return redirect("training:author_modules")


# --- export and import --------------------------------------------------------------------------


@require_GET
def author_module_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The module as a JSON file (its lessons, images and question bank with the answers)."""
    module = _module(request, slug)
    document = services.module_export(actor=request.user, module=module)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n", content_type="application/json; charset=utf-8"
    )
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    response["Content-Disposition"] = f'attachment; filename="{module.slug}-{stamp}.json"'
    return response


@require_http_methods(["GET", "POST"])
def author_module_import(request: HttpRequest) -> HttpResponse:
    """Upload a module file: “Check” shows what it holds and every problem; “Import” writes it (all or
    nothing) as a draft."""
    _require_author(request.user)
    form = ModuleImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        options = {"slug": form.cleaned_data["slug"] or None, "rename_if_taken": form.cleaned_data["rename_if_taken"]}
        if "check" in request.POST:
            report = services.module_import_check(actor=request.user, data=data, **options)
        else:
            try:
                report = services.module_import(actor=request.user, data=data, **options)
            except services.ImportRefused as refused:
                report = refused.report
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                renamed = f" (the slug “{report.slug_taken}” was taken)" if report.slug_taken else ""
                messages.success(
                    request,
                    f"“{report.module}” is imported as a draft at /training/modules/{report.module.slug}/{renamed}: "
                    f"{report.lessons} lessons, {report.questions} questions, {report.images} images. Read it over, "
                    "then publish it.",
                )
                for warning in report.warnings:
                    messages.warning(request, warning)
                return _back(report.module)
    return render(request, "training/author_import.html", {"form": form, "report": report})


# --- lessons ------------------------------------------------------------------------------------


def _lesson(module: Module, pk: int):
    return get_object_or_404(module.lessons.all(), pk=pk)


def _lesson_form_page(request: HttpRequest, module: Module, form: LessonForm, lesson=None) -> HttpResponse:
    body = form["body"].value() or ""
    context = {
        "module": module,
        "lesson": lesson,
        "form": form,
        "preview": render_lesson(body[:PREVIEW_MAX_CHARS], selectors.image_addresses(module)),
        "images": selectors.module_images(module),
    }
    return render(request, "training/author_lesson_form.html", context)


@require_http_methods(["GET", "POST"])
def author_lesson_create(request: HttpRequest, slug: str) -> HttpResponse:
    module = _module(request, slug)
    form = LessonForm(request.POST or None, initial={"estimated_minutes": 5})
    if request.method == "POST" and form.is_valid():
        try:
            lesson = services.lesson_create(actor=request.user, module=module, **form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Lesson {lesson.position} “{lesson.title}” is added.")
            return _back(module)
    return _lesson_form_page(request, module, form)


@require_http_methods(["GET", "POST"])
def author_lesson_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    module = _module(request, slug)
    lesson = _lesson(module, pk)
    form = LessonForm(request.POST or None, instance=lesson)
    if request.method == "POST" and form.is_valid():
        try:
            lesson = services.lesson_update(actor=request.user, lesson=lesson, changes=form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Lesson {lesson.position} “{lesson.title}” is saved.")
            return _back(module)
    return _lesson_form_page(request, module, form, lesson)


@require_POST
def author_lesson_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    module = _module(request, slug)
    lesson = _lesson(module, pk)
    try:
        services.lesson_delete(actor=request.user, lesson=lesson)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The lesson “{lesson.title}” is removed.")
    return _back(module)


@require_POST
def author_lesson_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One place up or down; htmx swaps the list in place."""
    module = _module(request, slug)
    lesson = _lesson(module, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    error = ""
    try:
        services.lesson_move(actor=request.user, lesson=lesson, offset=offset)
    except DomainError as exc:
        error = exc.message
    if request.htmx:
        context = {"module": module, "lessons": selectors.author_lessons(module), "error": error, "moved": lesson.pk}
        return render(request, "training/partials/_author_lessons.html", context)
    if error:
        messages.error(request, error)
    return _back(module)


@require_POST
def author_markdown_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """A lesson's text as learners will read it, while it is typed (htmx)."""
    module = _module(request, slug)
    body = request.POST.get("body", "")[:PREVIEW_MAX_CHARS]
    html = render_lesson(body, selectors.image_addresses(module))
    return render(request, "training/partials/_lesson_text.html", {"text": html})


# --- images -------------------------------------------------------------------------------------


@require_POST
def author_image_upload(request: HttpRequest, slug: str) -> HttpResponse:
    module = _module(request, slug)
    form = LessonImageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose an image file to upload.")
        return redirect(f"{_back(module).url}#images")
    try:
        image = services.lesson_image_upload(
            actor=request.user,
            module=module,
            upload=form.cleaned_data["file"],
            name=form.cleaned_data["name"],
            alt_text=form.cleaned_data["alt_text"],
            replace=form.cleaned_data["replace"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"The image is kept as “{image.name}”: show it in a lesson with "
            f"![{image.alt_text or 'What it shows'}](image:{image.name}).",
        )
    return redirect(f"{_back(module).url}#images")


@require_POST
def author_image_delete(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    module = _module(request, slug)
    image = get_object_or_404(module.images.all(), name=name)
    try:
        services.lesson_image_delete(actor=request.user, image=image)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The image “{name}” is removed.")
    return redirect(f"{_back(module).url}#images")


# --- questions ----------------------------------------------------------------------------------


@require_GET
def author_questions(request: HttpRequest, slug: str) -> HttpResponse:
    module = _module(request, slug)
    bank = selectors.question_bank(user=request.user, module=module)
    active = sum(1 for q in bank if q.is_active)
    context = {
        "module": module,
        "bank": bank,
        "active_count": active,
        "missing": max(0, module.questions_per_attempt - active),
    }
    return render(request, "training/author_questions.html", context)


def _question_forms(request: HttpRequest, question=None):
    if request.method == "POST":
        return QuestionForm(request.POST), ChoiceFormSet(request.POST, prefix="choices")
    if question is None:
        initial, rows = {"kind": QuestionKind.SINGLE}, []
    else:
        choices = list(question.choices.order_by("position", "id"))
        initial = {"kind": question.kind, "text": question.text, "explanation": question.explanation}
        right = next((c for c in choices if c.is_correct), None)
        if question.kind == QuestionKind.TRUE_FALSE and right is not None:
            initial["true_false_answer"] = right.text.lower()
        rows = [{"id": c.pk, "text": c.text, "is_correct": c.is_correct} for c in choices]
    # a few empty rows to add choices in (up to the most a question may have)
    blank = min(MAX_CHOICES, max(NEW_CHOICE_ROWS, len(rows) + 2)) - len(rows)
    return QuestionForm(initial=initial), ChoiceFormSet(initial=rows + [{}] * blank, prefix="choices")


def _choices_for(form: QuestionForm, formset) -> list[dict]:
    if form.cleaned_data["kind"] == QuestionKind.TRUE_FALSE:
        answer = form.cleaned_data["true_false_answer"]
        return [{"text": "True", "is_correct": answer == "true"}, {"text": "False", "is_correct": answer == "false"}]
    return choice_rows(formset)


@require_http_methods(["GET", "POST"])
def author_question_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    module = _module(request, slug)
    question = selectors.question_get(user=request.user, module=module, pk=pk) if pk else None
    form, formset = _question_forms(request, question)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = services.question_save(
                actor=request.user,
                module=module,
                question=question,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                explanation=form.cleaned_data["explanation"],
                choices=_choices_for(form, formset),
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            if question is not None and saved.pk != question.pk:
                messages.info(
                    request,
                    "Attempts had already used this question, so your edit is a new question and the original "
                    "is kept, deactivated: old attempts still read as they were answered.",
                )
            messages.success(request, "The question is saved.")
            if "add_another" in request.POST:
                return redirect("training:author_question_create", slug=module.slug)
            return redirect("training:author_questions", slug=module.slug)
    context = {
        "module": module,
        "question": question,
        "form": form,
        "formset": formset,
        "used": bool(question and services.question_used(question)),
    }
    return render(request, "training/author_question_form.html", context)


@require_POST
def author_question_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    module = _module(request, slug)
    question = selectors.question_get(user=request.user, module=module, pk=pk)
    try:
        outcome = services.question_remove(actor=request.user, question=question)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if outcome == "deleted":
            messages.success(request, "The question is deleted.")
        else:
            messages.success(
                request,
                "Attempts have used this question, so it is deactivated rather than deleted: it is no "
                "longer drawn, and old attempts still read right.",
            )
    return redirect("training:author_questions", slug=module.slug)


@require_POST
def author_question_activate(request: HttpRequest, slug: str, pk: int, active: bool) -> HttpResponse:
    module = _module(request, slug)
    question = selectors.question_get(user=request.user, module=module, pk=pk)
    try:
        services.question_set_active(actor=request.user, question=question, active=active)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The question is {'drawn again' if active else 'no longer drawn'}.")
    return redirect("training:author_questions", slug=module.slug)


# --- preview as a learner -------------------------------------------------------------------------


@require_GET
def author_module_preview(request: HttpRequest, slug: str) -> HttpResponse:
    module = _module(request, slug)
    context = module_context(user=request.user, module=module, preview=True)
    return render(request, "training/module_detail.html", context)


@require_GET
def author_lesson_preview(request: HttpRequest, slug: str, position: int) -> HttpResponse:
    module = _module(request, slug)
    context = lesson_context(user=request.user, module=module, position=position, preview=True)
    return render(request, "training/lesson_detail.html", context)


@require_GET
def author_quiz_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """A sample attempt drawn the way the quiz draws one (N active questions, shuffled, choices
    shuffled), shown as a learner sees it. Nothing is recorded or scored; “Show the answer key”
    marks the right choices for the author."""
    module = _module(request, slug)
    bank = selectors.question_bank(user=request.user, module=module, include_inactive=False)
    if not bank:
        raise Http404("This module has no active questions to preview yet.")
    rng = random.Random()  # noqa: S311 - a sample for authors, not a security decision
    drawn = rng.sample(bank, min(module.questions_per_attempt, len(bank)))
    sample = []
    for question in drawn:
        choices = list(question.choices.all())
        rng.shuffle(choices)
        sample.append((question, choices))
    context = {"module": module, "sample": sample, "answers": request.GET.get("answers") == "1", "bank_size": len(bank)}
    return render(request, "training/author_quiz_preview.html", context)
