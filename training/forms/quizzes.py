"""Forms of the quiz pages: granting an accommodation and filtering attempts. Answers are not a
Django form: each question's inputs carry the choice's place in the shuffled order, which the view
maps back to the choices drawn for that attempt."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from training.models import Attempt, Module
from training.services.quizzes import MAX_EXTRA_ATTEMPTS, MAX_EXTRA_MINUTES


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class AccommodationForm(forms.Form):
    user = PersonChoiceField(queryset=get_user_model().objects.none(), label="Person")
    module = forms.ModelChoiceField(
        queryset=Module.objects.none(),
        required=False,
        empty_label="Every quiz",
        help_text="One module's quiz, or every quiz the person takes.",
    )
    extra_minutes = forms.IntegerField(
        min_value=0,
        max_value=MAX_EXTRA_MINUTES,
        initial=0,
        help_text="Added to the time limit of quizzes that have one.",
    )
    extra_attempts = forms.IntegerField(
        min_value=0, max_value=MAX_EXTRA_ATTEMPTS, initial=0, help_text="Added to the quiz's maximum attempts."
    )
    reason = forms.CharField(
        max_length=300,
        help_text="Why, e.g. “accessibility: screen reader user” or “lost connection during attempt 3”. Kept with "
        "the grant and in the audit trail.",
    )

    def __init__(self, *args, people, modules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["module"].queryset = modules


SELECT = {"class": "form-select"}


class AttemptFilterForm(forms.Form):
    module = forms.ChoiceField(required=False, widget=forms.Select(attrs=SELECT))
    person = forms.CharField(required=False, label="Person (username)")
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Attempt.Status.choices], widget=forms.Select(attrs=SELECT)
    )
    result = forms.ChoiceField(
        required=False,
        choices=[("", "Any result"), ("passed", "Passed"), ("failed", "Not passed")],
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, modules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [("", "Every module"), *((m.slug, m.title) for m in modules)]
