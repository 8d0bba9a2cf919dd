"""The demo company's policies: the social media policy (v1, and a v2 that asked everyone to
accept it again, with a minor v3 in draft), brand guidelines (a minor v2 that asked nobody again)
and the disclosure and advocacy policy, published days ago. Some demo people accepted, others
still have to — the employee and the Marketing liaison among them, the liaison overdue on the brand
guidelines, reminded and escalated to the Marketing lead by the real reminder sweep.

Everything goes through the real services; publication and acceptance times are given to them in
the past. Idempotent: a policy that exists is left as it is (the CoE may have changed it since).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from coe.models import Department
from coe.permissions import SYSTEM
from coe.roles import Role
from governance import permissions
from governance.models import Policy, PolicyCategory, PolicyVersion
from governance.services import policies as services

User = get_user_model()

SOCIAL_MEDIA_V1 = """\
## Why this policy exists {#purpose}

Social media is where our customers, future colleagues and critics talk about us, and where each of
us can help or hurt the company with a single post. This policy explains how to take part with
confidence: what you may do freely, what needs care, and where to get help.

## Who it applies to {#scope}

Everyone who works for Acme — employees, contractors, interns and agency staff acting for us — on
every platform, whether you post from a company account or your own, at work or at home.

## Personal accounts {#personal-accounts}

Your personal accounts are yours. You may mention your work, share our public posts and celebrate
our successes. When you do:

- speak for yourself, not for the company;
- do not use company logos as your profile picture or in your handle;
- keep to the rest of this policy whenever the subject is Acme, our customers, partners or competitors.

## Official accounts {#official-accounts}

Only trained and certified colleagues post on official Acme accounts, through CoE Hub, and every
post follows its channel's approval route. Never create an account that looks official: ask the
Social Media CoE to set one up.

## Disclosing your employment {#disclosure}

When you talk about Acme, our products or our competitors, say that you work here — for example
"I work at Acme" in the post or your profile. Add "views are my own" where it helps. Never post
reviews or ratings of our products, or of our competitors', without saying who you work for.

## Confidential information {#confidentiality}

Do not share anything that is not public: results before they are announced, product plans,
customer names or data, pricing under negotiation, internal documents or screenshots of internal
tools. If you are not sure whether something is public, it is not.

## Respectful engagement {#respectful-engagement}

Be courteous, accurate and honest. No harassment, discrimination, threats or personal attacks, and
no arguing with critics. Correct mistakes openly; do not delete a post to hide an error.

## Customers and journalists {#customers-and-media}

If a customer asks for help, point them to our support channels and tell the Customer Service
liaison. If a journalist, analyst or influencer contacts you, do not comment: pass the request to
PR & Communications.

## When something goes wrong {#crisis-escalation}

If you see a post about Acme that could become a crisis — a safety issue, a data leak, a viral
complaint — do not respond. Tell the Social Media CoE at once, with a link and a screenshot.

## What happens if the policy is not followed {#consequences}

Breaking this policy may lead to removal of posting rights on official accounts and to disciplinary
action under the employee handbook. Honest mistakes reported quickly are treated as a chance to learn.

## Questions {#questions}

Ask the Social Media CoE, or your department's social media liaison.
"""

SOCIAL_MEDIA_V2_CHANGES = [
    (
        "## What happens if the policy is not followed {#consequences}",
        """\
## Content made with AI tools {#ai-content}

You may use AI tools to help draft posts for official accounts, but a person checks every fact and
claim and remains responsible for what is published. Never paste confidential information into an
AI tool that is not approved by IT & Security. Images or videos that were generated or substantially
changed with AI are labelled as such.

## What happens if the policy is not followed {#consequences}""",
    ),
    (
        "If you see a post about Acme that could become a crisis — a safety issue, a data leak, a viral\n"
        "complaint — do not respond. Tell the Social Media CoE at once, with a link and a screenshot.",
        "If you see a post about Acme that could become a crisis — a safety issue, a data leak, a viral\n"
        "complaint, a post that reveals confidential information — do not respond, share or delete\n"
        "anything. Tell the Social Media CoE at once, with a link and a screenshot; outside office hours,\n"
        "call the crisis line on the intranet. During a declared incident, only the named spokespeople\n"
        "speak for Acme.",
    ),
]

SOCIAL_MEDIA_V3_CHANGE = (
    "Ask the Social Media CoE, or your department's social media liaison.",
    "Ask the Social Media CoE (social@acme.example), or your department's social media liaison.",
)

