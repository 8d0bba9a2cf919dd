"""Demo tools inventory and evaluations: eight tools across the categories (owners, costs, renewal
dates — one within 30 days, another within 90), a finished social listening evaluation (6
requirements, 3 candidates, 3 reviewers' full scores, a recommendation with reasons) and an
employee advocacy evaluation being scored. Idempotent: tools by name, evaluations by title (an
existing one is left as it is)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from coe.models import (
    Department,
    Evaluation,
    EvaluationCandidate,
    EvaluationRequirement,
    EvaluationScore,
    Tool,
    ToolCategory,
)

# name, vendor, category, owner, department slug, yearly cost, renewal in days from today, notes
TOOLS = [
    (
        "Hootsuite Enterprise",
        "Hootsuite",
        ToolCategory.SOCIAL_MANAGEMENT,
        "member",
        "social-media-coe",
        "18000",
        21,
        "20 seats; the CoE's publishing and inbox before CoE Hub took over approvals.",
    ),
    (
        "Sprout Social Listening",
        "Sprout Social",
        ToolCategory.LISTENING,
        "member",
        "social-media-coe",
        "14400",
        64,
        "Keyword listening for the brand and three competitors.",
    ),
    (
        "Looker Studio Pro",
        "Google",
        ToolCategory.ANALYTICS,
        "manager",
        "social-media-coe",
        "2400",
        190,
        "Leadership dashboards fed by the CoE Hub BI export.",
    ),
    ("Canva Teams", "Canva", ToolCategory.ASSETS, "liaison", "marketing", "3600", 140, "Templates in the brand kit."),
    (
        "Bynder DAM",
        "Bynder",
        ToolCategory.ASSETS,
        "marketing-lead",
        "marketing",
        "26000",
        250,
        "Approved images and video, with usage rights.",
    ),
    (
        "Zendesk Social Messaging",
        "Zendesk",
        ToolCategory.SOCIAL_MANAGEMENT,
        "liaison_cs",
        "customer-service",
        "9600",
        110,
        "Direct messages from social channels into support tickets.",
    ),
    (
        "Bitly Enterprise",
        "Bitly",
        ToolCategory.ANALYTICS,
        "member",
        "social-media-coe",
        "3000",
        320,
        "Branded short links with click tracking.",
    ),
    (
        "Linktree Pro",
        "Linktree",
        ToolCategory.OTHER,
        "liaison",
        "marketing",
        "120",
        -30,
        "Retired: replaced by the website's link page.",
    ),
]

LISTENING = "Social listening platform 2026"
LISTENING_PURPOSE = (
    "Our current listening covers only English keywords and misses sentiment turns overnight. We need a "
    "platform that hears the brand in our five markets, alerts the CoE in time and feeds the crisis plan."
)
# name, weight
LISTENING_REQUIREMENTS = [
    ("Coverage: networks, news, forums and reviews in 5 languages", 5),
    ("Real-time alerts on volume and sentiment spikes", 5),
    ("Sentiment accuracy in German and French", 4),
    ("Export to our BI tools (API, scheduled CSV)", 3),
    ("Single sign-on and role-based access", 3),
    ("Onboarding and support in EU hours", 2),
]
# name, yearly cost, notes
LISTENING_CANDIDATES = [
    ("EchoScope Listening", "21000", "Strong news and forum coverage; alerts every 5 minutes."),
    ("Murmur Analytics", "14500", "Cheapest; sentiment model trained mostly on English."),
    ("Pulsewire Social", "17800", "Good sentiment in European languages; API export included."),
]
# reviewer -> candidate -> scores per requirement (same order as the requirements)
LISTENING_SCORES = {
    "member": {
        "EchoScope Listening": [5, 5, 3, 4, 4, 3],
        "Murmur Analytics": [3, 3, 2, 3, 4, 4],
        "Pulsewire Social": [4, 4, 5, 5, 4, 4],
    },
    "liaison_cs": {
        "EchoScope Listening": [4, 5, 3, 3, 4, 3],
        "Murmur Analytics": [3, 2, 2, 2, 3, 4],
        "Pulsewire Social": [4, 5, 4, 4, 4, 5],
    },
    "pr-communications-lead": {
        "EchoScope Listening": [5, 4, 2, 4, 5, 3],
        "Murmur Analytics": [2, 3, 1, 3, 3, 3],
        "Pulsewire Social": [4, 4, 5, 4, 4, 4],
    },
}
LISTENING_WHY = (
    "Pulsewire Social scored highest overall (85 of 100) and was the only candidate every reviewer rated 4 or "
    "better on sentiment in German and French — the gap that made us miss last spring's complaint wave. It "
    "costs 3,200 EUR a year less than EchoScope, includes the API export our BI dashboards need, and its alerts "
    "can open a crisis incident through our webhook. EchoScope's wider news coverage did not outweigh its "
    "weaker sentiment; Murmur is cheaper but failed the language requirement."
)

ADVOCACY = "Employee advocacy platform"
ADVOCACY_PURPOSE = (
    "Certified employees should be able to share approved posts in two clicks, with the CoE seeing reach per "
    "department."
)
ADVOCACY_REQUIREMENTS = [
    ("Shares only approved content from CoE Hub", 5),
    ("Mobile app employees actually like", 4),
    ("Reach and click figures per department", 4),
    ("Respects the social media policy (disclosures)", 5),
    ("Price per active user", 3),
]
ADVOCACY_CANDIDATES = [
    ("AmplifyHQ", "12000", "Per active user pricing."),
    ("Sharebridge", "9000", "Flat price up to 500 people."),
    ("VoiceUp", "15500", "Gamification built in."),
]
ADVOCACY_SCORES = {"member": {"AmplifyHQ": [4, 4, 3, 5, 3], "Sharebridge": [3, 3, 4, 4, 5]}}


def _seed_tools(people, departments, today) -> None:
    existing = set(Tool.objects.filter(name__in=[t[0] for t in TOOLS]).values_list("name", flat=True))
    Tool.objects.bulk_create(
        [
            Tool(
                name=name,
                vendor=vendor,
                category=category,
                owner=people.get(owner),
                department=departments.get(dept),
                yearly_cost=Decimal(cost),
                currency="EUR",
                renewal_on=today + timedelta(days=days),
                notes=notes,
                is_active=days > 0,
            )
            for name, vendor, category, owner, dept, cost, days, notes in TOOLS
            if name not in existing
        ]
    )


def _seed_evaluation(title, purpose, category, status, requirements, candidates, scores, people, creator):
    evaluation = Evaluation.objects.create(
        title=title, purpose=purpose, category=category, status=status, created_by=creator
    )
    evaluation.reviewers.set([people[name] for name in scores if name in people])
    reqs = EvaluationRequirement.objects.bulk_create(
        [
            EvaluationRequirement(evaluation=evaluation, name=name, weight=weight, position=position)
            for position, (name, weight) in enumerate(requirements, start=1)
        ]
    )
    cands = {
        c.name: c
        for c in EvaluationCandidate.objects.bulk_create(
            [
                EvaluationCandidate(evaluation=evaluation, name=name, yearly_cost=Decimal(cost), notes=notes)
                for name, cost, notes in candidates
            ]
        )
    }
    EvaluationScore.objects.bulk_create(
        [
            EvaluationScore(requirement=req, candidate=cands[cand], reviewer=people[reviewer], score=value)
            for reviewer, by_candidate in scores.items()
            if reviewer in people
            for cand, values in by_candidate.items()
            for req, value in zip(reqs, values, strict=True)
        ]
    )
    return evaluation, cands


def seed() -> None:
    today = timezone.localdate()
    usernames = {"manager", "member", "liaison", "liaison_cs", "marketing-lead", "pr-communications-lead"}
    people = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    departments = {d.slug: d for d in Department.objects.all()}
    _seed_tools(people, departments, today)
    manager = people.get("manager")
    if not Evaluation.objects.filter(title=LISTENING).exists():
        evaluation, cands = _seed_evaluation(
            LISTENING,
            LISTENING_PURPOSE,
            ToolCategory.LISTENING,
            Evaluation.Status.FINISHED,
            LISTENING_REQUIREMENTS,
            LISTENING_CANDIDATES,
            LISTENING_SCORES,
            people,
            manager,
        )
        evaluation.recommended = cands["Pulsewire Social"]
        evaluation.recommendation = LISTENING_WHY
        evaluation.finished_at = timezone.now() - timedelta(days=12)
        evaluation.save(update_fields=["recommended", "recommendation", "finished_at"])
    if not Evaluation.objects.filter(title=ADVOCACY).exists():
        evaluation, _ = _seed_evaluation(
            ADVOCACY,
            ADVOCACY_PURPOSE,
            ToolCategory.ADVOCACY,
            Evaluation.Status.SCORING,
            ADVOCACY_REQUIREMENTS,
            ADVOCACY_CANDIDATES,
            ADVOCACY_SCORES,
            people,
            manager,
        )
        evaluation.reviewers.add(*[people[name] for name in ("manager", "liaison") if name in people])
