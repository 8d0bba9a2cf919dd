"""The demo company's content rules: promises and competitor slurs that block, unprovable price
claims and regulated (health, money) claims that send a post to Legal, the disclosure that
sponsored campaigns need, no link shorteners, no personal data, and a hashtag limit that asks the
CoE to look.

Through the real service (settings checked, audited). Idempotent: a rule that exists (by name) is
left as it is — the CoE may have changed it since. Governance seeds before publishing, so no rule
here is scoped to channels; the Holiday Giveaway post and the rejected “lowest prices” post of
publishing's demo pass submission (the second only with Legal, who then rejects it).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from coe.models import Department
from coe.permissions import SYSTEM
from coe.roles import Role
from governance.models import ContentRule, Policy
from governance.services import rules as services

User = get_user_model()

RULES = [
    {
        "name": "Promises we cannot keep",
        "kind": "banned_term",
        "severity": "block",
        "config": {
            "terms": [
                "guaranteed returns",
                "risk-free",
                "no risk",
                "get rich quick",
                "double your money",
                "100% guaranteed",
                "guaranteed results",
            ]
        },
        "explanation": "We never promise results or an outcome without risk: it is misleading, and in financial "
        "products illegal. Say what the product does, with a source for any figure.",
        "policy": "brand-guidelines",
        "clause": "Claims and numbers",
        "clause_anchor": "claims",
    },
    {
        "name": "Talking down competitors",
        "kind": "banned_term",
        "severity": "block",
        "config": {"terms": ["knock-off", "rip-off merchants", "scammers", "con artists", "cheap imitation"]},
        "explanation": "We never mock competitors or their customers. Talk about what we do well instead.",
        "policy": "brand-guidelines",
        "clause": "Voice and tone",
        "clause_anchor": "voice-and-tone",
    },
    {
        "name": "Unprovable price claims",
        "kind": "banned_term",
        "severity": "warn",
        "config": {
            "terms": [
                "lowest prices anywhere",
                "cheapest on the market",
                "best price guaranteed",
                "unbeatable prices",
                "biggest sale ever",
            ]
        },
        "explanation": "Comparative price claims must be provable on the day they are posted: Legal checks them first.",
        "policy": "brand-guidelines",
        "clause": "Claims and numbers",
        "clause_anchor": "claims",
        "review_stage_name": "Legal",
        "legal_reviewers": True,
    },
    {
        "name": "Health and money claims",
        "kind": "regex",
        "severity": "warn",
        "config": {
            "pattern": r"\b(?:cures?|heals?|clinically proven|prevents? (?:disease|illness|cancer)|fda[ -]approved"
            r"|tax[ -]free|guaranteed (?:income|profits?)|investment advice|passive income)\b",
            "ignore_case": True,
        },
        "explanation": "Health and financial claims are regulated. Legal reviews the post before it goes out; "
        "have the source of the claim ready.",
        "policy": "brand-guidelines",
        "clause": "Claims and numbers",
        "clause_anchor": "claims",
        "review_stage_name": "Legal",
        "legal_reviewers": True,
    },
    {
        "name": "Sponsored posts carry a disclosure",
        "kind": "required_disclosure",
        "severity": "block",
        "config": {
            "when": "sponsored_campaign",
            "disclosures": ["#ad", "Sponsored", "Paid partnership"],
            "within": 140,
        },
        "explanation": "A post of a sponsored campaign says so where everyone sees it: put #ad, “Sponsored” or "
        "“Paid partnership” near the start, before the “…more” cut.",
        "policy": "disclosure-and-advocacy",
        "clause": "Sponsored content",
        "clause_anchor": "sponsored-content",
    },
    {
        "name": "No link shorteners",
        "kind": "link_domains",
        "severity": "block",
        "config": {
            "mode": "deny",
            "domains": ["bit.ly", "tinyurl.com", "goo.gl", "ow.ly", "is.gd", "buff.ly", "shorturl.at", "rebrand.ly"],
        },
        "explanation": "Shortened links hide where they lead and break our link tracking. Paste the full "
        "address; the networks shorten it for display.",
        "policy": "social-media-policy",
        "clause": "Official accounts",
        "clause_anchor": "official-accounts",
    },
    {
        "name": "No personal data",
        "kind": "personal_data",
        "severity": "block",
        "config": {"detect": ["email", "phone", "card"], "allow": ["acme.example"]},
        "explanation": "Never publish a customer's or colleague's e-mail address, phone number or card number. "
        "Ask them to send details by direct message; our own @acme.example addresses are fine.",
        "policy": "social-media-policy",
        "clause": "Confidential information",
        "clause_anchor": "confidentiality",
    },
    {
        "name": "Five hashtags at most",
        "kind": "hashtag_limit",
        "severity": "warn",
        "config": {"max": 5},
        "explanation": "More than five hashtags reads as spam and lowers reach: keep the campaign hashtag and "
        "one or two relevant ones. The CoE looks at posts with more.",
        "policy": "brand-guidelines",
        "clause": "Hashtags and mentions",
        "clause_anchor": "hashtags",
        "review_stage_name": "CoE review",
        "review_group": Role.COE_MEMBER,
    },
]


def _legal_reviewers() -> list:
    """The demo's Legal approvers; else whoever leads the Legal department."""
    people = list(User.objects.filter(username__in=["approver", "legal-lead"], is_active=True).order_by("username"))
    if people:
        return people
    legal = Department.objects.filter(slug="legal").select_related("lead").first()
    return [legal.lead] if legal is not None and legal.lead_id else []


def seed() -> None:
    existing = set(ContentRule.objects.values_list("name", flat=True))
    for definition in RULES:
        if definition["name"] in existing:
            continue
        fields = {key: value for key, value in definition.items() if key not in {"legal_reviewers", "policy"}}
        fields["policy"] = Policy.objects.filter(slug=definition.get("policy", "")).first()
        if fields["policy"] is None:
            fields["clause_anchor"] = ""  # the clause names a policy that is not there
        if definition.get("legal_reviewers"):
            fields["review_people"] = _legal_reviewers()
        if "review_group" in definition:
            fields["review_group"] = Group.objects.get(name=definition["review_group"].group_name)
        services.rule_create(actor=SYSTEM, fields=fields)