BRAND_V1 = """\
## Voice and tone {#voice-and-tone}

We sound like a helpful expert: clear, warm and direct. Short sentences, plain words, no jargon.
We are confident without boasting, and we never mock customers or competitors.

## Logo and visuals {#logo-and-visuals}

Use only the logo files and templates from the brand portal. Keep the clear space around the logo,
never stretch, recolour or animate it, and use the brand palette for graphics.

## Hashtags and mentions {#hashtags}

One or two relevant hashtags per post, our campaign hashtag first. Mention partners only with their
agreement, and never tag people in photos without their consent.

## Accessible posts {#accessibility}

Every image gets a description (alt text). Videos carry captions. Write hashtags in CamelCase and
keep emoji to the end of a sentence.

## Claims and numbers {#claims}

Product claims and figures come from approved sources only; anything comparative ("faster than",
"the best") goes to Legal before it is posted.
"""

BRAND_V2_CHANGE = (
    "keep emoji to the end of a sentence.",
    "keep emoji to the end of a sentence — screen readers read each one aloud.",
)

DISCLOSURE_V1 = """\
## Sponsored content {#sponsored-content}

Any post that is paid for, part of a partnership or promotes a giveaway carries a clear disclosure
at its start: #ad or "Sponsored". Campaigns marked sponsored in CoE Hub are checked for it before
they are submitted.

## Employee advocacy {#employee-advocacy}

When you share company content from your personal account, say that you work for Acme. Share
our posts as they are; do not add claims about our products that the original post does not make.

## Gifts and incentives {#incentives}

If Acme gave you something for posting — a product, points in an advocacy programme, a prize — say
so in the post.

## Influencers and partners {#influencers}

Contracts with influencers require them to disclose the partnership in every post, and the CoE
checks that they do. Report an undisclosed partnership post to the CoE.

## Contests and giveaways {#contests}

Every contest has official rules approved by Legal, linked from the post. Employees and their
families may not enter.
"""

# Demo people who accepted each version (usernames), beyond the CoE staff.
V1_ACCEPTED = ["manager", "member", "liaison", "liaison_cs", "approver", "employee", "leader"]
V2_ACCEPTED = ["manager", "member", "liaison_cs", "approver", "leader"]
BRAND_ACCEPTED = ["manager", "member", "liaison_cs"]
DISCLOSURE_ACCEPTED = ["manager", "member", "leader"]


def _apply(text: str, changes: list[tuple[str, str]]) -> str:
    for old, new in changes:
        if old not in text:
            raise ValueError(f"demo text changed: {old[:40]!r} not found")
        text = text.replace(old, new, 1)
    return text


def _people(usernames: list[str]) -> list:
    by_name = {user.username: user for user in User.objects.filter(username__in=usernames, is_active=True)}
    return [by_name[name] for name in usernames if name in by_name]


def _colleagues(share: float, audience) -> list:
    """A stable share of the audience beyond the named demo users (ordered by username)."""
    everyone = list(audience.exclude(username__in=V1_ACCEPTED).order_by("username"))
    return [person for index, person in enumerate(everyone) if (index * 37) % 100 < share * 100]


def _draft(policy: Policy, body: str, summary: str, *, major: bool, effective: datetime) -> PolicyVersion:
    version = services.policy_version_draft(actor=SYSTEM, policy=policy)
    version = services.policy_version_update(
        actor=SYSTEM,
        version=version,
        changes={
            "body": body,
            "change_summary": summary,
            "requires_acknowledgment": major,
            "effective_on": timezone.localdate(effective),
        },
    )
    PolicyVersion.objects.filter(pk=version.pk).update(created_at=effective - timedelta(days=5))
    return version


def _publish(version: PolicyVersion, when: datetime) -> PolicyVersion:
    return services.policy_version_publish(actor=SYSTEM, version=version, now=when)


def _accept(people: list, version: PolicyVersion, start: datetime) -> None:
    for index, person in enumerate(people):
        services.acknowledgment_record(actor=person, version=version, now=start + timedelta(hours=3 + 7 * index))


def _create(fields: dict, body: str, summary: str, created: datetime) -> tuple[Policy, PolicyVersion]:
    policy = services.policy_create(actor=SYSTEM, fields=fields, body=body, change_summary=summary)
    version = policy.versions.get(number=1)
    PolicyVersion.objects.filter(pk=version.pk).update(created_at=created - timedelta(days=7))
    services.policy_version_update(actor=SYSTEM, version=version, changes={"effective_on": timezone.localdate(created)})
    version.refresh_from_db()
    return policy, version


