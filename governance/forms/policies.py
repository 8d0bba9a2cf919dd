"""Forms of the policy pages: a policy's settings, a version's text, the compliance filter."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from coe.models import Department
from coe.roles import ROLE_GROUP_NAMES
from governance.models import Policy, PolicyCategory, PolicyVersion
from governance.services.policies import MAX_ACKNOWLEDGE_WITHIN_DAYS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PolicyForm(forms.ModelForm):
    """A policy's settings; when creating one, also its first draft."""

    category = forms.ChoiceField(choices=PolicyCategory.choices)
    owner = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        help_text="Keeps the policy current: may draft new versions and is reminded when a review is due.",
    )
    audience_departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.order_by("name"),
        required=False,
        label="Departments",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    audience_roles = forms.ModelMultipleChoiceField(
        queryset=Group.objects.filter(name__in=ROLE_GROUP_NAMES).order_by("name"),
        required=False,
        label="Roles",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    acknowledge_within_days = forms.IntegerField(
        min_value=1,
        max_value=MAX_ACKNOWLEDGE_WITHIN_DAYS,
        label="Days to accept",
        help_text="After a version that asks for acceptance is published; overdue people are reminded, then "
        "escalated to their department lead.",
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "class": "font-monospace"}),
        label="Text of the first draft",
        help_text="Markdown. Start each clause with a heading (## Disclosure) so it gets an address rules can link to.",
    )

    class Meta:
        model = Policy
        fields = [
            "title",
            "category",
            "summary",
            "owner",
            "review_due_on",
            "audience_everyone",
            "audience_departments",
            "audience_roles",
            "acknowledge_within_days",
        ]
        labels = {"audience_everyone": "Everyone in the company", "review_due_on": "Next review"}
        widgets = {"review_due_on": DATE_INPUT}

    def __init__(self, *args, writable: frozenset[str], owners=None, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners
        if self.instance.pk is None:
            self.initial.setdefault("acknowledge_within_days", 14)
        for name in list(self.fields):
            if name != "body" and name not in writable:
                del self.fields[name]
        if not creating:
            del self.fields["body"]

    def settings(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "body"}


class VersionForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ["body", "change_summary", "requires_acknowledgment", "effective_on"]
        labels = {
            "body": "Text",
            "requires_acknowledgment": "A major change: everyone in the audience accepts it again",
            "effective_on": "Effective from",
        }
        help_texts = {
            "body": "Markdown. Each clause starts with a heading (## Disclosure); write {#anchor} after a heading "
            "to pin its address.",
            "change_summary": "What changed, in a sentence people read before they accept it.",
            "requires_acknowledgment": "Untick for a minor edit (wording, typos): earlier acceptances still count. "
            "A policy's first published version always asks.",
            "effective_on": "A date in the past becomes the day it is published.",
        }
        widgets = {
            "body": forms.Textarea(attrs={"rows": 22, "class": "font-monospace"}),
            "change_summary": forms.TextInput(),
            "effective_on": DATE_INPUT,
        }
