"""Publishing's crisis pages: the posts a crisis froze, where the CoE manager releases (after the
incident), reschedules or withdraws each one; and the crisis path, where a spokesperson writes a
statement for an active incident from its plan's holding statements."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe.errors import DomainError
from coe.forms import form_add_domain_error
from governance import permissions as governance_permissions
from governance.models import CrisisIncident
from governance.selectors import crisis as crisis_selectors
from publishing import permissions
from publishing.forms import LocalDateTimeField
from publishing.services import crisis as crisis_services
from publishing.views.common import int_or_none, show_outcome

FROZEN_SHOWN = 200


class StatementForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 7}),
        label="Statement",
        help_text="Fill in every blank in square brackets; a statement with one left is refused.",
    )
    link = forms.URLField(required=False, max_length=500, assume_scheme="https", help_text="Added on its own line.")
    channels = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="The channels the incident froze; a statement is the only thing that goes out on them.",
    )

    def __init__(self, *args, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = channels
        self.fields["channels"].label_from_instance = lambda c: f"{c.name} · {c.get_network_display()} ({c.handle})"


class FrozenDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(d, d) for d in crisis_services.DECISIONS])
    scheduled_at = LocalDateTimeField(required=False, label="New time", help_text="In your time zone.")
    comment = forms.CharField(required=False, max_length=500)


def _visible_incident(user, pk) -> CrisisIncident | None:
    if pk is None:
        return None
    return governance_permissions.incidents_visible_to(user).filter(pk=pk).first()


# --- frozen posts -------------------------------------------------------------------------------


@require_GET
def frozen_list(request: HttpRequest) -> HttpResponse:
    """Frozen publications (filter ``?incident=``), those that will be when their time comes, and
    the incident's statements."""
    user = request.user
    if not permissions.can_view_frozen_publications(user):
        raise PermissionDenied("Frozen posts are the CoE's.")
    incident = _visible_incident(user, int_or_none(request.GET.get("incident")))
    freeze = crisis_selectors.current_freeze(fresh=True)
    held = list(crisis_services.frozen_publications(user=user, incident=incident)[:FROZEN_SHOWN])
    for publication in held:
        publication.still_frozen_by = crisis_services.still_frozen_by(publication, freeze)
    context = {
        "incident": incident,
        "incidents": governance_permissions.incidents_visible_to(user).order_by("-declared_at")[:50],
        "held": held,
        "any_releasable": any(publication.still_frozen_by is None for publication in held),
        "upcoming": crisis_services.scheduled_on_frozen_channels(user=user, incident=incident)[:FROZEN_SHOWN],
        "statements": crisis_services.statements_of(user=user, incident=incident) if incident else [],
        "can_decide": permissions.can_decide_frozen_publications(user),
        "decision_form": FrozenDecisionForm(),
    }
    return render(request, "publishing/frozen.html", context)


@require_POST
def frozen_decide(request: HttpRequest) -> HttpResponse:
    """One decision for the ticked frozen publications (or the one whose button was pressed)."""
    user = request.user
    if not permissions.can_decide_frozen_publications(user):
        raise PermissionDenied("Only the CoE manager decides on frozen posts.")
    incident = _visible_incident(user, int_or_none(request.POST.get("incident")))
    back = reverse("publishing:frozen_list") + (f"?incident={incident.pk}" if incident else "")
    form = FrozenDecisionForm(request.POST)
    ids = [int(value) for value in request.POST.getlist("publications") if value.isdigit()]
    if not ids:
        messages.warning(request, "Tick the frozen posts to decide on first.")
        return redirect(back)
    if not form.is_valid():
        messages.error(request, "Choose release, reschedule (with a new time like 2026-12-01 09:30) or withdraw.")
        return redirect(back)
    chosen = crisis_services.frozen_publications(user=user).filter(pk__in=ids)
    try:
        done, problems = crisis_services.frozen_publications_decide(
            actor=user,
            publications=chosen,
            decision=form.cleaned_data["decision"],
            scheduled_at=form.cleaned_data["scheduled_at"],
            comment=form.cleaned_data["comment"],
            incident=incident,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    if done:
        they = "it" if done == 1 else "they"
        what = {
            "release": f"released: {they} go{'es' if done == 1 else ''} out within the minute",
            "reschedule": "moved to the new time",
            "withdraw": f"withdrawn: {they} will not be published",
        }[form.cleaned_data["decision"]]
        messages.success(request, f"{done} frozen post{'s' if done != 1 else ''} {what}.")
    for problem in problems:
        messages.error(request, problem)
    return redirect(back)


# --- the crisis path ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def crisis_statement(request: HttpRequest, incident_id: int) -> HttpResponse:
    """A spokesperson writes a statement for an active incident, starting from a holding
    statement (``?holding=``); it takes the plan's shortcut approvals."""
    user = request.user
    incident = get_object_or_404(
        governance_permissions.incidents_visible_to(user).select_related("plan"), pk=incident_id
    )
    if not governance_permissions.can_speak_for_incident(user, incident):
        if not incident.is_active:
            messages.info(request, "This incident is resolved; its channels are open again for ordinary posts.")
            return redirect(incident)
        raise PermissionDenied("Only a spokesperson named in the crisis plan writes statements for this incident.")
    holding_statements = list(incident.plan.holding_statements.select_related("scenario")) if incident.plan else []
    chosen = next((h for h in holding_statements if h.pk == int_or_none(request.GET.get("holding"))), None)
    channels = permissions.channels_for_statement(user, incident).order_by("name")
    initial = {"text": chosen.text if chosen else "", "channels": list(channels)}
    form = StatementForm(request.POST or None, channels=channels, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = crisis_services.crisis_statement_create(
                actor=user, incident=incident, text=data["text"], link=data["link"], channels=list(data["channels"])
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            post = outcome.post
            if post.status == post.Status.APPROVED:
                show_outcome(request, f"Statement #{post.pk} is approved and goes out now.", outcome.warnings)
            else:
                show_outcome(
                    request,
                    f"Statement #{post.pk} was submitted: it goes out once the CoE approves it (crisis shortcut).",
                    outcome.warnings,
                )
            return redirect(post)
    context = {
        "incident": incident,
        "form": form,
        "holding_statements": holding_statements,
        "chosen": chosen,
        "approvals": incident.plan.shortcut_coe_approvals if incident.plan else 1,
    }
    return render(request, "publishing/crisis_statement.html", context)
