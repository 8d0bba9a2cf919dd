"""The demo's crisis management: one crisis plan with two scenarios (a service outage; a product
safety complaint going viral), their first steps, holding statements with blanks to fill in, the
escalation list and spokespeople from the demo people, and a resolved past incident with its
timeline and post-incident review.

The plan is kept through the services (audited as the system's). The past incident is history,
written as it stands (no alerts sent, no freeze): nothing in the demo is left active, so the
demo's publishing runs. Idempotent: the plan is recognised by its name, the incident by its title.
"""

from __future__ import annotations

import zoneinfo
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from coe.permissions import SYSTEM
from governance.models import CrisisIncident, CrisisPlan, IncidentUpdate, Severity
from governance.services import crisis as services

User = get_user_model()

PLAN_NAME = "Social media crisis plan"
PURPOSE = (
    "How Acme responds on social media when something goes wrong: who is called, who speaks, what we say "
    "in the first hour, and how scheduled posts are stopped so nothing tone-deaf goes out."
)
SPOKESPEOPLE = ["manager", "pr-communications-lead"]
ESCALATION = ["manager", "member", "pr-communications-lead", "legal-lead", "customer-service-lead", "leader"]

SCENARIOS = [
    {
        "name": "Service outage",
        "default_severity": Severity.HIGH,
        "description": "The app, the website or checkout is down or badly degraded and customers say so publicly.",
        "first_steps": "\n".join(
            [
                "Confirm the outage with IT & Security and get an estimate for the next update.",
                "Declare the incident and freeze the scheduled promotional posts.",
                "Post the holding statement on the support channels within 30 minutes.",
                "Customer Service answers mentions with the agreed reply; no promises on times.",
                "Update every hour, even if nothing changed.",
            ]
        ),
    },
    {
        "name": "Product safety complaint going viral",
        "default_severity": Severity.CRITICAL,
        "description": "A post or video claims an Acme product hurt someone, and it is spreading fast.",
        "first_steps": "\n".join(
            [
                "Call Legal and the product's owner before anyone replies in public.",
                "Declare the incident and freeze every channel.",
                "Post the safety holding statement once Legal has read it; no debate in the replies.",
                "Collect the posts, screenshots and contact details of the people involved.",
                "Brief the leadership team; agree who speaks to the press.",
            ]
        ),
    },
]

HOLDING_STATEMENTS = [
    {
        "title": "Outage: we know and we're on it",
        "scenario": "Service outage",
        "text": "We know some of you can't use [service] since [time]. Our teams are working on it right now, "
        "and we'll post the next update here by [time]. Thank you for your patience, and sorry for the trouble.",
    },
    {
        "title": "Outage: it's fixed",
        "scenario": "Service outage",
        "text": "[service] is working normally again since [time]. We're sorry for the disruption. If something still "
        "doesn't work for you, write to us here and we'll help.",
    },
    {
        "title": "Safety: we are looking into it",
        "scenario": "Product safety complaint going viral",
        "text": "We've seen the reports about [product]. Your safety comes first: we are looking into them urgently "
        "with [team]. Until we know more, please [interim advice]. We'll update you here by [time].",
    },
    {
        "title": "Pausing our planned posts",
        "scenario": "",
        "text": "Out of respect for everyone affected by [event], we're pausing our planned posts for now.",
    },
]

PAST_INCIDENT = "Checkout down on Black Friday morning"


def _people(usernames: list[str]) -> list:
    found = {person.username: person for person in User.objects.filter(username__in=usernames, is_active=True)}
    return [found[name] for name in usernames if name in found]


def _plan_rows(plan: CrisisPlan) -> tuple[list, list]:
    scenarios = [
        {
            "name": s.name,
            "default_severity": s.default_severity,
            "description": s.description,
            "first_steps": s.first_steps,
        }
        for s in plan.scenarios.order_by("name")
    ]
    statements = [
        {"title": h.title, "scenario": h.scenario.name if h.scenario else "", "text": h.text}
        for h in plan.holding_statements.select_related("scenario").order_by("title")
    ]
    return scenarios, statements


