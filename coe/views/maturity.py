"""Maturity pages: the overview (chart, level and stage, history, next steps), taking an
assessment, an assessment's detail, the question bank and the recommendation table."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe import maturity_bank, permissions
from coe.errors import DomainError
from coe.forms import form_add_domain_error
from coe.forms.maturity import MaturityQuestionForm, MaturityRecommendationForm, MaturityStartForm
from coe.models import MaturityAssessment
from coe.selectors import maturity as selectors
from coe.services import maturity as services


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _flags(user) -> dict:
    return {
        "can_take": permissions.can_take_maturity(user),
        "can_edit_questions": permissions.can_edit_maturity_questions(user),
        "can_edit_recommendations": permissions.can_edit_maturity_recommendations(user),
    }


@require_GET
def maturity(request: HttpRequest) -> HttpResponse:
    """CoE staff and leadership read; the CoE manager starts assessments from here."""
    _require(permissions.can_view_maturity(request.user))
    context = {
        **selectors.maturity_overview(user=request.user),
        **_flags(request.user),
        "levels": maturity_bank.LEVELS.items(),
        "stages": maturity_bank.STAGES.items(),
        "start_form": MaturityStartForm(),
    }
    return render(request, "coe/maturity/overview.html", context)


@require_POST
def maturity_start(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_take_maturity(request.user))
    form = MaturityStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the whole company or an existing department.")
        return redirect("coe:maturity")
    try:
        assessment = services.assessment_start(actor=request.user, department=form.cleaned_data["department"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("coe:maturity")
    return redirect("coe:maturity_take", pk=assessment.pk)


def _answers_from(post) -> tuple[dict[int, int], dict[int, str]]:
    answers, notes = {}, {}
    for key, value in post.items():
        if key.startswith("q_") and key[2:].isdigit() and value != "":
            try:
                answers[int(key[2:])] = int(value)
            except ValueError:
                answers[int(key[2:])] = -1  # refused by the service with a clear message
        elif key.startswith("note_") and key[5:].isdigit():
            notes[int(key[5:])] = value.strip()
    return answers, notes


@require_http_methods(["GET", "POST"])
def maturity_take(request: HttpRequest, pk: int) -> HttpResponse:
    """All questions grouped by competency with the facts beside them; answers save as you go
    (htmx on every change) or with the Save button; Complete scores the assessment."""
    assessment = get_object_or_404(selectors.assessments_visible_to(request.user), pk=pk)
    _require(permissions.can_take_maturity(request.user))
    if assessment.status == MaturityAssessment.Status.COMPLETED:
        return redirect("coe:maturity_detail", pk=assessment.pk)
    error = None
    if request.method == "POST":
        answers, notes = _answers_from(request.POST)
        try:
            services.assessment_answers_save(actor=request.user, assessment=assessment, answers=answers, notes=notes)
            if request.POST.get("action") == "complete":
                services.assessment_complete(actor=request.user, assessment=assessment)
                messages.success(request, "Assessment completed.")
                return redirect("coe:maturity_detail", pk=assessment.pk)
        except DomainError as exc:
            error = exc.message
        if getattr(request, "htmx", False) and not error:
            answered = assessment.answers.count()
            return render(request, "coe/maturity/partials/_saved.html", {"answered": answered})
        if not error:
            messages.success(request, "Answers saved. You can come back and finish later.")
            return redirect("coe:maturity_take", pk=assessment.pk)
    groups = selectors.questionnaire(assessment=assessment)
    total = sum(len(g["items"]) for g in groups)
    answered = sum(1 for g in groups for item in g["items"] if item["answer"] is not None)
    context = {
        "assessment": assessment,
        "groups": groups,
        "facts": services.maturity_facts(department=assessment.department),
        "total": total,
        "answered": answered,
        "error": error,
        "scale": [(0, "Not at all"), (1, "A little"), (2, "Partly"), (3, "Mostly"), (4, "Fully, everywhere")],
    }
    return render(request, "coe/maturity/take.html", context, status=400 if error else 200)


@require_GET
def maturity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(selectors.assessments_visible_to(request.user), pk=pk)
    if assessment.status != MaturityAssessment.Status.COMPLETED:
        if permissions.can_take_maturity(request.user):
            return redirect("coe:maturity_take", pk=assessment.pk)
        return render(request, "coe/maturity/detail.html", {"assessment": assessment, "result": None})
    scope = selectors.assessments_visible_to(request.user).filter(
        department=assessment.department,
        status=MaturityAssessment.Status.COMPLETED,
        completed_at__lt=assessment.completed_at,
    )
    previous = scope.order_by("-completed_at").first()
    result = selectors.result_of(assessment, previous)
    recommendations = list(selectors.recommendations_visible_to(request.user).filter(is_active=True))
    context = {
        "assessment": assessment,
        "result": result,
        "previous": previous,
        "groups": selectors.answered_rows(assessment=assessment),
        "next_steps": selectors.next_steps(result.scores, recommendations),
        "chart": selectors.chart_data(assessment, previous, []),
    }
    return render(request, "coe/maturity/detail.html", context)


@require_http_methods(["GET", "POST"])
def maturity_questions(request: HttpRequest) -> HttpResponse:
    """The question bank; the CoE manager adds statements here."""
    _require(permissions.can_view_maturity(request.user))
    can_edit = permissions.can_edit_maturity_questions(request.user)
    form = MaturityQuestionForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        _require(can_edit)
        if form.is_valid():
            try:
                services.question_create(actor=request.user, **form.cleaned_data)
                messages.success(request, "Question added.")
                return redirect("coe:maturity_questions")
            except DomainError as error:
                form_add_domain_error(form, error)
    questions = selectors.in_competency_order(selectors.questions_visible_to(request.user))
    return render(request, "coe/maturity/questions.html", {"questions": questions, "form": form, "can_edit": can_edit})


@require_http_methods(["GET", "POST"])
def maturity_question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(selectors.questions_visible_to(request.user), pk=pk)
    _require(permissions.can_edit_maturity_questions(request.user))
    form = MaturityQuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            question.refresh_from_db()
            services.question_update(actor=request.user, question=question, changes=changes)
            messages.success(request, "Question saved.")
            return redirect("coe:maturity_questions")
        except DomainError as error:
            form_add_domain_error(form, error)
    return render(
        request, "coe/maturity/edit.html", {"form": form, "title": "Edit question", "back": "coe:maturity_questions"}
    )


@require_http_methods(["GET", "POST"])
def maturity_recommendations(request: HttpRequest) -> HttpResponse:
    """The recommendation table: next steps per competency, shown when it scores below a threshold."""
    _require(permissions.can_view_maturity(request.user))
    can_edit = permissions.can_edit_maturity_recommendations(request.user)
    form = MaturityRecommendationForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        _require(can_edit)
        if form.is_valid():
            try:
                services.recommendation_create(actor=request.user, **form.cleaned_data)
                messages.success(request, "Next step added.")
                return redirect("coe:maturity_recommendations")
            except DomainError as error:
                form_add_domain_error(form, error)
    recommendations = selectors.in_competency_order(selectors.recommendations_visible_to(request.user))
    return render(
        request,
        "coe/maturity/recommendations.html",
        {"recommendations": recommendations, "form": form, "can_edit": can_edit},
    )


@require_http_methods(["GET", "POST"])
def maturity_recommendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_object_or_404(selectors.recommendations_visible_to(request.user), pk=pk)
    _require(permissions.can_edit_maturity_recommendations(request.user))
    if request.method == "POST" and request.POST.get("action") == "delete":
        services.recommendation_delete(actor=request.user, recommendation=recommendation)
        messages.success(request, "Next step deleted.")
        return redirect("coe:maturity_recommendations")
    form = MaturityRecommendationForm(request.POST or None, instance=recommendation)
    if request.method == "POST" and form.is_valid():
        try:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            recommendation.refresh_from_db()
            services.recommendation_update(actor=request.user, recommendation=recommendation, changes=changes)
            messages.success(request, "Next step saved.")
            return redirect("coe:maturity_recommendations")
        except DomainError as error:
            form_add_domain_error(form, error)
    return render(
        request,
        "coe/maturity/edit.html",
        {"form": form, "title": "Edit next step", "back": "coe:maturity_recommendations", "deletable": True},
    )
