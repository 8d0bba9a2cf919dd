"""Pages of the tools inventory and the tech-stack evaluations.

``/coe/tech-stack/``: the inventory with totals and upcoming renewals, and the evaluations (CoE
staff and leadership; a reviewer who is neither sees only the evaluations they review). The CoE
manager edits tools and sets evaluations up and finishes them; reviewers score their own grid.
Evaluations a person may not see answer 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe import permissions
from coe.errors import DomainError
from coe.exports import csv_response
from coe.forms import form_add_domain_error
from coe.forms.techstack import CandidateForm, EvaluationForm, FinishForm, RequirementForm, ToolForm
from coe.models import Evaluation, EvaluationCandidate, EvaluationRequirement
from coe.selectors import techstack as selectors
from coe.services import techstack as services

SOON_DAYS = 30


def _require_manage_tools(user) -> None:
    if not permissions.can_manage_tools(user):
        raise PermissionDenied("Only the CoE manager keeps the tools inventory.")


def _require_manage_evaluations(user) -> None:
    if not permissions.can_manage_evaluations(user):
        raise PermissionDenied("Only the CoE manager sets up evaluations.")


@require_GET
def techstack(request: HttpRequest) -> HttpResponse:
    """The inventory (totals per category, renewals in the next 90 days highlighted) and the
    evaluations."""
    user = request.user
    can_view_tools = permissions.can_view_tools(user)
    evaluations = list(selectors.evaluations_list(user=user))
    if not can_view_tools and not evaluations:
        raise PermissionDenied("The tools inventory is for the CoE team and leadership.")
    today = timezone.localdate()
    context = {
        "can_view_tools": can_view_tools,
        "can_manage_tools": permissions.can_manage_tools(user),
        "can_manage_evaluations": permissions.can_manage_evaluations(user),
        "evaluations": evaluations,
        "today": today,
        "horizon": selectors.RENEWAL_HORIZON_DAYS,
        "soon_days": SOON_DAYS,
    }
    if can_view_tools:
        show_retired = request.GET.get("retired") == "1"
        tools = list(selectors.tools_list(user=user, include_retired=show_retired))
        for tool in tools:
            tool.days_to_renewal = (tool.renewal_on - today).days if tool.renewal_on else None
        context |= {
            "tools": tools,
            "show_retired": show_retired,
            "totals": selectors.tools_totals(user=user),
            "renewing": [
                t
                for t in sorted(tools, key=lambda t: (t.renewal_on or today, t.name))
                if t.is_active
                and t.days_to_renewal is not None
                and 0 <= t.days_to_renewal <= selectors.RENEWAL_HORIZON_DAYS
            ],
        }
    return render(request, "coe/techstack.html", context)


@require_GET
def tools_export(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_tools(request.user):
        raise PermissionDenied("The tools inventory is for the CoE team and leadership.")
    tools = selectors.tools_list(user=request.user, include_retired=True).order_by("category", "name", "pk")
    header = [
        "name",
        "vendor",
        "category",
        "owner",
        "department",
        "yearly_cost",
        "currency",
        "renewal_on",
        "active",
        "notes",
    ]
    rows = (
        [
            t.name,
            t.vendor,
            t.get_category_display(),
            t.owner.get_full_name() or t.owner.username if t.owner else "",
            t.department.name if t.department else "",
            t.yearly_cost,
            t.currency,
            t.renewal_on.isoformat() if t.renewal_on else "",
            "yes" if t.is_active else "no",
            t.notes,
        ]
        for t in tools.iterator(chunk_size=500)
    )
    return csv_response(header, rows, "tools.csv")


@require_http_methods(["GET", "POST"])
def tool_create(request: HttpRequest) -> HttpResponse:
    _require_manage_tools(request.user)
    form = ToolForm(request.POST or None, initial={"is_active": True, "currency": "EUR"})
    if request.method == "POST" and form.is_valid():
        try:
            tool = services.tool_create(actor=request.user, values=form.values())
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Added {tool} to the inventory.")
            return redirect("coe:techstack")
    return render(request, "coe/tool_form.html", {"form": form, "tool": None})


@require_http_methods(["GET", "POST"])
def tool_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tool = selectors.tool_for(user=request.user, pk=pk)
    _require_manage_tools(request.user)
    form = ToolForm(request.POST or None, instance=tool)
    if request.method == "POST" and form.is_valid():
        try:
            tool = services.tool_update(actor=request.user, tool=tool, values=form.values())
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Saved {tool}.")
            return redirect("coe:techstack")
    return render(request, "coe/tool_form.html", {"form": form, "tool": tool})


@require_POST
def tool_retire(request: HttpRequest, pk: int) -> HttpResponse:
    tool = selectors.tool_for(user=request.user, pk=pk)
    _require_manage_tools(request.user)
    services.tool_retire(actor=request.user, tool=tool)
    messages.success(request, f"{tool} retired.")
    return redirect("coe:techstack")


# --- Evaluations --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def evaluation_create(request: HttpRequest) -> HttpResponse:
    _require_manage_evaluations(request.user)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_create(
                actor=request.user, values=form.values(), reviewers=form.cleaned_data["reviewers"]
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, "Evaluation created: add requirements and candidates, then start scoring.")
            return redirect("coe:evaluation_detail", pk=evaluation.pk)
    return render(request, "coe/evaluation_form.html", {"form": form, "evaluation": None})


@require_http_methods(["GET", "POST"])
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.evaluation_for(user=request.user, pk=pk)
    _require_manage_evaluations(request.user)
    form = EvaluationForm(request.POST or None, instance=evaluation)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_update(
                actor=request.user,
                evaluation=evaluation,
                values=form.values(),
                reviewers=form.cleaned_data["reviewers"],
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("coe:evaluation_detail", pk=evaluation.pk)
    return render(request, "coe/evaluation_form.html", {"form": form, "evaluation": evaluation})


def _detail_context(request, evaluation: Evaluation, **forms) -> dict:
    user = request.user
    results = selectors.evaluation_results(evaluation=evaluation)
    can_manage = permissions.can_manage_evaluations(user)
    is_reviewer = any(r.pk == user.pk for r in results.reviewers)
    context = {
        "evaluation": evaluation,
        "results": results,
        "can_manage": can_manage,
        "is_reviewer": is_reviewer,
        "show_results": permissions.can_see_evaluation_results(user, evaluation),
        "setup": can_manage and evaluation.status == Evaluation.Status.DRAFT,
        "requirement_form": forms.get("requirement_form") or RequirementForm(prefix="req"),
        "candidate_form": forms.get("candidate_form") or CandidateForm(prefix="cand"),
    }
    if can_manage and evaluation.status == Evaluation.Status.SCORING:
        initial = {"recommended": results.top.candidate.pk} if results.top else {}
        context["finish_form"] = forms.get("finish_form") or FinishForm(evaluation=evaluation, initial=initial)
        context["top_id"] = results.top.candidate.pk if results.top else None
    return context


@require_GET
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Setup (requirements, candidates, reviewers), progress and the current totals."""
    evaluation = selectors.evaluation_for(user=request.user, pk=pk)
    return render(request, "coe/evaluation_detail.html", _detail_context(request, evaluation))


