"""The metrics CSV upload form. It parses input; analytics.services.imports decides."""

from __future__ import annotations

from django import forms

from analytics.models import MetricImport


class MetricImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8 CSV with the header of the template below.")
    mode = forms.ChoiceField(
        choices=[
            (MetricImport.Mode.ALL_OR_NOTHING, "All or nothing: import only if every row is valid"),
            (MetricImport.Mode.GOOD_ROWS, "Import the good rows and report the others"),
        ],
        initial=MetricImport.Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
