"""Quiz pages: a module's quiz (the rules, where the person stands, start or resume), an attempt
(answering with answers saved as you go, then the result and feedback), the list of attempts, and
the CoE's accommodations.

Nothing on a page before submission is derived from which answers are right: choices are shown
in the order drawn for the attempt and named by their place in it (1, 2, 3 …), never by their id."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe.errors import DomainError
from coe.forms import form_add_domain_error
from training import permissions
from training.forms.quizzes import AccommodationForm, AttemptFilterForm
from training.models import Accommodation, Attempt, Module, Question
from training.selectors import quizzes as selectors
from training.selectors.content import lesson_progress, modules_unlocked
from training.services import quizzes as services
from training.services.certification import tracks_for_modules

ATTEMPTS_PER_PAGE = 50
ACCOMMODATIONS_PER_PAGE = 50


def _module_get(user, slug: str) -> Module:
    return get_object_or_404(permissions.modules_visible_to(user), slug=slug)


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _int(value) -> int | None:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() else None


# --- the quiz page ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def quiz(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the quiz's rules and the person's standing. POST: start an attempt (or resume the
    open one) and go to it."""
    user = request.user
    if not permissions.can_learn(user):
        raise PermissionDenied("Sign in to take a quiz.")
    module = _module_get(user, slug)
    if request.method == "POST":
        try:
            attempt = services.attempt_start(actor=user, module=module)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("training:quiz", slug=module.slug)
        return redirect("training:attempt_detail", pk=attempt.pk)
    result = selectors.module_results(user=user, modules=[module])[module.pk]
    read, total = lesson_progress(user=user, modules=[module]).get(module.pk, (0, 0))
    unlocked = module.pk in modules_unlocked(user=user, modules=[module])
    passed_ids = selectors.modules_passed(user=user) if not unlocked else set()
    context = {
        "module": module,
        "result": result,
        "attempts": list(reversed(result.attempts)),
        "lessons_read": read,
        "lessons_total": total,
        "unlocked": unlocked,
        "missing_prerequisites": [
            m for m in module.prerequisites.order_by("position", "title") if m.pk not in passed_ids
        ]
        if not unlocked
        else [],
        "bank_size": Question.objects.filter(module=module, is_active=True).count(),
        "tracks": tracks_for_modules([module.pk]),
        "can_grant": permissions.can_grant_accommodation(user),
        "now": timezone.now(),
    }
    return render(request, "training/quiz.html", context)


# --- an attempt ---------------------------------------------------------------------------------


def _result_context(request: HttpRequest, attempt: Attempt) -> dict:
    user = request.user
    owner = attempt.user
    module = attempt.module
    standing = selectors.module_results(user=owner, modules=[module])[module.pk]
    show_feedback = selectors.feedback_visible(viewer=user, attempt=attempt, module_passed=standing.passed)
    return {
        "standing": standing,
        "show_feedback": show_feedback,
        "questions": selectors.attempt_questions(attempt=attempt, with_feedback=True) if show_feedback else [],
        "earned": selectors.issued_by_attempt(attempt=attempt),
        "tracks": tracks_for_modules([module.pk]),
    }


@require_GET
def attempt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """While open, its owner answers it here; once closed, anyone who may see it sees the score
    and the feedback the module allows."""
    user = request.user
    attempt = selectors.attempt_get(user=user, pk=pk)
    if attempt.status == Attempt.Status.IN_PROGRESS and services.attempt_expire_if_due(attempt=attempt):
        attempt = selectors.attempt_get(user=user, pk=pk)
        if attempt.user_id == user.pk:
            messages.warning(request, "Time ran out on this attempt; it was scored on the answers saved in time.")
    is_owner = attempt.user_id == user.pk
    context = {"attempt": attempt, "module": attempt.module, "is_owner": is_owner, "now": timezone.now()}
    if attempt.status == Attempt.Status.IN_PROGRESS:
        questions = selectors.attempt_questions(attempt=attempt, with_feedback=False)
        context.update(
            {
                "questions": questions,
                "answered": sum(1 for q in questions if q.answered),
                "remaining_seconds": max(0, int((attempt.deadline_at - timezone.now()).total_seconds()))
                if attempt.deadline_at
                else None,
            }
        )
        return render(request, "training/attempt_take.html" if is_owner else "training/attempt_open.html", context)
    context.update(_result_context(request, attempt))
    return render(request, "training/attempt_result.html", context)


def _choice_ids(attempt_question, keys: list[str]) -> list[int] | None:
    """The choices behind the places (1, 2, 3 …) the person picked; None when a place is unknown."""
    order = list(attempt_question.choice_order)
    ids = []
    for key in keys:
        index = _int(key)
        if index is None or not 1 <= index <= len(order):
            return None
        ids.append(order[index - 1])
    return ids


def _owner_attempt(request: HttpRequest, pk: int) -> Attempt:
    attempt = selectors.attempt_get(user=request.user, pk=pk)
    if attempt.user_id != request.user.pk:
        raise PermissionDenied("Only the person taking a quiz answers it.")
    return attempt


