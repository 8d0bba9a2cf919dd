"""Forms of the crisis pages: declaring an incident, its timeline, resolving and reviewing it, and
a crisis plan with its scenarios and holding statements."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from governance.models import CrisisIncident, CrisisScenario, IncidentUpdate, Severity

TEXTAREA = {"rows": 4}


def channel_model():
    """publishing's Channel, through the incident's relation (governance never imports publishing)."""
    return CrisisIncident._meta.get_field("channels").related_model


def active_people():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class IncidentDeclareForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=None, required=False, empty_label="No plan (unforeseen)")
    scenario = forms.ModelChoiceField(
        queryset=CrisisScenario.objects.none(),
        required=False,
        empty_label="None of them",
        help_text="Its first steps are sent with the alert; its severity is the default.",
    )
    title = forms.CharField(max_length=200, help_text="Short, so everyone recognises it: it is on every page.")
    severity = forms.ChoiceField(
        choices=[("", "The scenario's default"), *Severity.choices],
        required=False,
    )
    all_channels = forms.BooleanField(
        required=False, initial=True, label="Freeze every channel", help_text="Untick to choose the affected channels."
    )
    channels = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Affected channels",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="Nothing but crisis statements goes out on them until the incident is resolved.",
    )
    first_statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What happened and what we say for now. Start from a holding statement and fill in its blanks.",
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["scenario"].queryset = CrisisScenario.objects.filter(plan__in=plans).select_related("plan")
        self.fields["scenario"].label_from_instance = lambda s: (
            f"{s.plan} · {s.name} ({s.get_default_severity_display()})"
        )
        self.fields["channels"].queryset = (
            channel_model().objects.filter(is_active=True).select_related("department").order_by("name")
        )
        self.fields["channels"].label_from_instance = lambda c: f"{c.name} ({c.department})"

    def clean(self):
        data = super().clean()
        scenario, plan = data.get("scenario"), data.get("plan")
        if scenario is not None and plan is None:
            data["plan"] = scenario.plan
        return data


class IncidentUpdateForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            (IncidentUpdate.Kind.UPDATE, "Update: what we know now"),
            (IncidentUpdate.Kind.DECISION, "Decision: sent to everyone involved"),
            (IncidentUpdate.Kind.STATEMENT, "Statement: what was said, and where"),
        ],
        label="What is it",
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Text")


class IncidentResolveForm(forms.Form):
    resolution = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="How was it resolved?",
        help_text="Goes on the timeline and to everyone involved. The freeze ends; frozen posts wait for your "
        "decision.",
    )


class IncidentReviewForm(forms.ModelForm):
    class Meta:
        model = CrisisIncident
        fields = ["review_summary", "review_went_well", "review_to_improve"]
        labels = {
            "review_summary": "What happened, and how it was handled",
            "review_went_well": "What went well",
            "review_to_improve": "What to improve (and who will)",
        }
        widgets = {name: forms.Textarea(attrs=TEXTAREA) for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_summary"].required = True


class CrisisPlanForm(forms.Form):
    name = forms.CharField(max_length=150)
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    escalation_contacts = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="Alerted in-app and by e-mail the moment an incident is declared; they follow its timeline.",
    )
    spokespeople = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="May declare an incident under this plan and write its statements.",
    )
    shortcut_coe_approvals = forms.IntegerField(
        min_value=0,
        max_value=5,
        initial=1,
        label="CoE approvals a statement needs",
        help_text="The shortcut during an incident: the spokesperson writes, then this many CoE approvals "
        "(0: the spokesperson's word is enough).",
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active (archived plans cannot be used)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("escalation_contacts", "spokespeople"):
            self.fields[name].queryset = active_people()
            self.fields[name].label_from_instance = lambda person: person.display_name


class ScenarioForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(max_length=150)
    default_severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.MEDIUM, label="Severity")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    first_steps = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, help_text="The first hour, one step per line."
    )


class HoldingStatementForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(max_length=150)
    scenario = forms.CharField(
        max_length=150,
        required=False,
        help_text="The name of one of the scenarios above, or empty for any.",
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Pre-approved words. Put what changes in square brackets, e.g. [time]: they must be filled in.",
    )


ScenarioFormSet = forms.formset_factory(ScenarioForm, extra=1, can_delete=True)
HoldingStatementFormSet = forms.formset_factory(HoldingStatementForm, extra=1, can_delete=True)


def formset_rows(formset) -> list[dict]:
    """The rows a person kept (filled in, not ticked for removal), as the service takes them."""
    rows = []
    for form in formset.forms:
        if not form.has_changed() and not form.cleaned_data.get("id"):
            continue
        if form.cleaned_data.get("DELETE"):
            continue
        rows.append({name: value for name, value in form.cleaned_data.items() if name != "DELETE"})
    return rows
