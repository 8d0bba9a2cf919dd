"""Forms of the content rules pages: a rule (its kind's settings as plain fields, gathered into
the rule's ``config``), the rules list filter and the rule tester."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from coe.models import Department
from coe.roles import ROLE_GROUP_NAMES
from governance.models import ContentRule, Policy, RuleKind, RuleSeverity
from governance.rules.config import DISCLOSURE_CONDITIONS, PERSONAL_DATA

LINES = {"rows": 4}
CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
# The settings each kind of rule shows (the others are hidden in the page and ignored).
KIND_FIELDS = {
    RuleKind.BANNED_TERM: ["terms"],
    RuleKind.REQUIRED_DISCLOSURE: ["disclosure_when", "disclosures", "disclosure_terms", "disclosure_within"],
    RuleKind.LINK_DOMAINS: ["link_mode", "domains"],
    RuleKind.PERSONAL_DATA: ["detect", "allow"],
    RuleKind.HASHTAG_LIMIT: ["max"],
    RuleKind.MENTION_LIMIT: ["max"],
    RuleKind.REGEX: ["pattern", "ignore_case"],
}


def channel_model():
    """publishing's Channel, reached through the rule's relation (governance never imports publishing)."""
    return ContentRule._meta.get_field("channels").related_model


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class RuleForm(forms.Form):
    name = forms.CharField(max_length=120)
    kind = forms.ChoiceField(choices=RuleKind.choices, label="Kind of rule")
    severity = forms.ChoiceField(
        choices=RuleSeverity.choices, widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )
    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to the liaison next to what they wrote: why the rule exists and what to write instead.",
    )
    # banned_term
    terms = forms.CharField(
        widget=forms.Textarea(attrs=LINES),
        required=False,
        label="Banned terms and phrases",
        help_text="One per line. Whole words, whatever the case, accents, spacing or look-alike letters.",
    )
    # required_disclosure
    disclosure_when = forms.ChoiceField(
        choices=list(DISCLOSURE_CONDITIONS.items()), required=False, label="A disclosure is needed when"
    )
    disclosures = forms.CharField(
        widget=forms.Textarea(attrs=LINES),
        required=False,
        label="Disclosures that count",
        help_text="One per line, e.g. #ad, Sponsored, Paid partnership. Any one of them is enough.",
    )
    disclosure_terms = forms.CharField(
        widget=forms.Textarea(attrs=LINES),
        required=False,
        label="Names that call for a disclosure",
        help_text="Only when the condition is “names one of the terms”: partner brands, one per line.",
    )
    disclosure_within = forms.IntegerField(
        min_value=1,
        max_value=5000,
        required=False,
        label="Within the first … characters",
        help_text="Empty: anywhere in the post. 140 keeps it above “…more” on most networks.",
    )
    # link_domains
    link_mode = forms.ChoiceField(
        choices=[("deny", "Deny: never link to these domains"), ("allow", "Allow: link only to these domains")],
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        label="Mode",
    )
    domains = forms.CharField(
        widget=forms.Textarea(attrs=LINES),
        required=False,
        help_text="One per line, e.g. bit.ly. Subdomains are included (news.acme.example is within acme.example).",
    )
    # personal_data
    detect = forms.MultipleChoiceField(
        choices=[(key, label.capitalize()) for key, label in PERSONAL_DATA.items()],
        required=False,
        widget=CHECKBOXES,
        label="Detect",
    )
    allow = forms.CharField(
        widget=forms.Textarea(attrs=LINES),
        required=False,
        label="Allowed anyway",
        help_text="One per line: the company's public addresses (press@acme.example), a whole domain "
        "(acme.example) or a public phone number.",
    )
    # hashtag_limit, mention_limit
    max = forms.IntegerField(min_value=0, max_value=100, required=False, label="At most")
    # regex
    pattern = forms.CharField(
        max_length=500,
        required=False,
        label="Regular expression",
        widget=forms.TextInput(attrs={"class": "font-monospace"}),
        help_text="Checked against the normalised text (lower case, accents and invisible characters removed). "
        "Patterns that could take long on some texts are refused.",
    )
    ignore_case = forms.BooleanField(required=False, initial=True, label="Ignore case")
    # the policy clause
    policy = forms.ModelChoiceField(queryset=Policy.objects.order_by("title"), required=False)
    clause = forms.CharField(max_length=120, required=False, help_text="e.g. “§4 Disclosure”.")
    clause_anchor = forms.SlugField(
        max_length=120,
        required=False,
        label="Clause anchor",
        help_text="The heading's address in the policy (the part after # in its link).",
    )
    # scope
    applies_everywhere = forms.BooleanField(required=False, initial=True, label="Applies to every channel")
    channels = forms.ModelMultipleChoiceField(queryset=Department.objects.none(), required=False, widget=CHECKBOXES)
    departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.order_by("name"), required=False, widget=CHECKBOXES
    )
    # what a warning adds
    review_stage_name = forms.CharField(
        max_length=80, required=False, label="Review stage a warning adds", help_text="e.g. Legal."
    )
    review_group = forms.ModelChoiceField(
        queryset=Group.objects.filter(name__in=ROLE_GROUP_NAMES).order_by("name"),
        required=False,
        label="Reviewed by a role",
    )
    review_people = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Reviewed by these people",
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Nobody named: the CoE managers review.",
    )

    def __init__(self, *args, rule: ContentRule | None = None, **kwargs):
        if rule is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(rule)
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = channel_model().objects.select_related("department").order_by("name")
        self.fields["channels"].label_from_instance = lambda c: f"{c.name} ({c.department})"
        self.fields["review_people"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")
        )
        self.fields["review_people"].label_from_instance = lambda p: f"{p.display_name} ({p.username})"

    @staticmethod
    def initial_for(rule: ContentRule) -> dict[str, Any]:
        config = rule.config or {}
        initial: dict[str, Any] = {
            "name": rule.name,
            "kind": rule.kind,
            "severity": rule.severity,
            "explanation": rule.explanation,
            "policy": rule.policy_id,
            "clause": rule.clause,
            "clause_anchor": rule.clause_anchor,
            "applies_everywhere": rule.applies_everywhere,
            "channels": list(rule.channels.all()),
            "departments": list(rule.departments.all()),
            "review_stage_name": rule.review_stage_name,
            "review_group": rule.review_group_id,
            "review_people": list(rule.review_people.all()),
        }
        if rule.kind == RuleKind.BANNED_TERM:
            initial["terms"] = "\n".join(config.get("terms", []))
        elif rule.kind == RuleKind.REQUIRED_DISCLOSURE:
            initial["disclosure_when"] = config.get("when")
            initial["disclosures"] = "\n".join(config.get("disclosures", []))
            initial["disclosure_terms"] = "\n".join(config.get("terms", []))
            initial["disclosure_within"] = config.get("within")
        elif rule.kind == RuleKind.LINK_DOMAINS:
            initial["link_mode"] = config.get("mode")
            initial["domains"] = "\n".join(config.get("domains", []))
        elif rule.kind == RuleKind.PERSONAL_DATA:
            initial["detect"] = config.get("detect", [])
            initial["allow"] = "\n".join(config.get("allow", []))
        elif rule.kind in {RuleKind.HASHTAG_LIMIT, RuleKind.MENTION_LIMIT}:
            initial["max"] = config.get("max")
        elif rule.kind == RuleKind.REGEX:
            initial["pattern"] = config.get("pattern", "")
            initial["ignore_case"] = config.get("ignore_case", True)
        return initial

    def config(self) -> dict[str, Any]:
        """The chosen kind's settings, as the rule stores them (the service checks them)."""
        data = self.cleaned_data
        kind = data["kind"]
        if kind == RuleKind.BANNED_TERM:
            return {"terms": _lines(data["terms"])}
        if kind == RuleKind.REQUIRED_DISCLOSURE:
            config = {
                "when": data["disclosure_when"] or "sponsored_campaign",
                "disclosures": _lines(data["disclosures"]),
            }
            if config["when"] == "mentions":
                config["terms"] = _lines(data["disclosure_terms"])
            if data["disclosure_within"]:
                config["within"] = data["disclosure_within"]
            return config
        if kind == RuleKind.LINK_DOMAINS:
            return {"mode": data["link_mode"] or "deny", "domains": _lines(data["domains"])}
        if kind == RuleKind.PERSONAL_DATA:
            config = {"detect": list(data["detect"])}
            if _lines(data["allow"]):
                config["allow"] = _lines(data["allow"])
            return config
        if kind in {RuleKind.HASHTAG_LIMIT, RuleKind.MENTION_LIMIT}:
            return {"max": data["max"] if data["max"] is not None else -1}
        return {"pattern": data["pattern"], "ignore_case": data["ignore_case"]}

    def service_fields(self) -> dict[str, Any]:
        """What the service sets. The review stage only matters to a warning: a blocking rule keeps
        the one it has (the page hides those fields)."""
        data = self.cleaned_data
        fields = {
            "name": data["name"],
            "kind": data["kind"],
            "severity": data["severity"],
            "config": self.config(),
            "explanation": data["explanation"],
            "policy": data["policy"],
            "clause": data["clause"],
            "clause_anchor": data["clause_anchor"],
            "applies_everywhere": data["applies_everywhere"],
            "channels": list(data["channels"]),
            "departments": list(data["departments"]),
            "review_stage_name": data["review_stage_name"],
            "review_group": data["review_group"],
            "review_people": list(data["review_people"]),
        }
        if data["severity"] != RuleSeverity.WARN:
            for name in ("review_stage_name", "review_group", "review_people"):
                del fields[name]
        return fields

    def kind_sections(self) -> list[dict[str, Any]]:
        """The settings fields per kind, for the page (one fieldset each)."""
        return [
            {"kind": kind, "label": kind.label, "fields": [self[name] for name in names]}
            for kind, names in KIND_FIELDS.items()
        ]


class TesterForm(forms.Form):
    """Any text, as if it were posted to a channel or by a department."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=20000)
    link = forms.CharField(max_length=500, required=False, help_text="The post's separate link, if any.")
    channel = forms.ModelChoiceField(
        queryset=Department.objects.none(), required=False, empty_label="Any channel (rules for every channel)"
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.order_by("name"), required=False, empty_label="Any department"
    )
    sponsored = forms.BooleanField(required=False, label="Part of a sponsored campaign")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channel_model().objects.select_related("department").order_by("name")
        self.fields["channel"].label_from_instance = lambda c: f"{c.name} ({c.department})"
