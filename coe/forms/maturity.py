"""Forms of the maturity pages: the question bank and the recommendation table (CoE manager)."""

from __future__ import annotations

from django import forms

from coe.models import Department, MaturityQuestion, MaturityRecommendation


class MaturityQuestionForm(forms.ModelForm):
    class Meta:
        model = MaturityQuestion
        fields = ["competency", "text", "guidance", "weight", "position", "is_active"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}
        labels = {"is_active": "Asked in new assessments"}


class MaturityRecommendationForm(forms.ModelForm):
    class Meta:
        model = MaturityRecommendation
        fields = ["competency", "below_score", "title", "detail", "position", "is_active"]
        widgets = {"detail": forms.Textarea(attrs={"rows": 3})}
        labels = {"below_score": "Shown when the competency scores below", "is_active": "Shown"}
        help_texts = {"below_score": "A score from 0 to 100."}


class MaturityStartForm(forms.Form):
    department = forms.ModelChoiceField(
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label="The whole company",
        to_field_name="slug",
        help_text="Assess the whole company or one department.",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
