"""Forms of the tools inventory and the evaluations. They parse; the services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from coe.models import Department, Evaluation, EvaluationCandidate, EvaluationRequirement, Tool


class _People(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class _Person(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


def _active_people():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class ToolForm(forms.ModelForm):
    owner = _Person(queryset=get_user_model().objects.none(), required=False)
    department = forms.ModelChoiceField(queryset=Department.objects.order_by("name"), required=False)

    class Meta:
        model = Tool
        fields = [
            "name",
            "vendor",
            "category",
            "owner",
            "department",
            "yearly_cost",
            "currency",
            "renewal_on",
            "notes",
            "is_active",
        ]
        widgets = {"renewal_on": forms.DateInput(attrs={"type": "date"}), "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"is_active": "In use", "renewal_on": "Renewal date", "yearly_cost": "Yearly cost"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _active_people()

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class EvaluationForm(forms.ModelForm):
    reviewers = _People(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Anyone may be named: CoE staff or people from the departments who will use the tool.",
    )

    class Meta:
        model = Evaluation
        fields = ["title", "category", "purpose"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = _active_people()
        if self.instance.pk and not self.is_bound:
            self.initial["reviewers"] = list(self.instance.reviewers.values_list("pk", flat=True))

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RequirementForm(forms.ModelForm):
    class Meta:
        model = EvaluationRequirement
        fields = ["name", "weight", "description"]
        widgets = {
            "weight": forms.Select(choices=[(n, n) for n in range(1, 6)]),
            "description": forms.TextInput(),
        }
        labels = {"name": "Requirement", "weight": "Weight (1–5)"}

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CandidateForm(forms.ModelForm):
    class Meta:
        model = EvaluationCandidate
        fields = ["name", "yearly_cost", "notes"]
        widgets = {"notes": forms.TextInput()}
        labels = {"name": "Vendor and product", "yearly_cost": "Yearly cost"}
        help_texts = {"name": ""}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Uniqueness is the service's to check (same message in the API).
        self.instance.evaluation_id = None

    def validate_unique(self):
        pass

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class FinishForm(forms.Form):
    recommended = forms.ModelChoiceField(queryset=EvaluationCandidate.objects.none(), label="Recommended tool")
    recommendation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why (for leadership)",
        help_text="Required. If you recommend other than the top-scoring candidate, say why here.",
    )
    add_to_inventory = forms.BooleanField(required=False, label="Add the recommended tool to the inventory")

    def __init__(self, *args, evaluation: Evaluation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommended"].queryset = evaluation.candidates.all()
