"""Content rules: what every post is checked against while it is written, when it is submitted
and again just before it is published (governance.rules is the engine)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models

from coe.models import Department, TimeStampedModel


class RuleKind(models.TextChoices):
    BANNED_TERM = "banned_term", "Banned term or phrase"
    REQUIRED_DISCLOSURE = "required_disclosure", "Required disclosure"
    LINK_DOMAINS = "link_domains", "Link domains"
    PERSONAL_DATA = "personal_data", "Personal data"
    HASHTAG_LIMIT = "hashtag_limit", "Hashtag limit"
    MENTION_LIMIT = "mention_limit", "Mention limit"
    REGEX = "regex", "Regular expression"


class RuleSeverity(models.TextChoices):
    BLOCK = "block", "Block: the post cannot be submitted"
    WARN = "warn", "Warn: adds a review stage"


class ContentRule(TimeStampedModel):
    """One rule. ``config`` holds what its kind needs (validated by governance.rules):

    - banned_term: {"terms": ["guaranteed returns", …]}
    - required_disclosure: {"when": "sponsored_campaign" | "always" | "mentions", "terms": [… when
      "mentions"], "disclosures": ["#ad", "Sponsored"]}
    - link_domains: {"mode": "allow" | "deny", "domains": ["acme.example", …]}
    - personal_data: {"detect": ["email", "phone", "card"]}
    - hashtag_limit / mention_limit: {"max": 5}
    - regex: {"pattern": "…", "ignore_case": true}
    """

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=24, choices=RuleKind.choices)
    severity = models.CharField(max_length=8, choices=RuleSeverity.choices, default=RuleSeverity.BLOCK)
    config = models.JSONField(default=dict)
    explanation = models.TextField(help_text="Written for the liaison: why, and what to do instead.")
    policy = models.ForeignKey(
        "governance.Policy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rules",
        help_text="The policy whose clause this rule enforces.",
    )
    clause = models.CharField(max_length=120, blank=True, help_text="e.g. “§4 Disclosure”.")
    clause_anchor = models.SlugField(max_length=120, blank=True, help_text="The heading's anchor in the policy.")
    # Where it applies: everywhere, or only these channels / departments (either matching).
    applies_everywhere = models.BooleanField(default=True)
    channels = models.ManyToManyField("publishing.Channel", blank=True, related_name="+")
    departments = models.ManyToManyField(Department, blank=True, related_name="+")
    # A warning adds this review stage to the post's route.
    review_stage_name = models.CharField(max_length=80, blank=True, default="Legal")
    review_group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    review_people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["kind", "name"]
        permissions = [("test_contentrule", "Can try content rules on any text")]

    def __str__(self) -> str:
        return self.name
