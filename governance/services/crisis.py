"""Crisis plans and incidents: every write, one function each.

Rules kept here: only the CoE manager keeps the plans (scenarios, holding statements, escalation
contacts, spokespeople, the shortcut approvals of a statement). An incident is declared by the
CoE manager or by a spokesperson of its plan; at once it freezes its channels (publishing reads
the freeze when it sweeps and again just before each send), tells the escalation list, the
spokespeople and the CoE in-app and by e-mail, and starts its timeline. Only the CoE manager
resolves it; the post-incident review follows the resolution. Every step is in the audit trail.
Frozen posts are publishing's: the incident page links to its page, governance never touches them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from coe import services as coe_services
from coe.audit import audit
from coe.errors import Conflict, DomainError, NotAllowed
from coe.roles import Role
from governance import permissions
from governance.models import CrisisIncident, CrisisPlan, CrisisScenario, HoldingStatement, IncidentUpdate, Severity
from governance.selectors.crisis import forget_cached_freeze, people_named

User = get_user_model()

PLAN_FIELDS = frozenset(
    {"name", "purpose", "shortcut_coe_approvals", "is_active", "escalation_contacts", "spokespeople"}
)
MAX_SHORTCUT_APPROVALS = 5
# What people add to a timeline; declared, resolved and review lines are written by the services.
TIMELINE_KINDS = frozenset({IncidentUpdate.Kind.UPDATE, IncidentUpdate.Kind.DECISION, IncidentUpdate.Kind.STATEMENT})


def _invalid(message: str, field: str | None = None, code: str = "invalid") -> DomainError:
    return DomainError(message, code=code, fields={field: [message]} if field else None)


def _coe_staff() -> list:
    groups = [Role.COE_MANAGER.group_name, Role.COE_MEMBER.group_name]
    return list(User.objects.filter(is_active=True, groups__name__in=groups).distinct())


def _scope_text(incident: CrisisIncident) -> str:
    if incident.all_channels:
        return "every channel"
    return ", ".join(str(channel) for channel in incident.channels.all()) or "no channel"


# --- plans --------------------------------------------------------------------------------------


def _clean_people(people: Iterable | None, label: str) -> list:
    people = list(people or [])
    inactive = [str(person) for person in people if not person.is_active]
    if inactive:
        raise _invalid(f"{', '.join(inactive)} cannot sign in; choose active people as {label}.", label)
    return people


def _apply_plan_fields(plan: CrisisPlan, fields: Mapping[str, Any]) -> dict[str, list]:
    """Set the plain fields; return the people to set (many-to-many, once the plan is saved)."""
    unknown = set(fields) - PLAN_FIELDS
    if unknown:
        raise _invalid(f"These cannot be set on a plan: {', '.join(sorted(unknown))}.")
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name:
            raise _invalid("Give the plan a name.", "name")
        if CrisisPlan.objects.filter(name__iexact=name).exclude(pk=plan.pk).exists():
            raise _invalid(f"A crisis plan named “{name}” already exists.", "name")
        plan.name = name
    if "purpose" in fields:
        plan.purpose = (fields["purpose"] or "").strip()
    if "shortcut_coe_approvals" in fields:
        approvals = fields["shortcut_coe_approvals"]
        if approvals is None or not 0 <= int(approvals) <= MAX_SHORTCUT_APPROVALS:
            raise _invalid(
                f"A statement's shortcut needs between 0 and {MAX_SHORTCUT_APPROVALS} CoE approvals.",
                "shortcut_coe_approvals",
            )
        plan.shortcut_coe_approvals = int(approvals)
    if "is_active" in fields:
        plan.is_active = bool(fields["is_active"])
    people = {}
    for name, label in (("escalation_contacts", "escalation contacts"), ("spokespeople", "spokespeople")):
        if name in fields:
            people[name] = _clean_people(fields[name], label)
    return people


def _sync_scenarios(plan: CrisisPlan, rows: Sequence[Mapping[str, Any]]) -> dict[str, CrisisScenario]:
    """Make the plan's scenarios exactly ``rows`` (matched by ``id``; new rows have none). A
    scenario an incident was declared under is kept, so history keeps its name."""
    existing = {scenario.pk: scenario for scenario in plan.scenarios.all()}
    seen_names: set[str] = set()
    kept: dict[str, CrisisScenario] = {}
    for row in rows:
        name = (row.get("name") or "").strip()
        if not name:
            raise _invalid("Every scenario needs a name.", "scenarios")
        if name.casefold() in seen_names:
            raise _invalid(f"Two scenarios are called “{name}”; give each its own name.", "scenarios")
        seen_names.add(name.casefold())
        severity = row.get("default_severity") or Severity.MEDIUM
        if severity not in Severity.values:
            raise _invalid(f"“{severity}” is not a severity level.", "scenarios")
        scenario_id = row.get("id")
        if scenario_id:
            scenario = existing.get(int(scenario_id))
            if scenario is None:
                raise _invalid(f"Scenario #{scenario_id} is not part of this plan.", "scenarios")
        else:
            scenario = CrisisScenario(plan=plan)
        scenario.name = name
        scenario.description = (row.get("description") or "").strip()
        scenario.default_severity = severity
        scenario.first_steps = (row.get("first_steps") or "").strip()
        scenario.save()
        kept[name.casefold()] = scenario
    removed = [scenario for pk, scenario in existing.items() if pk not in {s.pk for s in kept.values()}]
    if removed:
        used = {
            row["pk"]: row["n"]
            for row in CrisisScenario.objects.filter(pk__in=[s.pk for s in removed])
            .annotate(n=Count("incidents"))
            .filter(n__gt=0)
            .values("pk", "n")
        }
        for scenario in removed:
            if scenario.pk in used:
                raise _invalid(
                    f"The scenario “{scenario.name}” was used by {used[scenario.pk]} incident(s); keep it (it can "
                    "be renamed) so their history stays whole.",
                    "scenarios",
                    code="scenario_in_use",
                )
        CrisisScenario.objects.filter(pk__in=[s.pk for s in removed]).delete()
    return kept


def _sync_holding_statements(
    plan: CrisisPlan, rows: Sequence[Mapping[str, Any]], scenarios: dict[str, CrisisScenario]
) -> None:
    """Make the plan's holding statements exactly ``rows``; ``scenario`` names one of the plan's
    scenarios (or is empty for a statement that fits any)."""
    existing = {statement.pk: statement for statement in plan.holding_statements.all()}
    kept: set[int] = set()
    for row in rows:
        title, text = (row.get("title") or "").strip(), (row.get("text") or "").strip()
        if not title or not text:
            raise _invalid("Every holding statement needs a title and its text.", "holding_statements")
        scenario_name = (row.get("scenario") or "").strip()
        scenario = scenarios.get(scenario_name.casefold()) if scenario_name else None
        if scenario_name and scenario is None:
            raise _invalid(
                f"The holding statement “{title}” names the scenario “{scenario_name}”, which this plan does not have.",
                "holding_statements",
            )
        statement_id = row.get("id")
        if statement_id:
            statement = existing.get(int(statement_id))
            if statement is None:
                raise _invalid(f"Holding statement #{statement_id} is not part of this plan.", "holding_statements")
        else:
            statement = HoldingStatement(plan=plan)
        statement.title, statement.text, statement.scenario = title, text, scenario
        statement.save()
        kept.add(statement.pk)
    plan.holding_statements.exclude(pk__in=kept).delete()


def _save_plan(
    *,
    actor,
    plan: CrisisPlan,
    fields: Mapping[str, Any],
    scenarios: Sequence[Mapping[str, Any]] | None,
    holding_statements: Sequence[Mapping[str, Any]] | None,
) -> list[str]:
    if not permissions.can_edit_crisis_plans(actor):
        raise NotAllowed("Only the CoE manager keeps the crisis plans.")
    before = {
        "name": plan.name,
        "purpose": plan.purpose,
        "shortcut_coe_approvals": plan.shortcut_coe_approvals,
        "is_active": plan.is_active,
    }
    before_people = (
        {
            "escalation_contacts": set(plan.escalation_contacts.values_list("pk", flat=True)),
            "spokespeople": set(plan.spokespeople.values_list("pk", flat=True)),
        }
        if plan.pk
        else {"escalation_contacts": set(), "spokespeople": set()}
    )
    people = _apply_plan_fields(plan, fields)
    plan.save()
    for name, chosen in people.items():
        getattr(plan, name).set(chosen)
    changed = [name for name, value in before.items() if getattr(plan, name) != value]
    changed += [name for name, chosen in people.items() if {p.pk for p in chosen} != before_people[name]]
    if scenarios is not None:
        by_name = _sync_scenarios(plan, scenarios)
        changed.append("scenarios")
    else:
        by_name = {scenario.name.casefold(): scenario for scenario in plan.scenarios.all()}
    if holding_statements is not None:
        _sync_holding_statements(plan, holding_statements, by_name)
        changed.append("holding statements")
    permissions.forget_crisis_named_people()
    return changed


@transaction.atomic
def plan_create(
    *,
    actor,
    fields: Mapping[str, Any],
    scenarios: Sequence[Mapping[str, Any]] = (),
    holding_statements: Sequence[Mapping[str, Any]] = (),
) -> CrisisPlan:
    """A new crisis plan (CoE manager): its scenarios with their first steps, the holding
    statements to start from, who is called and who may speak, and the shortcut a statement takes
    (``shortcut_coe_approvals`` CoE approvals after the spokesperson who wrote it)."""
    if "name" not in fields:
        raise _invalid("Give the plan a name.", "name")
    plan = CrisisPlan()
    _save_plan(actor=actor, plan=plan, fields=fields, scenarios=scenarios, holding_statements=holding_statements)
    audit(
        actor=actor,
        action="plan.created",
        obj=plan,
        summary=f"The crisis plan “{plan}” was created.",
        data={"scenarios": plan.scenarios.count(), "holding_statements": plan.holding_statements.count()},
    )
    return plan


@transaction.atomic
def plan_update(
    *,
    actor,
    plan: CrisisPlan,
    changes: Mapping[str, Any],
    scenarios: Sequence[Mapping[str, Any]] | None = None,
    holding_statements: Sequence[Mapping[str, Any]] | None = None,
) -> CrisisPlan:
    """Change a plan (CoE manager). ``scenarios`` and ``holding_statements``, when given, replace
    the plan's lists (rows with an ``id`` are kept and changed); ``None`` leaves them. Incidents
    already declared keep what they were declared with."""
    plan = CrisisPlan.objects.select_for_update().get(pk=plan.pk)
    changed = _save_plan(
        actor=actor, plan=plan, fields=changes, scenarios=scenarios, holding_statements=holding_statements
    )
    if changed:
        audit(
            actor=actor,
            action="plan.changed",
            obj=plan,
            summary=f"The crisis plan “{plan}” changed: {', '.join(changed)}.",
            data={"changed": changed},
        )
    return plan


# --- incidents ----------------------------------------------------------------------------------


def _tell(incident: CrisisIncident, *, actor, kind: str, title: str, body: str, url: str = "") -> int:
    """The escalation list, the spokespeople and the CoE, in-app and by e-mail (their choice)."""
    return coe_services.notify(
        recipients=[*people_named(incident), *_coe_staff()],
        kind=kind,
        title=title,
        body=body,
        url=url or incident.get_absolute_url(),
        exclude=actor if getattr(actor, "pk", None) else None,
    )


def _add_line(incident: CrisisIncident, kind: str, text: str, author) -> IncidentUpdate:
    return IncidentUpdate.objects.create(
        incident=incident, kind=kind, text=text, author=author if getattr(author, "pk", None) else None
    )


@transaction.atomic
def incident_declare(
    *,
    actor,
    title: str,
    severity: str,
    first_statement: str,
    plan: CrisisPlan | None = None,
    scenario: CrisisScenario | None = None,
    all_channels: bool = True,
    channels: Sequence = (),
) -> CrisisIncident:
    """Declare an incident (the CoE manager, or a spokesperson of its plan). From this moment the
    incident's channels are frozen: nothing ordinary goes out on them until it is resolved, only
    statements through the crisis path. Everyone on the escalation list, the spokespeople and the
    CoE are told at once; the first statement opens the timeline."""
    if plan is not None:
        plan = CrisisPlan.objects.get(pk=plan.pk)  # as it is now (it may have been archived meanwhile)
    if not permissions.can_declare_incident(actor, plan):
        if plan is None and permissions.is_spokesperson(actor):
            raise NotAllowed("Choose the crisis plan that names you as a spokesperson.", fields={"plan": ["Choose."]})
        raise NotAllowed("Only the CoE manager or a spokesperson named in the crisis plan declares an incident.")
    if plan is not None and not plan.is_active:
        raise _invalid(f"The plan “{plan}” is archived; choose an active plan.", "plan")
    if scenario is not None and (plan is None or scenario.plan_id != plan.pk):
        raise _invalid(f"The scenario “{scenario}” is not part of the chosen plan.", "scenario")
    title = (title or "").strip()
    if not title:
        raise _invalid("Give the incident a short title everyone will recognise.", "title")
    severity = severity or (scenario.default_severity if scenario else "")
    if severity not in Severity.values:
        raise _invalid("Choose a severity level.", "severity")
    first_statement = (first_statement or "").strip()
    if not first_statement:
        raise _invalid(
            "Write the first statement: what happened and what we say for now (start from a holding statement).",
            "first_statement",
        )
    channels = list(channels)
    if not all_channels and not channels:
        raise _invalid("Choose the affected channels, or freeze all of them.", "channels")

    incident = CrisisIncident.objects.create(
        title=title[:200],
        plan=plan,
        scenario=scenario,
        severity=severity,
        all_channels=bool(all_channels),
        first_statement=first_statement,
        declared_by=actor if getattr(actor, "pk", None) else None,
        declared_at=timezone.now(),
    )
    if not all_channels:
        incident.channels.set(channels)
    _add_line(incident, IncidentUpdate.Kind.DECLARED, first_statement, actor)
    forget_cached_freeze()
    scope = _scope_text(incident)
    audit(
        actor=actor,
        action="incident.declared",
        obj=incident,
        summary=f"Crisis incident “{incident}” declared ({incident.get_severity_display()}); publishing frozen on "
        f"{scope}.",
        data={
            "severity": severity,
            "plan": plan.pk if plan else None,
            "scenario": scenario.pk if scenario else None,
            "all_channels": incident.all_channels,
            "channels": [channel.pk for channel in channels] if not all_channels else [],
        },
    )
    steps = f"\n\nFirst steps ({scenario}):\n{scenario.first_steps}" if scenario and scenario.first_steps else ""
    _tell(
        incident,
        actor=actor,
        kind="incident_declared",
        title=f"Crisis declared: {incident.title} ({incident.get_severity_display().split(':')[0]})",
        body=f"Declared by {actor}. Publishing is frozen on {scope} until it is resolved.\n\n"
        f"First statement:\n{first_statement}{steps}",
    )
    return incident


@transaction.atomic
def incident_update_add(
    *, actor, incident: CrisisIncident, text: str, kind: str = IncidentUpdate.Kind.UPDATE
) -> IncidentUpdate:
    """Add a line to the timeline: an update, a decision or a statement (CoE staff, the plan's
    spokespeople and escalation contacts). Decisions are sent to everyone involved; statements
    reach them through their own review route."""
    if not permissions.can_update_incident(actor, incident):
        raise NotAllowed("Only the CoE and the people the crisis plan names add to the timeline.")
    if kind not in TIMELINE_KINDS:
        raise _invalid("Choose update, decision or statement.", "kind")
    text = (text or "").strip()
    if not text:
        raise _invalid("Write what happened or what was decided.", "text")
    line = _add_line(incident, kind, text, actor)
    label = IncidentUpdate.Kind(kind).label.lower()
    audit(
        actor=actor,
        action="incident.updated",
        obj=incident,
        summary=f"{IncidentUpdate.Kind(kind).label} on “{incident}”: {text[:200]}",
        data={"kind": kind, "update": line.pk},
    )
    if kind == IncidentUpdate.Kind.DECISION:
        _tell(incident, actor=actor, kind="incident_updated", title=f"New {label}: {incident.title}", body=text)
    return line


@transaction.atomic
def incident_resolve(*, actor, incident: CrisisIncident, resolution: str) -> CrisisIncident:
    """Resolve an active incident (the CoE manager). Its freeze ends at once; the posts it held
    stay held until the manager decides, post by post, to release, reschedule or withdraw them
    on publishing's frozen posts page. Nothing is sent just because the incident ended."""
    incident = CrisisIncident.objects.select_for_update(of=("self",)).select_related("resolved_by").get(pk=incident.pk)
    if not permissions.can_resolve_incident(actor, incident):
        raise NotAllowed("Only the CoE manager resolves an incident.")
    if not incident.is_active:
        raise Conflict(
            f"“{incident}” was already resolved by {incident.resolved_by or 'someone'} "
            f"on {timezone.localtime(incident.resolved_at):%Y-%m-%d %H:%M}.",
            code="already_resolved",
        )
    resolution = (resolution or "").strip()
    if not resolution:
        raise _invalid("Say how it was resolved; it goes on the timeline.", "resolution")
    incident.status = CrisisIncident.Status.RESOLVED
    incident.resolved_by = actor if getattr(actor, "pk", None) else None
    incident.resolved_at = timezone.now()
    incident.save(update_fields=["status", "resolved_by", "resolved_at"])
    _add_line(incident, IncidentUpdate.Kind.RESOLVED, resolution, actor)
    forget_cached_freeze()
    duration = incident.resolved_at - incident.declared_at
    hours = duration.total_seconds() / 3600
    audit(
        actor=actor,
        action="incident.resolved",
        obj=incident,
        summary=f"Crisis incident “{incident}” resolved after {hours:.1f} h: {resolution[:200]}",
        data={"duration_seconds": int(duration.total_seconds())},
    )
    frozen_posts = f"{reverse('publishing:frozen_list')}?incident={incident.pk}"
    _tell(
        incident,
        actor=actor,
        kind="incident_resolved",
        title=f"Resolved: {incident.title}",
        body=f"{resolution}\n\nThe freeze has ended. Posts it held wait for the CoE manager to release, reschedule "
        f"or withdraw each one: {frozen_posts}",
    )
    return incident


