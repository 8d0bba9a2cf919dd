"""Forms of the authoring pages: a module's settings and quiz rules, a lesson, a question with its
choices, an image for the lessons, and the import of a module. They parse; the services decide."""

from __future__ import annotations

from django import forms

from training.models import Lesson, Module, QuestionKind
from training.services.content_format import MAX_CHOICES, MAX_IMPORT_BYTES, MODULE_NUMBERS

MODULE_SETTINGS = [
    "title",
    "slug",
    "summary",
    "level",
    "estimated_minutes",
    "position",
    "prerequisites",
    "questions_per_attempt",
    "pass_mark_percent",
    "max_attempts",
    "cooldown_minutes",
    "time_limit_minutes",
    "feedback",
]
QUIZ_SETTINGS = MODULE_SETTINGS[7:]


class ModuleForm(forms.ModelForm):
    """A module's settings, its prerequisites and its quiz's rules."""

    prerequisites = forms.ModelMultipleChoiceField(
        queryset=Module.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="Modules whose quiz a person passes before this one opens to them.",
    )

    class Meta:
        model = Module
        fields = MODULE_SETTINGS
        labels = {
            "estimated_minutes": "Estimated minutes",
            "position": "Place in the catalogue",
            "questions_per_attempt": "Questions per attempt",
            "pass_mark_percent": "Pass mark (%)",
            "max_attempts": "Attempts allowed",
            "cooldown_minutes": "Wait after a failed attempt (minutes)",
            "time_limit_minutes": "Time limit (minutes)",
            "feedback": "After an attempt, show",
        }
        help_texts = {
            "slug": "Its address: /training/modules/<slug>/. Leave empty to derive it from the title; it stays "
            "once the module is published.",
            "summary": "One or two sentences for the catalogue.",
            "position": "Lower numbers come first.",
            "questions_per_attempt": "Drawn at random from the active questions of the bank, in a shuffled order.",
            "max_attempts": "0: unlimited. Extra attempts can be granted to a person as an accommodation.",
            "cooldown_minutes": "0: they may try again at once. At most a week (10080).",
            "time_limit_minutes": "Empty: no limit. Enforced on the server; accommodations can add time.",
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, prerequisite_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        for name, (low, high) in MODULE_NUMBERS.items():
            if name in self.fields:
                self.fields[name].min_value = low
                self.fields[name].max_value = high
                self.fields[name].widget.attrs.update({"min": low, "max": high})
        if prerequisite_choices is not None:
            self.fields["prerequisites"].queryset = prerequisite_choices
        if self.instance.pk and self.instance.published_at:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = "A module that has been published keeps its address."

    def settings(self) -> dict:
        values = {name: self.cleaned_data[name] for name in MODULE_SETTINGS if name in self.cleaned_data}
        values["prerequisites"] = list(values.get("prerequisites") or [])
        if self.fields["slug"].disabled or not values.get("slug"):
            values.pop("slug", None)
        return values


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["title", "estimated_minutes", "body"]
        labels = {"estimated_minutes": "Reading time (minutes)", "body": "Text"}
        help_texts = {
            "body": "Markdown: ## headings, **bold**, lists, tables, links. Show one of the module's images with "
            "![What it shows](image:its-name.png).",
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 22, "class": "font-monospace"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estimated_minutes"].min_value = 1
        self.fields["estimated_minutes"].max_value = 240
        self.fields["estimated_minutes"].widget.attrs.update({"min": 1, "max": 240})


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(choices=QuestionKind.choices, label="Kind")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Question")
    true_false_answer = forms.ChoiceField(
        choices=[("true", "True"), ("false", "False")],
        required=False,
        widget=forms.RadioSelect,
        label="The statement is",
    )
    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Why the right answer is right; shown with the answers after an attempt, as the module's "
        "feedback setting says.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == QuestionKind.TRUE_FALSE and not cleaned.get("true_false_answer"):
            self.add_error("true_false_answer", "Say whether the statement is true or false.")
        return cleaned


class ChoiceForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(max_length=500, required=False, label="Choice")
    is_correct = forms.BooleanField(required=False, label="Correct")


ChoiceFormSet = forms.formset_factory(ChoiceForm, extra=0, max_num=MAX_CHOICES, absolute_max=MAX_CHOICES)


def choice_rows(formset) -> list[dict]:
    """The choices an author filled in, in order (empty rows are left out)."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {}) or {}
        if not (data.get("text") or "").strip():
            continue
        rows.append({"id": data.get("id"), "text": data["text"], "is_correct": bool(data.get("is_correct"))})
    return rows


class LessonImageForm(forms.Form):
    file = forms.FileField(label="Image", help_text="JPEG, PNG, GIF or WebP, at most 5 MB.")
    name = forms.CharField(
        max_length=100,
        required=False,
        help_text="How lessons show it: image:<name>. Empty: taken from the file's name.",
    )
    alt_text = forms.CharField(max_length=300, required=False, label="Describe it", help_text="For screen readers.")
    replace = forms.BooleanField(required=False, label="Replace an image of the same name")


class ModuleImportForm(forms.Form):
    file = forms.FileField(
        label="Module file (JSON)",
        help_text="A module exported from CoE Hub (“Export as JSON”). It is checked completely before anything "
        "is written, and arrives as a draft.",
    )
    slug = forms.SlugField(
        max_length=200,
        required=False,
        label="Import under the slug",
        help_text="Empty: the slug in the file.",
    )
    rename_if_taken = forms.BooleanField(
        required=False, initial=True, label="If that slug is taken, choose a free one (e.g. brand-voice-2)"
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
        return upload