def _seed_plan() -> CrisisPlan:
    fields = {
        "name": PLAN_NAME,
        "purpose": PURPOSE,
        "escalation_contacts": _people(ESCALATION),
        "spokespeople": _people(SPOKESPEOPLE),
        "shortcut_coe_approvals": 1,
        "is_active": True,
    }
    plan = CrisisPlan.objects.filter(name=PLAN_NAME).first()
    if plan is None:
        return services.plan_create(
            actor=SYSTEM, fields=fields, scenarios=SCENARIOS, holding_statements=HOLDING_STATEMENTS
        )
    wanted = (sorted(SCENARIOS, key=lambda row: row["name"]), sorted(HOLDING_STATEMENTS, key=lambda row: row["title"]))
    same = (
        plan.purpose == PURPOSE
        and plan.shortcut_coe_approvals == 1
        and plan.is_active
        and set(plan.escalation_contacts.values_list("pk", flat=True)) == {p.pk for p in fields["escalation_contacts"]}
        and set(plan.spokespeople.values_list("pk", flat=True)) == {p.pk for p in fields["spokespeople"]}
        and _plan_rows(plan) == wanted
    )
    if same:
        return plan
    ids = {s.name: s.pk for s in plan.scenarios.all()}
    statement_ids = {h.title: h.pk for h in plan.holding_statements.all()}
    return services.plan_update(
        actor=SYSTEM,
        plan=plan,
        changes=fields,
        scenarios=[{**row, "id": ids.get(row["name"])} for row in SCENARIOS],
        holding_statements=[{**row, "id": statement_ids.get(row["title"])} for row in HOLDING_STATEMENTS],
    )


def _seed_past_incident(plan: CrisisPlan) -> None:
    if CrisisIncident.objects.filter(title=PAST_INCIDENT).exists():
        return
    manager, pr_lead, cs_lead = (
        User.objects.filter(username=name).first()
        for name in ("manager", "pr-communications-lead", "customer-service-lead")
    )
    scenario = plan.scenarios.get(name="Service outage")
    # The times in its texts are the company's (London) local times.
    london = zoneinfo.ZoneInfo("Europe/London")
    declared = (
        (timezone.now() - timedelta(days=38)).astimezone(london).replace(hour=8, minute=12, second=0, microsecond=0)
    )
    resolved = declared + timedelta(hours=3, minutes=41)
    incident = CrisisIncident.objects.create(
        title=PAST_INCIDENT,
        plan=plan,
        scenario=scenario,
        severity=Severity.HIGH,
        status=CrisisIncident.Status.RESOLVED,
        all_channels=True,
        first_statement="Checkout fails for most customers since 08:05 after a payment provider change. "
        "We know some of you can't pay on acme.example since 08:05. Our teams are working on it right now, "
        "and we'll post the next update here by 09:00. Thank you for your patience, and sorry for the trouble.",
        declared_by=manager,
        declared_at=declared,
        resolved_by=manager,
        resolved_at=resolved,
        review_summary="A payment provider change at 07:58 broke checkout for 3 h 40 min on our busiest morning. "
        "We froze every channel 14 minutes after the first complaints, posted the holding statement within 25 "
        "minutes and updated hourly. Four Black Friday promotions were held and released after the fix; one that "
        "joked about 'unbeatable speed' was withdrawn.",
        review_went_well="The freeze stopped the promotional posts before any went out. The holding statement "
        "needed only the times filled in. Customer Service's agreed reply kept answers consistent.",
        review_to_improve="We learnt of the outage from social media before monitoring told us: IT & Security to "
        "alert the CoE directly. The status page link was missing from the first statement: add it to the "
        "holding statement.",
        reviewed_by=manager,
        reviewed_at=resolved + timedelta(days=2),
    )
    timeline = [
        (timedelta(0), IncidentUpdate.Kind.DECLARED, manager, incident.first_statement),
        (
            timedelta(minutes=25),
            IncidentUpdate.Kind.STATEMENT,
            pr_lead,
            "Holding statement posted on every channel (approved by the CoE through the crisis shortcut).",
        ),
        (
            timedelta(minutes=40),
            IncidentUpdate.Kind.UPDATE,
            cs_lead,
            "Around 300 mentions in 30 minutes, mostly on X and Bluesky. Support replies with the agreed text.",
        ),
        (
            timedelta(hours=1, minutes=5),
            IncidentUpdate.Kind.DECISION,
            manager,
            "The 'unbeatable speed' promotion is withdrawn; the other Black Friday posts wait until checkout works.",
        ),
        (timedelta(hours=2), IncidentUpdate.Kind.UPDATE, pr_lead, "Hourly update posted: fix being rolled out."),
        (
            timedelta(hours=3, minutes=41),
            IncidentUpdate.Kind.RESOLVED,
            manager,
            "Checkout works again since 11:48 (payment provider change rolled back). 'It's fixed' statement posted; "
            "held promotions released one by one.",
        ),
        (
            timedelta(days=2, hours=3, minutes=41),
            IncidentUpdate.Kind.REVIEW,
            manager,
            "Post-incident review recorded with IT & Security, Customer Service and PR.",
        ),
    ]
    IncidentUpdate.objects.bulk_create(
        [
            IncidentUpdate(incident=incident, kind=kind, text=text, author=author, created_at=declared + offset)
            for offset, kind, author, text in timeline
        ]
    )


@transaction.atomic
def seed() -> None:
    plan = _seed_plan()
    _seed_past_incident(plan)
