"""Forms for the best-practice library. They validate input; services apply it (and check the
attachments' type and size)."""

from __future__ import annotations

from django import forms

from coe.models import Department, Practice


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class PracticeForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Practice.Kind.choices, initial=Practice.Kind.PRACTICE)
    department = forms.ModelChoiceField(queryset=Department.objects.none(), required=False, empty_label="—")
    channel = forms.CharField(max_length=100, required=False, help_text="Where it was done: a network or channel.")
    summary = forms.CharField(max_length=300, help_text="One or two sentences people see in the list.")
    what_was_done = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="What was done")
    results = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, help_text="What came of it, with figures."
    )
    attachments = MultipleFileField(
        required=False, help_text="Images, PDF or office documents, up to 10 MB each (five at most)."
    )

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments if departments is not None else Department.objects.all()


class DeclineForm(forms.Form):
    note = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 2}), label="Note to the submitter")


class TagsForm(forms.Form):
    tags = forms.CharField(max_length=500, required=False, help_text="Comma-separated; new names become tags.")

    def clean_tags(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["tags"].split(",") if name.strip()]
