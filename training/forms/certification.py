"""Forms of the certification pages: a track (its modules in order, the final exam, validity),
revoking a certificate, and the CoE's certificate filter."""

from __future__ import annotations

from django import forms

from training.models import CertificationTrack, Module
from training.selectors.certification import CertificateState
from training.services.certification import MAX_VALIDITY_DAYS


class TrackForm(forms.Form):
    """The modules are listed with an order field each: a number puts the module in the track at
    that place; an empty one leaves it out."""

    name = forms.CharField(max_length=150)
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who it is for and what it entitles them to (e.g. submitting to the corporate channels).",
    )
    final_exam = forms.ModelChoiceField(
        queryset=Module.objects.none(),
        required=False,
        empty_label="No final exam",
        help_text="A module whose quiz is taken after the others; renewing the certificate means passing it again.",
    )
    validity_days = forms.IntegerField(
        min_value=1,
        max_value=MAX_VALIDITY_DAYS,
        initial=365,
        label="Valid for (days)",
        help_text="Holders are reminded 30 and 7 days before it expires.",
    )
    is_active = forms.BooleanField(
        required=False, initial=True, label="Offered", help_text="Only offered tracks are shown to learners and issued."
    )

    def __init__(self, *args, modules, track: CertificationTrack | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.modules = list(modules)
        self.fields["final_exam"].queryset = Module.objects.filter(pk__in=[m.pk for m in self.modules])
        positions = {}
        if track is not None and track.pk:
            positions = {
                tm.module_id: index for index, tm in enumerate(track.track_modules.order_by("position", "id"), start=1)
            }
            self.initial.update(
                {
                    "name": track.name,
                    "description": track.description,
                    "final_exam": track.final_exam_id,
                    "validity_days": track.validity_days,
                    "is_active": track.is_active,
                }
            )
        for module in self.modules:
            self.fields[self.order_field(module)] = forms.IntegerField(
                required=False,
                min_value=1,
                max_value=999,
                label=module.title,
                initial=positions.get(module.pk),
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "style": "width: 5rem"}),
            )

    @staticmethod
    def order_field(module: Module) -> str:
        return f"order_{module.pk}"

    def order_rows(self):
        return [(module, self[self.order_field(module)]) for module in self.modules]

    def chosen_modules(self) -> list[Module]:
        chosen = [
            (self.cleaned_data[self.order_field(module)], index, module)
            for index, module in enumerate(self.modules)
            if self.cleaned_data.get(self.order_field(module)) is not None
        ]
        return [module for _, _, module in sorted(chosen, key=lambda row: (row[0], row[1]))]

    def settings(self) -> dict:
        return {
            "name": self.cleaned_data["name"],
            "description": self.cleaned_data["description"],
            "modules": self.chosen_modules(),
            "final_exam": self.cleaned_data["final_exam"],
            "validity_days": self.cleaned_data["validity_days"],
            "is_active": self.cleaned_data["is_active"],
        }


class RevokeForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The holder is told; the audit trail keeps it. The public verification page shows only that it was "
        "revoked, and when.",
    )


class CertificateFilterForm(forms.Form):
    track = forms.ChoiceField(required=False)
    state = forms.ChoiceField(required=False, choices=[("", "Any state"), *CertificateState.CHOICES])
    holder = forms.CharField(required=False, label="Holder")
    department = forms.ChoiceField(required=False)

    def __init__(self, *args, tracks, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].choices = [("", "Every track"), *((t.slug, t.name) for t in tracks)]
        self.fields["department"].choices = [("", "Every department"), *((d.slug, d.name) for d in departments)]
