"""Forms for investment entries, their CSV import and the value settings. They parse input;
analytics.services.investment decides."""

from __future__ import annotations

from datetime import date

from django import forms

from analytics.models import InvestmentCategory
from analytics.services.investment import IMPORT_COLUMNS, MODES
from coe.models import Department

MONEY = {"min_value": 0, "decimal_places": 2, "max_digits": 14}


class MonthField(forms.DateField):
    """A month as <input type="month"> sends it (2026-03); a full date is taken as its month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def to_python(self, value):
        if isinstance(value, str) and len(value.strip()) == 7:
            value = f"{value.strip()}-01"
        result = super().to_python(value)
        return result.replace(day=1) if isinstance(result, date) else result


class InvestmentForm(forms.Form):
    department = forms.ModelChoiceField(queryset=Department.objects.none(), empty_label="Choose a department")
    month = MonthField(input_formats=["%Y-%m-%d", "%Y-%m"])
    category = forms.ChoiceField(choices=[("", "Choose a category"), *InvestmentCategory.choices])
    amount = forms.DecimalField(label="Amount", required=False, initial=0, **MONEY, help_text="Money spent.")
    hours = forms.DecimalField(required=False, initial=0, min_value=0, decimal_places=2, max_digits=10)
    loaded_rate = forms.DecimalField(
        label="Loaded rate",
        required=False,
        initial=0,
        min_value=0,
        decimal_places=2,
        max_digits=10,
        help_text="The full cost of one hour (salary, overheads).",
    )
    fte_share = forms.DecimalField(
        label="FTE share",
        required=False,
        initial=0,
        min_value=0,
        decimal_places=3,
        max_digits=6,
        help_text="A share of full-time people, e.g. 0.5.",
    )
    fte_yearly_cost = forms.DecimalField(
        label="Yearly cost of one FTE",
        required=False,
        initial=0,
        **MONEY,
        help_text="A month's share (1/12) counts in the entry's month.",
    )
    note = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("amount", "hours", "loaded_rate", "fte_share", "fte_yearly_cost"):
            data[name] = data.get(name) or 0
        return data


class InvestmentImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text=f"Columns: {', '.join(IMPORT_COLUMNS)}.")
    mode = forms.ChoiceField(
        choices=[
            (MODES[0], "All or nothing: import only if every row is valid"),
            (MODES[1], "Import the good rows and report the others"),
        ],
        initial=MODES[0],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


class ValueSettingsForm(forms.Form):
    currency = forms.CharField(max_length=3, min_length=3, help_text="A three-letter code: EUR, USD, GBP …")
    value_per_engagement = forms.DecimalField(
        min_value=0, decimal_places=4, max_digits=10, help_text="What one like, comment, share or click is worth."
    )
    value_per_lead = forms.DecimalField(
        min_value=0, decimal_places=2, max_digits=10, help_text="What one lead (a conversion) is worth."
    )