@require_POST
def evaluation_requirement_add(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.evaluation_for(user=request.user, pk=pk)
    _require_manage_evaluations(request.user)
    form = RequirementForm(request.POST, prefix="req")
    if form.is_valid():
        try:
            services.requirement_add(actor=request.user, evaluation=evaluation, values=form.values())
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            return redirect("coe:evaluation_detail", pk=pk)
    context = _detail_context(request, evaluation, requirement_form=form)
    return render(request, "coe/evaluation_detail.html", context, status=400)


@require_POST
def evaluation_requirement_action(request: HttpRequest, pk: int, requirement_pk: int, action: str) -> HttpResponse:
    evaluation = selectors.evaluation_for(user=request.user, pk=pk)
    _require_manage_evaluations(request.user)
    try:
        requirement = evaluation.requirements.get(pk=requirement_pk)
    except EvaluationRequirement.DoesNotExist as exc:
        raise Http404("No such requirement.") from exc
    try:
        if action == "delete":
            services.requirement_delete(actor=request.user, requirement=requirement)
        elif action in {"up", "down"}:
            services.requirement_move(actor=request.user, requirement=requirement, up=action == "up")
        else:
            raise Http404("No such action.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("coe:evaluation_detail", pk=pk)


@require_POST
def evaluation_candidate_add(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.evaluation_for(user=request.user, pk=pk)
    _require_manage_evaluations(request.user)
    form = CandidateForm(request.POST, prefix="cand")
    if form.is_valid():
        try:
            services.candidate_add(actor=request.user, evaluation=evaluation, values=form.values())
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            return redirect("coe:evaluation_detail", pk=pk)
    context = _detail_context(request, evaluation, candidate_form=form)
    return render(request, "coe/evaluation_detail.html", context, status=400)


@require_POST
def evaluation_candidate_delete(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    evaluation = selectors.evaluation_for(user=request.user, pk=pk)
    _require_manage_evaluations(request.user)
    try:
        candidate = evaluation.candidates.get(pk=candidate_pk)
    except EvaluationCandidate.DoesNotExist as exc:
        raise Http404("No such candidate.") from exc
    try:
        services.candidate_delete(actor=request.user, candidate=candidate)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("coe:evaluation_detail", pk=pk)


@require_POST
def evaluation_start(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.evaluation_for(user=request.user, pk=pk)
    _require_manage_evaluations(request.user)
    try:
        services.evaluation_start_scoring(actor=request.user, evaluation=evaluation)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Scoring started; the reviewers have been told.")
    return redirect("coe:evaluation_detail", pk=pk)


@require_POST
def evaluation_finish(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.evaluation_for(user=request.user, pk=pk)
    _require_manage_evaluations(request.user)
    form = FinishForm(request.POST, evaluation=evaluation)
    if form.is_valid():
        try:
            services.evaluation_finish(
                actor=request.user,
                evaluation=evaluation,
                recommended=form.cleaned_data["recommended"],
                recommendation=form.cleaned_data["recommendation"],
                add_to_inventory=form.cleaned_data["add_to_inventory"],
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, "Evaluation finished. The report is ready for leadership.")
            return redirect("coe:evaluation_report", pk=pk)
    context = _detail_context(request, evaluation, finish_form=form)
    return render(request, "coe/evaluation_detail.html", context, status=400)


@require_http_methods(["GET", "POST"])
def evaluation_score(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer's own grid: requirements × candidates, 0–5 and a comment per cell. Saved all at
    once (or per row: each row has its own button that posts the whole grid)."""
    evaluation = selectors.evaluation_for(user=request.user, pk=pk)
    if not permissions.is_evaluation_reviewer(request.user, evaluation):
        raise PermissionDenied("Only the evaluation's reviewers score it.")
    grid = selectors.scoring_grid(evaluation=evaluation, reviewer=request.user)
    if request.method == "POST":
        cells = []
        for requirement in grid["requirements"]:
            for candidate in grid["candidates"]:
                key = f"{requirement.pk}-{candidate.pk}"
                if f"score-{key}" not in request.POST:
                    continue
                cells.append(
                    {
                        "requirement": requirement.pk,
                        "candidate": candidate.pk,
                        "score": request.POST.get(f"score-{key}") or None,
                        "comment": request.POST.get(f"comment-{key}", ""),
                    }
                )
        try:
            saved = services.evaluation_scores_save(actor=request.user, evaluation=evaluation, cells=cells)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Saved {saved} score{'s' if saved != 1 else ''}.")
            return redirect("coe:evaluation_score", pk=pk)
    context = {
        "evaluation": evaluation,
        "grid": grid,
        "can_score": evaluation.status == Evaluation.Status.SCORING,
        "choices": range(6),
    }
    return render(request, "coe/evaluation_score.html", context)


@require_GET
def evaluation_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable recommendation report for leadership."""
    evaluation = selectors.evaluation_for(user=request.user, pk=pk)
    if not permissions.can_see_evaluation_results(request.user, evaluation):
        messages.info(request, "The report opens once scoring has started; reviewers see it when it is finished.")
        return redirect("coe:evaluation_detail", pk=pk)
    results = selectors.evaluation_results(evaluation=evaluation)
    top = results.top
    context = {
        "evaluation": evaluation,
        "results": results,
        "chart": results.chart(),
        "overrode_top": bool(top and evaluation.recommended_id and top.candidate.pk != evaluation.recommended_id),
        "top": top,
    }
    return render(request, "coe/evaluation_report.html", context)
