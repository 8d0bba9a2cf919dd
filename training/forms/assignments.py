"""Forms for assignments: what (a module or a track), who (a department, a role or one person),
by when. They parse input; training.services.assignments decides."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import Group
from django.utils import timezone

from coe import permissions as coe_permissions
from coe.models import Department
from coe.roles import ROLE_GROUP_NAMES, Role
from training.models import CertificationTrack, Module, ModuleStatus
from training.services.assignments import MAX_DAYS_FOR_NEWCOMERS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NEWCOMERS_HELP = (
    "Someone who joins the company after this assignment is made gets this many days from the day they "
    "joined (and never less time than everyone else)."
)


class AssignmentForm(forms.Form):
    target = forms.ChoiceField(label="What", help_text="A published module, or an offered certification track.")
    audience = forms.ChoiceField(
        label="Who",
        required=False,
        help_text="A department or a role. Who is in it is read every day: people who join later have it too.",
    )
    person = forms.ModelChoiceField(
        queryset=Department.objects.none(), required=False, label="…or one person", empty_label="Nobody in particular"
    )
    due_on = forms.DateField(label="Due on", widget=DATE_INPUT)
    days_for_newcomers = forms.IntegerField(
        label="Days for newcomers", min_value=0, max_value=MAX_DAYS_FOR_NEWCOMERS, initial=30, help_text=NEWCOMERS_HELP
    )
    note = forms.CharField(
        label="Note to the people",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why it matters, shown with the assignment and in the notification.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        modules = Module.objects.filter(status=ModuleStatus.PUBLISHED).order_by("position", "title")
        tracks = CertificationTrack.objects.filter(is_active=True).order_by("name")
        self.fields["target"].choices = [
            ("", "Choose a module or a track"),
            ("Certification tracks", [(f"track:{t.pk}", t.name) for t in tracks]),
            ("Modules", [(f"module:{m.pk}", f"{m.title} ({m.get_level_display().lower()})") for m in modules]),
        ]
        roles = {g.name: g for g in Group.objects.filter(name__in=ROLE_GROUP_NAMES)}
        self.fields["audience"].choices = [
            ("", "A department or a role"),
            ("Departments", [(f"department:{d.pk}", d.name) for d in Department.objects.order_by("name")]),
            ("Roles", [(f"role:{roles[r.group_name].pk}", r.label) for r in Role if r.group_name in roles]),
        ]
        self.fields["person"].queryset = (
            coe_permissions.people_visible_to(user).filter(is_active=True).order_by("first_name", "last_name")
        )
        self.fields["due_on"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean(self):
        cleaned = super().clean()
        kind, _, pk = (cleaned.get("target") or "").partition(":")
        cleaned["module"] = Module.objects.filter(pk=pk).first() if kind == "module" and pk.isdigit() else None
        cleaned["track"] = (
            CertificationTrack.objects.filter(pk=pk).first() if kind == "track" and pk.isdigit() else None
        )
        if cleaned.get("target") and cleaned["module"] is None and cleaned["track"] is None:
            self.add_error("target", "Choose a module or a track from the list.")
        kind, _, pk = (cleaned.get("audience") or "").partition(":")
        cleaned["department"] = (
            Department.objects.filter(pk=pk).first() if kind == "department" and pk.isdigit() else None
        )
        cleaned["role"] = Group.objects.filter(pk=pk).first() if kind == "role" and pk.isdigit() else None
        chosen = [cleaned["department"] or cleaned["role"], cleaned.get("person")]
        if sum(1 for value in chosen if value is not None) != 1:
            self.add_error("audience", "Choose a department or a role, or one person — one of them.")
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "module": data["module"],
            "track": data["track"],
            "department": data["department"],
            "role": data["role"],
            "user": data.get("person"),
            "due_on": data["due_on"],
            "days_for_newcomers": data["days_for_newcomers"],
            "note": data.get("note", ""),
        }


class AssignmentChangeForm(forms.Form):
    """What may change on an assignment: its date, the newcomers' days and the note."""

    due_on = forms.DateField(label="Due on", widget=DATE_INPUT)
    days_for_newcomers = forms.IntegerField(
        label="Days for newcomers", min_value=0, max_value=MAX_DAYS_FOR_NEWCOMERS, help_text=NEWCOMERS_HELP
    )
    note = forms.CharField(
        label="Note to the people", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].widget.attrs["min"] = timezone.localdate().isoformat()


class CancelForm(forms.Form):
    reason = forms.CharField(label="Why (told to the people who had not completed it)", required=False, max_length=300)
