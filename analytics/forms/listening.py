"""Listening forms: a topic (terms one per line), the mentions CSV upload."""

from __future__ import annotations

from django import forms

from analytics.services.listening import MAX_BASELINE_HOURS, MENTION_COLUMNS, MIN_BASELINE_HOURS

TERMS_HELP = (
    "One per line. Case does not matter; a term matches whole words (“acme” finds “Acme's” and “#acme”, "
    "not “acmeville”)."
)


class TopicForm(forms.Form):
    name = forms.CharField(max_length=120)
    any_terms = forms.CharField(
        label="Any of these",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"A mention matches if it has at least one of them. {TERMS_HELP}",
    )
    all_terms = forms.CharField(
        label="All of these",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="… and every one of these (give any-of terms, all-of terms, or both).",
    )
    exclude_terms = forms.CharField(
        label="None of these",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="… and none of these (e.g. a namesake you are not).",
    )
    spike_z = forms.DecimalField(
        label="Volume spike threshold (z-score)",
        min_value=1,
        max_value=10,
        decimal_places=2,
        initial=3,
        help_text="How many standard deviations above the usual hourly volume raises an alert (at least 5 mentions).",
    )
    baseline_hours = forms.IntegerField(
        label="Baseline (hours)",
        min_value=MIN_BASELINE_HOURS,
        max_value=MAX_BASELINE_HOURS,
        initial=168,
        help_text="The usual volume and sentiment are taken from this many hours before (quiet hours count as zero).",
    )
    negative_turn = forms.DecimalField(
        label="Sharp turn negative",
        min_value=0.05,
        max_value=2,
        decimal_places=2,
        initial=0.4,
        help_text="An hour whose average sentiment (−1 … 1) falls this far below the usual raises an alert.",
    )
    is_active = forms.BooleanField(
        label="Listening", required=False, initial=True, help_text="Untick to stop matching and alerting."
    )


class MentionImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text=f"Columns: {', '.join(MENTION_COLUMNS)}.")
    mode = forms.ChoiceField(
        choices=[
            ("all_or_nothing", "All or nothing: import only if every row is valid"),
            ("good_rows", "Import the good rows and report the others"),
        ],
        initial="all_or_nothing",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
