"""Forms of the KPI pages: a KPI (what it measures, for which objective and department) and one
period's target. They validate input; analytics.services.kpis applies it."""

from __future__ import annotations

from django import forms

from analytics.models import Kpi
from analytics.selectors.kpis import KPI_METRICS
from coe.models import Department, Objective


class KpiForm(forms.ModelForm):
    metric = forms.ChoiceField(choices=list(KPI_METRICS.items()))
    denominator = forms.ChoiceField(
        choices=[("", "—"), *KPI_METRICS.items()],
        required=False,
        help_text="A rate only: what the figure is divided by (engagement rate: engagements / impressions).",
    )

    class Meta:
        model = Kpi
        fields = [
            "name",
            "description",
            "objective",
            "department",
            "metric",
            "aggregation",
            "denominator",
            "cadence",
            "direction",
            "unit",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "aggregation": "Sum over the period; a rate in percent; growth in percent against the period before; "
            "or the level at the period's end (followers).",
            "objective": "The charter objective this KPI measures.",
            "unit": "Shown after sums and levels (e.g. €); rates and growth are in percent.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = Objective.objects.filter(is_active=True).order_by("title")
        self.fields["department"].queryset = Department.objects.order_by("name")
        self.fields["department"].empty_label = "The whole company"

    def settings(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class KpiTargetForm(forms.Form):
    period_start = forms.DateField(
        label="Period",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Any day of the month or quarter.",
    )
    target = forms.DecimalField(
        max_digits=16,
        decimal_places=4,
        required=False,
        help_text="Leave empty to remove the period's target. Rates and growth in percent.",
    )