@transaction.atomic
def incident_review_record(
    *, actor, incident: CrisisIncident, summary: str, went_well: str = "", to_improve: str = ""
) -> CrisisIncident:
    """Record (or correct) the post-incident review once the incident is resolved (the CoE
    manager): what happened, what went well, what to improve."""
    incident = CrisisIncident.objects.select_for_update().get(pk=incident.pk)
    if not permissions.can_review_incident(actor, incident):
        raise NotAllowed("Only the CoE manager records the post-incident review.")
    if incident.is_active:
        raise Conflict("Resolve the incident first; the review looks back on it.", code="still_active")
    summary = (summary or "").strip()
    if not summary:
        raise _invalid("Summarise what happened and how it was handled.", "review_summary")
    first = incident.reviewed_at is None
    incident.review_summary = summary
    incident.review_went_well = (went_well or "").strip()
    incident.review_to_improve = (to_improve or "").strip()
    incident.reviewed_by = actor if getattr(actor, "pk", None) else None
    incident.reviewed_at = timezone.now()
    incident.save(
        update_fields=["review_summary", "review_went_well", "review_to_improve", "reviewed_by", "reviewed_at"]
    )
    _add_line(
        incident,
        IncidentUpdate.Kind.REVIEW,
        ("Post-incident review recorded: " if first else "Post-incident review updated: ") + summary,
        actor,
    )
    audit(
        actor=actor,
        action="incident.reviewed",
        obj=incident,
        summary=f"Post-incident review of “{incident}” {'recorded' if first else 'updated'}.",
        data={"first": first},
    )
    return incident
