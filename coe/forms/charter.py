"""Forms for the charter's draft versions and its objectives. They validate input; services apply it."""

from __future__ import annotations

from django import forms

from coe.models import CharterVersion, Department, Objective


class CharterVersionForm(forms.ModelForm):
    """The sections of a draft — and, deliberately, nothing about tools: a charter says what social
    is for and how it is measured; the tech stack lives in its own inventory."""

    class Meta:
        model = CharterVersion
        fields = [name for name, _ in CharterVersion.SECTIONS] + ["change_note"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name, _ in CharterVersion.SECTIONS}
        labels = dict(CharterVersion.SECTIONS)


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["title", "description", "owner", "department", "period_start", "period_end"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "period_end": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners
        self.fields["department"].queryset = Department.objects.order_by("name")
        self.fields["department"].empty_label = "The whole company"

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The period must end on or after its start.")
        return data

    def _post_clean(self):
        # The service validates and saves; skip ModelForm's instance validation of constraints.
        pass
