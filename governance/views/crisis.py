"""Crisis pages: the overview (active incidents first, plans, history), declaring an incident,
an incident with its timeline, resolution and post-incident review, and the crisis plans.

Frozen posts and statements are publishing's pages; they are linked here by URL name only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe.errors import Conflict, DomainError, NotAllowed
from coe.forms import form_add_domain_error
from governance import permissions
from governance.forms.crisis import (
    CrisisPlanForm,
    HoldingStatementFormSet,
    IncidentDeclareForm,
    IncidentResolveForm,
    IncidentReviewForm,
    IncidentUpdateForm,
    ScenarioFormSet,
    formset_rows,
)
from governance.models import CrisisIncident, CrisisScenario
from governance.selectors import crisis as selectors
from governance.services import crisis as services

HISTORY_PER_PAGE = 20


def _require_crisis(user) -> None:
    if not permissions.can_view_crisis(user):
        raise PermissionDenied("Crisis management is for the CoE, leadership and the people a crisis plan names.")


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def frozen_posts_url(incident: CrisisIncident) -> str:
    return f"{reverse('publishing:frozen_list')}?incident={incident.pk}"


# --- overview -----------------------------------------------------------------------------------


@require_GET
def crisis_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_crisis(user)
    overview = selectors.crisis_overview(user=user)
    history = Paginator(selectors.incident_history(user=user), HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "active": overview.active,
        "plans": overview.plans,
        "history": history,
        "can_declare": permissions.can_declare_some_incident(user),
        "can_edit_plans": permissions.can_edit_crisis_plans(user),
    }
    template = "governance/partials/_crisis_history.html" if request.htmx else "governance/crisis.html"
    return render(request, template, context)


# --- declaring ----------------------------------------------------------------------------------


def _declare_initial(request: HttpRequest, plans) -> dict:
    """Prefill from the address: ?plan=, ?scenario=, ?holding= (a holding statement's text)."""
    initial: dict = {"all_channels": True}
    if plan_id := _int(request.GET.get("plan")):
        initial["plan"] = plans.filter(pk=plan_id).first()
    elif plans.count() == 1:
        initial["plan"] = plans.first()
    if scenario_id := _int(request.GET.get("scenario")):
        scenario = CrisisScenario.objects.filter(pk=scenario_id, plan__in=plans).select_related("plan").first()
        if scenario is not None:
            initial.update(scenario=scenario, plan=scenario.plan, severity=scenario.default_severity)
    if holding_id := _int(request.GET.get("holding")):
        statement = selectors.holding_statement_get(user=request.user, pk=holding_id)
        if statement is not None and plans.filter(pk=statement.plan_id).exists():
            initial.update(first_statement=statement.text, plan=statement.plan)
            if statement.scenario_id and "scenario" not in initial:
                initial.update(scenario=statement.scenario, severity=statement.scenario.default_severity)
    return initial


@require_http_methods(["GET", "POST"])
def incident_declare(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_declare_some_incident(user):
        raise PermissionDenied("Only the CoE manager or a spokesperson named in a crisis plan declares an incident.")
    plans = selectors.plans_for_declaring(user=user)
    form = IncidentDeclareForm(request.POST or None, plans=plans, initial=_declare_initial(request, plans))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.incident_declare(
                actor=user,
                title=data["title"],
                severity=data["severity"],
                first_statement=data["first_statement"],
                plan=data["plan"],
                scenario=data["scenario"],
                all_channels=data["all_channels"],
                channels=list(data["channels"]),
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.warning(
                request,
                f"Incident declared. Publishing is frozen on "
                f"{'every channel' if incident.all_channels else 'the affected channels'}; everyone on the "
                "escalation list has been alerted.",
            )
            return redirect(incident)
    context = {
        "form": form,
        "holding_statements": selectors.holding_statements_for(user=user, plan_ids=plans.values("pk")),
        "scenarios": form.fields["scenario"].queryset,
    }
    return render(request, "governance/incident_declare.html", context)


@require_GET
def holding_statement_text(request: HttpRequest) -> HttpResponse:
    """htmx: the first-statement field, filled with the chosen holding statement."""
    if not permissions.can_declare_some_incident(request.user):
        raise PermissionDenied
    plans = selectors.plans_for_declaring(user=request.user)
    statement = selectors.holding_statement_get(user=request.user, pk=_int(request.GET.get("holding")) or 0)
    text = statement.text if statement is not None and plans.filter(pk=statement.plan_id).exists() else ""
    form = IncidentDeclareForm(plans=plans, initial={"first_statement": text})
    return render(request, "governance/partials/_first_statement.html", {"field": form["first_statement"]})


# --- one incident -------------------------------------------------------------------------------


def _incident_context(request: HttpRequest, incident: CrisisIncident, **forms) -> dict:
    user = request.user
    plan = incident.plan
    can_speak = permissions.can_speak_for_incident(user, incident)
    steps = incident.scenario.first_steps.splitlines() if incident.scenario else []
    statement_url = reverse("publishing:crisis_statement", kwargs={"incident_id": incident.pk})
    return {
        "incident": incident,
        "timeline": list(incident.updates.all()),
        "channels": [] if incident.all_channels else list(incident.channels.all()),
        "holding_statements": list(plan.holding_statements.all()) if plan else [],
        "first_steps": [step.strip() for step in steps if step.strip()],
        "spokespeople": list(plan.spokespeople.all()) if plan else [],
        "contacts": list(plan.escalation_contacts.all()) if plan else [],
        "can_update": permissions.can_update_incident(user, incident),
        "can_resolve": incident.is_active and permissions.can_resolve_incident(user, incident),
        "can_review": not incident.is_active and permissions.can_review_incident(user, incident),
        "can_speak": can_speak,
        "statement_url": statement_url if can_speak else "",
        "frozen_posts_url": frozen_posts_url(incident),
        "update_form": forms.get("update_form") or IncidentUpdateForm(),
        "resolve_form": forms.get("resolve_form") or IncidentResolveForm(),
        "review_form": forms.get("review_form") or IncidentReviewForm(instance=incident),
    }


@require_GET
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_crisis(request.user)
    incident = selectors.incident_get(user=request.user, pk=pk)
    return render(request, "governance/incident_detail.html", _incident_context(request, incident))


@require_POST
def incident_add_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Add to the timeline; htmx gets the timeline back, other requests the page."""
    _require_crisis(request.user)
    incident = selectors.incident_get(user=request.user, pk=pk)
    form = IncidentUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.incident_update_add(
                actor=request.user, incident=incident, kind=form.cleaned_data["kind"], text=form.cleaned_data["text"]
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            if not request.htmx:
                messages.success(request, "Added to the timeline.")
                return redirect(incident)
            form = IncidentUpdateForm()
    incident = selectors.incident_get(user=request.user, pk=pk)
    context = _incident_context(request, incident, update_form=form)
    if request.htmx:
        return render(request, "governance/partials/_incident_timeline.html", context)
    return render(request, "governance/incident_detail.html", context, status=400)


@require_POST
def incident_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    _require_crisis(request.user)
    incident = selectors.incident_get(user=request.user, pk=pk)
    form = IncidentResolveForm(request.POST)
    if form.is_valid():
        try:
            services.incident_resolve(actor=request.user, incident=incident, resolution=form.cleaned_data["resolution"])
        except (NotAllowed, Conflict) as error:
            messages.error(request, error.message)
            return redirect(incident)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(
                request,
                "Resolved: the freeze has ended. Decide on each frozen post (release, reschedule or withdraw), then "
                "record the post-incident review.",
            )
            return redirect(incident)
    context = _incident_context(request, incident, resolve_form=form)
    return render(request, "governance/incident_detail.html", context, status=400)


@require_POST
def incident_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_crisis(request.user)
    incident = selectors.incident_get(user=request.user, pk=pk)
    form = IncidentReviewForm(request.POST, instance=CrisisIncident.objects.get(pk=incident.pk))
    if form.is_valid():
        try:
            services.incident_review_record(
                actor=request.user,
                incident=incident,
                summary=form.cleaned_data["review_summary"],
                went_well=form.cleaned_data["review_went_well"],
                to_improve=form.cleaned_data["review_to_improve"],
            )
        except (NotAllowed, Conflict) as error:
            messages.error(request, error.message)
            return redirect(incident)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, "The post-incident review is recorded.")
            return redirect(incident)
    context = _incident_context(request, incident, review_form=form)
    return render(request, "governance/incident_detail.html", context, status=400)


# --- plans --------------------------------------------------------------------------------------


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_crisis(request.user)
    plan = selectors.plan_get(user=request.user, pk=pk)
    context = {
        "plan": plan,
        "can_edit": permissions.can_edit_crisis_plans(request.user),
        "can_declare": permissions.can_declare_incident(request.user, plan) and plan.is_active,
        "incidents": selectors.incidents_list(user=request.user).filter(plan=plan)[:20],
    }
    return render(request, "governance/plan_detail.html", context)


def _plan_forms(request: HttpRequest, plan=None):
    if plan is None:
        initial, scenarios, statements = {"shortcut_coe_approvals": 1, "is_active": True}, [], []
    else:
        initial = {
            "name": plan.name,
            "purpose": plan.purpose,
            "escalation_contacts": list(plan.escalation_contacts.all()),
            "spokespeople": list(plan.spokespeople.all()),
            "shortcut_coe_approvals": plan.shortcut_coe_approvals,
            "is_active": plan.is_active,
        }
        scenarios = [
            {
                "id": s.pk,
                "name": s.name,
                "default_severity": s.default_severity,
                "description": s.description,
                "first_steps": s.first_steps,
            }
            for s in plan.scenarios.all()
        ]
        statements = [
            {"id": h.pk, "title": h.title, "scenario": h.scenario.name if h.scenario else "", "text": h.text}
            for h in plan.holding_statements.all()
        ]
    data = request.POST if request.method == "POST" else None
    return (
        CrisisPlanForm(data, initial=initial),
        ScenarioFormSet(data, initial=scenarios, prefix="scenarios"),
        HoldingStatementFormSet(data, initial=statements, prefix="statements"),
    )


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    if not permissions.can_edit_crisis_plans(user):
        raise PermissionDenied("Only the CoE manager keeps the crisis plans.")
    plan = selectors.plan_get(user=user, pk=pk) if pk else None
    form, scenarios, statements = _plan_forms(request, plan)
    if request.method == "POST" and form.is_valid() and scenarios.is_valid() and statements.is_valid():
        fields = dict(form.cleaned_data)
        try:
            if plan is None:
                plan = services.plan_create(
                    actor=user,
                    fields=fields,
                    scenarios=formset_rows(scenarios),
                    holding_statements=formset_rows(statements),
                )
            else:
                plan = services.plan_update(
                    actor=user,
                    plan=plan,
                    changes=fields,
                    scenarios=formset_rows(scenarios),
                    holding_statements=formset_rows(statements),
                )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"The crisis plan “{plan}” is saved.")
            return redirect("governance:plan_detail", pk=plan.pk)
    context = {"form": form, "scenarios": scenarios, "statements": statements, "plan": plan}
    return render(request, "governance/plan_form.html", context)
