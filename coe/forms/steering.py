"""Forms of the steering committee pages. They parse input; coe.services.steering decides."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from coe.models import ActionItem, Department, SteeringMeeting, SteeringMember, SteeringSeries

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class SteeringMemberForm(forms.ModelForm):
    class Meta:
        model = SteeringMember
        fields = ["user", "department", "title", "is_chair", "joined_on"]
        widgets = {"joined_on": DATE}
        labels = {"user": "Person", "is_chair": "Chairs the committee"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _people()
        self.fields["department"].queryset = Department.objects.order_by("name")
        self.fields["joined_on"].initial = timezone.localdate()


class SteeringSeriesForm(forms.ModelForm):
    class Meta:
        model = SteeringSeries
        fields = ["name", "cadence", "first_meeting_at", "duration_minutes", "location"]
        widgets = {"first_meeting_at": DATETIME}


class SteeringMeetingForm(forms.ModelForm):
    class Meta:
        model = SteeringMeeting
        fields = ["scheduled_at", "status", "agenda", "minutes"]
        widgets = {
            "scheduled_at": DATETIME,
            "agenda": forms.Textarea(attrs={"rows": 6}),
            "minutes": forms.Textarea(attrs={"rows": 10}),
        }


class SteeringDecisionForm(forms.Form):
    text = forms.CharField(label="Decision", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class ActionItemForm(forms.ModelForm):
    """Everything (CoE staff); ``fields`` narrows it to what the person may change."""

    class Meta:
        model = ActionItem
        fields = ["title", "detail", "owner", "department", "due_on", "status"]
        widgets = {"due_on": DATE, "detail": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, writable: frozenset[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()
        self.fields["department"].queryset = Department.objects.order_by("name")
        if writable is not None:
            for name in list(self.fields):
                if name not in writable:
                    del self.fields[name]