@require_POST
def attempt_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Save one question's answer (htmx, as the person picks; or a plain POST without JavaScript)."""
    attempt = _owner_attempt(request, pk)
    position = _int(request.POST.get("position"))
    item = attempt.questions.filter(position=position).first() if position else None
    error = saved = None
    closed = False
    if item is None:
        error = "This question is not part of your attempt; reload the page."
    else:
        ids = _choice_ids(item, request.POST.getlist(f"q{position}"))
        if ids is None:
            error = "Choose among the answers shown; reload the page if they look wrong."
        else:
            try:
                saved = services.attempt_answer(actor=request.user, attempt=attempt, position=position, choice_ids=ids)
            except DomainError as exc:
                error = exc.message
                closed = exc.code in {"time_up", "attempt_closed"}
    url = reverse("training:attempt_detail", kwargs={"pk": attempt.pk})
    if request.htmx:
        if closed:
            response = HttpResponse("")
            response["HX-Redirect"] = url  # htmx loads the result page
            if error:
                messages.warning(request, error)
            return response
        context = {"position": position, "error": error, "saved": saved}
        return render(request, "training/partials/_answer_status.html", context)
    if error:
        messages.error(request, error)
    return redirect(f"{url}#q{position or ''}")


@require_POST
def attempt_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit for scoring. Answers in the form are saved first, so the page works without
    JavaScript too (and nothing picked in the last second before clicking is lost)."""
    attempt = _owner_attempt(request, pk)
    url = reverse("training:attempt_detail", kwargs={"pk": attempt.pk})
    shown = {_int(value) for value in request.POST.getlist("shown")} - {None}
    if shown and attempt.status == Attempt.Status.IN_PROGRESS:
        items = {item.position: item for item in attempt.questions.filter(position__in=shown)}
        for position, item in sorted(items.items()):
            ids = _choice_ids(item, request.POST.getlist(f"q{position}"))
            if ids is None or ids == list(item.selected):
                continue
            try:
                services.attempt_answer(actor=request.user, attempt=attempt, position=position, choice_ids=ids)
            except DomainError as error:
                if error.code in {"time_up", "attempt_closed"}:
                    messages.warning(request, error.message)
                    return redirect(url)
                messages.error(request, error.message)
                return redirect(f"{url}#q{position}")
    try:
        attempt = services.attempt_submit(actor=request.user, attempt=attempt)
    except DomainError as error:
        messages.info(request, error.message)
        return redirect(url)
    if attempt.status == Attempt.Status.TIMED_OUT:
        messages.warning(request, "Time had run out: your attempt was scored on the answers saved in time.")
    return redirect(url)


# --- lists --------------------------------------------------------------------------------------


@require_GET
def attempt_list(request: HttpRequest) -> HttpResponse:
    """One's own attempts; everyone's for CoE staff, filtered by module, person, status, result."""
    user = request.user
    if not permissions.can_learn(user):
        raise PermissionDenied("Sign in to see your attempts.")
    modules = permissions.modules_visible_to(user).order_by("position", "title")
    form = AttemptFilterForm(request.GET or None, modules=modules)
    filters = form.cleaned_data if form.is_valid() else {}
    attempts = selectors.attempts_list(
        user=user,
        module=filters.get("module", ""),
        person=filters.get("person", "") if permissions.can_view_all_attempts(user) else "",
        status=filters.get("status", ""),
        result=filters.get("result", ""),
    )
    page = Paginator(attempts, ATTEMPTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form,
        "everyone": permissions.can_view_all_attempts(user),
        "query": query_without_page(request),
    }
    template = "training/partials/_attempt_table.html" if request.htmx else "training/attempt_list.html"
    return render(request, template, context)


# --- accommodations (CoE staff) -------------------------------------------------------------------


def _require_granter(user) -> None:
    if not permissions.can_grant_accommodation(user):
        raise PermissionDenied("Accommodations are granted by the CoE team.")


@require_http_methods(["GET", "POST"])
def accommodations(request: HttpRequest) -> HttpResponse:
    """Grant extra time or attempts (with the reason) and see every grant."""
    user = request.user
    _require_granter(user)
    people = get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")
    modules = permissions.modules_visible_to(user).order_by("position", "title")
    initial = {}
    if person := request.GET.get("person"):
        initial["user"] = people.filter(username=person).first()
    if module_slug := request.GET.get("module"):
        initial["module"] = modules.filter(slug=module_slug).first()
    form = AccommodationForm(request.POST or None, people=people, modules=modules, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            granted = services.accommodation_grant(
                actor=user,
                user=data["user"],
                module=data["module"],
                extra_minutes=data["extra_minutes"],
                extra_attempts=data["extra_attempts"],
                reason=data["reason"],
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Granted to {granted.user}: they have been told.")
            return redirect("training:accommodations")
    listed = selectors.accommodations_list(
        user=user, person=request.GET.get("filter_person", ""), module=request.GET.get("filter_module", "")
    )
    page = Paginator(listed, ACCOMMODATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "training/accommodations.html", {"form": form, "page": page})


@require_POST
def accommodation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_granter(user)
    accommodation = get_object_or_404(Accommodation, pk=pk)
    try:
        services.accommodation_withdraw(actor=user, accommodation=accommodation)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The accommodation of {accommodation.user} was withdrawn.")
    return redirect("training:accommodations")
