"""Forms for people and departments. They validate input; services apply it."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django import forms
from django.contrib.auth import get_user_model

from coe.errors import DomainError
from coe.models import Department
from coe.roles import Role


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    zones = sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone or zone == "UTC")
    return [(zone, zone.replace("_", " ")) for zone in zones]


def form_add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: next to each field it names, else at the top."""
    placed = False
    for name, messages in error.fields.items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices, help_text="Dates and times are shown to you in this zone.")

    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "email", "time_zone", "notify_in_app", "notify_by_email"]
        help_texts = {
            "notify_in_app": "Show notifications under the bell in the top bar.",
            "notify_by_email": "Also send notifications to your e-mail address.",
        }


class PersonForm(forms.ModelForm):
    """What a CoE manager sets on someone: name, e-mail, role, departments, active."""

    role = forms.ChoiceField(choices=Role.choices)
    departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "email", "role", "departments", "is_active"]
        help_texts = {"is_active": "Inactive people cannot sign in; their records stay."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("role", self.instance.role.value if self.instance.role else None)


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "slug", "description", "lead"]
        help_texts = {"slug": "Used in addresses; leave empty to derive it from the name."}

    def __init__(self, *args, writable: frozenset[str], lead_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in writable:
                del self.fields[name]
        if "slug" in self.fields:
            self.fields["slug"].required = False
        if "lead" in self.fields and lead_queryset is not None:
            self.fields["lead"].queryset = lead_queryset