def _make_history_possible(earliest: datetime) -> None:
    """The demo company was set up a moment ago; its people have worked here for a while (a
    deadline runs from a version's publication or from the day a person joined, whichever is
    later)."""
    User.objects.filter(date_joined__gt=earliest).update(date_joined=earliest)


def seed() -> None:
    now = timezone.now()
    _make_history_possible(now - timedelta(days=400))
    departments = {d.slug: d for d in Department.objects.all()}
    manager = User.objects.filter(username="manager").first()

    if not Policy.objects.filter(slug="social-media-policy").exists():
        v1_at, v2_at = now - timedelta(days=200), now - timedelta(days=10)
        policy, v1 = _create(
            {
                "title": "Social media policy",
                "category": PolicyCategory.SOCIAL_MEDIA,
                "summary": "How everyone at Acme takes part in social media, on official and personal accounts.",
                "owner": manager,
                "review_due_on": timezone.localdate(now + timedelta(days=120)),
                "audience_everyone": True,
                "acknowledge_within_days": 14,
            },
            SOCIAL_MEDIA_V1,
            "First version.",
            v1_at,
        )
        _publish(v1, v1_at)
        _accept(_people(V1_ACCEPTED) + _colleagues(0.8, User.objects.filter(is_active=True)), v1, v1_at)
        v2 = _draft(
            policy,
            _apply(SOCIAL_MEDIA_V1, SOCIAL_MEDIA_V2_CHANGES),
            "New clause on content made with AI tools; crisis escalation now covers leaks and names the crisis line.",
            major=True,
            effective=v2_at,
        )
        _publish(v2, v2_at)
        _accept(_people(V2_ACCEPTED) + _colleagues(0.55, User.objects.filter(is_active=True)), v2, v2_at)
        _draft(
            policy,
            _apply(v2.body, [SOCIAL_MEDIA_V3_CHANGE]),
            "Adds the CoE's e-mail address.",
            major=False,
            effective=now,
        )

    if not Policy.objects.filter(slug="brand-guidelines").exists():
        v1_at, v2_at = now - timedelta(days=45), now - timedelta(days=6)
        marketing_lead = User.objects.filter(username="marketing-lead").first()
        brand_departments = ("social-media-coe", "marketing", "customer-service", "pr-communications")
        audience = [departments[slug] for slug in brand_departments if slug in departments]
        policy, v1 = _create(
            {
                "title": "Brand guidelines",
                "category": PolicyCategory.BRAND,
                "summary": "Our voice, visuals and claims on every channel.",
                "owner": marketing_lead,
                "review_due_on": timezone.localdate(now - timedelta(days=2)),
                "audience_everyone": False,
                "audience_departments": audience,
                "audience_roles": [Group.objects.get(name=Role.LIAISON.group_name)],
                "acknowledge_within_days": 14,
            },
            BRAND_V1,
            "First version.",
            v1_at,
        )
        _publish(v1, v1_at)
        brand_audience = permissions.policy_audience(policy)
        _accept(_people(BRAND_ACCEPTED) + _colleagues(0.6, brand_audience), v1, v1_at)
        v2 = _draft(
            policy,
            _apply(BRAND_V1, [BRAND_V2_CHANGE]),
            "Explains why emoji go at the end of a sentence.",
            major=False,
            effective=v2_at,
        )
        _publish(v2, v2_at)
        # The sweep beat runs: overdue people reminded on day 15, escalated to their lead a week later.
        services.policy_acknowledgments_remind(now=v1_at + timedelta(days=15))
        services.policy_acknowledgments_remind(now=v1_at + timedelta(days=23))

    if not Policy.objects.filter(slug="disclosure-and-advocacy").exists():
        v1_at = now - timedelta(days=3)
        legal_lead = User.objects.filter(username="legal-lead").first()
        audience = [
            departments[slug]
            for slug in ("social-media-coe", "sales", "marketing", "pr-communications", "executive-office")
            if slug in departments
        ]
        policy, v1 = _create(
            {
                "title": "Disclosure and advocacy",
                "category": PolicyCategory.DISCLOSURE,
                "summary": "When and how to say a post is sponsored, and how employees share company content.",
                "owner": legal_lead,
                "review_due_on": timezone.localdate(now + timedelta(days=300)),
                "audience_everyone": False,
                "audience_departments": audience,
                "acknowledge_within_days": 14,
            },
            DISCLOSURE_V1,
            "First version.",
            v1_at,
        )
        _publish(v1, v1_at)
        _accept(_people(DISCLOSURE_ACCEPTED), v1, v1_at)
