"""Crisis services: plans kept by the CoE manager, declaring (who may, the freeze, the alerts),
the timeline, resolving and the post-incident review; each step audited."""

# The crisis fixtures are imported (pytest finds them by name); ruff sees their names reused.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from django.core import mail

from coe.errors import Conflict, DomainError, NotAllowed
from coe.models import Notification
from governance.models import AuditEntry, CrisisIncident, CrisisPlan, IncidentUpdate, Severity
from governance.selectors import crisis as selectors
from governance.services import crisis as services
from tests.governance.crisis_fixtures import crisis  # noqa: F401 - fixture


def _actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


# --- plans --------------------------------------------------------------------------------------


def test_the_manager_keeps_a_plan_with_scenarios_and_holding_statements(crisis):
    plan = crisis.plan
    assert sorted(plan.scenarios.values_list("name", flat=True)) == ["Safety complaint", "Service outage"]
    we_know = plan.holding_statements.get(title="We know")
    assert we_know.scenario.name == "Service outage"
    assert plan.holding_statements.get(title="Pausing").scenario is None
    assert set(plan.spokespeople.all()) == {crisis.pr_lead, crisis.manager}
    entry = AuditEntry.objects.get(action="plan.created")
    assert entry.actor == crisis.manager and entry.object_id == str(plan.pk)
    assert entry.data == {"scenarios": 2, "holding_statements": 2}


@pytest.mark.parametrize("who", ["member", "liaison_a", "pr_lead", "leader"])
def test_only_the_manager_changes_plans(crisis, who):
    with pytest.raises(NotAllowed, match="CoE manager keeps the crisis plans"):
        services.plan_update(actor=getattr(crisis, who), plan=crisis.plan, changes={"purpose": "Mine now"})
    with pytest.raises(NotAllowed):
        services.plan_create(actor=getattr(crisis, who), fields={"name": "Another plan"})
    assert CrisisPlan.objects.count() == 1


def test_plan_names_are_unique_whatever_their_case(crisis):
    with pytest.raises(DomainError, match="already exists") as refused:
        services.plan_create(actor=crisis.manager, fields={"name": "CRISIS PLAN"})
    assert "name" in refused.value.fields


def test_a_holding_statement_names_a_scenario_of_its_plan(crisis):
    with pytest.raises(DomainError, match="does not have"):
        services.plan_update(
            actor=crisis.manager,
            plan=crisis.plan,
            changes={},
            holding_statements=[{"title": "Odd", "scenario": "Alien invasion", "text": "Hello"}],
        )
    assert crisis.plan.holding_statements.count() == 2  # nothing half-written


def test_updating_keeps_rows_with_ids_changes_them_and_removes_the_rest(crisis):
    plan = crisis.plan
    outage = plan.scenarios.get(name="Service outage")
    we_know = plan.holding_statements.get(title="We know")
    services.plan_update(
        actor=crisis.manager,
        plan=plan,
        changes={"shortcut_coe_approvals": 2, "spokespeople": [crisis.pr_lead]},
        scenarios=[{"id": outage.pk, "name": "Outage", "default_severity": Severity.CRITICAL}],
        holding_statements=[{"id": we_know.pk, "title": "We know", "scenario": "outage", "text": "Down since [time]."}],
    )
    plan.refresh_from_db()
    outage.refresh_from_db()
    assert (outage.name, outage.default_severity) == ("Outage", Severity.CRITICAL)
    assert list(plan.scenarios.all()) == [outage]
    assert list(plan.holding_statements.values_list("pk", "scenario", "text")) == [
        (we_know.pk, outage.pk, "Down since [time].")
    ]
    assert plan.shortcut_coe_approvals == 2 and list(plan.spokespeople.all()) == [crisis.pr_lead]
    entry = AuditEntry.objects.get(action="plan.changed")
    assert set(entry.data["changed"]) >= {"shortcut_coe_approvals", "spokespeople", "scenarios", "holding statements"}


def test_a_scenario_an_incident_used_cannot_be_removed(crisis):
    outage = crisis.plan.scenarios.get(name="Service outage")
    crisis.declare(scenario=outage)
    with pytest.raises(DomainError, match="used by 1 incident") as refused:
        services.plan_update(actor=crisis.manager, plan=crisis.plan, changes={}, scenarios=[{"name": "Other"}])
    assert refused.value.code == "scenario_in_use"
    assert crisis.plan.scenarios.filter(pk=outage.pk).exists()


def test_the_shortcut_stays_within_bounds(crisis):
    with pytest.raises(DomainError, match="between 0 and 5"):
        services.plan_update(actor=crisis.manager, plan=crisis.plan, changes={"shortcut_coe_approvals": 9})


# --- declaring ----------------------------------------------------------------------------------


def test_declaring_freezes_at_once_and_alerts_everyone_involved(
    crisis, monkeypatch, django_capture_on_commit_callbacks
):
    from coe import services as coe_services
    from coe.tasks import notification_email_send_task

    # The broker's edge: the e-mail task runs where the worker would.
    monkeypatch.setattr(notification_email_send_task, "delay", lambda **kw: coe_services.notification_email_send(**kw))
    outage = crisis.plan.scenarios.get(name="Service outage")
    with django_capture_on_commit_callbacks(execute=True):
        incident = crisis.declare(scenario=outage, severity="", channels=[crisis.linkedin])
    assert incident.is_active and incident.severity == Severity.HIGH  # the scenario's default
    assert selectors.frozen_channel_ids(fresh=True) == {crisis.linkedin.pk}
    told = set(Notification.objects.filter(kind="incident_declared").values_list("recipient__username", flat=True))
    # Escalation list, spokespeople and the CoE; never the declarer, nor people not involved.
    assert told == {"leader", "approver", "pr_lead", "member"}
    alert = Notification.objects.filter(kind="incident_declared").first()
    assert alert.url == incident.get_absolute_url() and "Marketing LinkedIn" in alert.body and "Confirm" in alert.body
    assert sorted(message.to[0] for message in mail.outbox) == sorted(f"{name}@example.com" for name in told)
    assert list(incident.updates.values_list("kind", "author")) == [(IncidentUpdate.Kind.DECLARED, crisis.manager.pk)]
    entry = AuditEntry.objects.get(action="incident.declared")
    assert entry.data["channels"] == [crisis.linkedin.pk] and "Marketing LinkedIn" in entry.summary


def test_a_spokesperson_declares_under_their_own_plan(crisis):
    incident = crisis.declare(actor=crisis.pr_lead)
    assert incident.declared_by == crisis.pr_lead
    with pytest.raises(NotAllowed, match="plan that names you"):
        services.incident_declare(actor=crisis.pr_lead, title="No plan", severity="low", first_statement="x")
    other = services.plan_create(actor=crisis.manager, fields={"name": "Other plan"})
    with pytest.raises(NotAllowed, match="spokesperson named in the crisis plan"):
        services.incident_declare(
            actor=crisis.pr_lead, plan=other, title="Not mine", severity="low", first_statement="x"
        )


@pytest.mark.parametrize("who", ["member", "liaison_a", "approver", "employee", "leader"])
def test_others_cannot_declare(crisis, who):
    with pytest.raises(NotAllowed):
        crisis.declare(actor=getattr(crisis, who))
    assert not CrisisIncident.objects.exists()


def test_the_manager_may_declare_without_a_plan(crisis):
    incident = services.incident_declare(
        actor=crisis.manager, title="Unforeseen", severity=Severity.LOW, first_statement="Watching it."
    )
    assert incident.plan is None and incident.all_channels


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " "}, "title"),
        ({"first_statement": ""}, "first_statement"),
        ({"severity": "apocalyptic"}, "severity"),
    ],
)
def test_declaring_refuses_what_is_missing_and_changes_nothing(crisis, fields, field):
    with pytest.raises(DomainError) as refused:
        crisis.declare(**fields)
    assert field in refused.value.fields
    assert not CrisisIncident.objects.exists() and not Notification.objects.exists()


def test_chosen_channels_or_all_of_them(crisis):
    with pytest.raises(DomainError, match="affected channels"):
        services.incident_declare(
            actor=crisis.manager,
            plan=crisis.plan,
            title="Nothing chosen",
            severity="low",
            first_statement="x",
            all_channels=False,
        )


def test_a_scenario_must_be_of_the_chosen_plan(crisis):
    other = services.plan_create(actor=crisis.manager, fields={"name": "Other"}, scenarios=[{"name": "Flood"}])
    with pytest.raises(DomainError, match="not part of the chosen plan"):
        crisis.declare(scenario=other.scenarios.get())


def test_an_archived_plan_cannot_be_used(crisis):
    services.plan_update(actor=crisis.manager, plan=crisis.plan, changes={"is_active": False})
    with pytest.raises(DomainError, match="archived"):
        crisis.declare()


# --- the freeze as others read it ---------------------------------------------------------------


def test_the_cached_freeze_follows_declare_and_resolve(crisis):
    assert not selectors.current_freeze()  # cached: nothing frozen
    incident = crisis.declare(channels=[crisis.linkedin, crisis.support])
    freeze = selectors.current_freeze()
    assert freeze.channel_ids == {crisis.linkedin.pk, crisis.support.pk}
    assert freeze.holds(crisis.linkedin.pk) and not freeze.holds(crisis.instagram.pk)
    assert not freeze.holds(crisis.linkedin.pk, statement_of=incident.pk)  # the crisis path
    assert selectors.channel_is_frozen(crisis.support.pk) == incident
    everything = crisis.declare(title="Everything")
    assert selectors.frozen_channel_ids() is selectors.ALL
    assert freeze.holds(crisis.linkedin.pk, statement_of=None)
    crisis.resolve(incident)
    crisis.resolve(everything)
    assert not selectors.current_freeze() and selectors.channel_is_frozen(crisis.support.pk) is None


def test_a_statement_of_another_incident_is_still_held(crisis):
    first = crisis.declare(channels=[crisis.linkedin])
    second = crisis.declare(title="Second", channels=[crisis.support])
    freeze = selectors.current_freeze(fresh=True)
    assert freeze.holds(crisis.support.pk, statement_of=first.pk)
    assert not freeze.holds(crisis.support.pk, statement_of=second.pk)


# --- timeline, resolve, review ------------------------------------------------------------------


def test_the_people_involved_add_to_the_timeline(crisis):
    incident = crisis.declare()
    services.incident_update_add(actor=crisis.leader, incident=incident, text="The press called.")  # contact
    services.incident_update_add(actor=crisis.member, incident=incident, text="Muted the ads.", kind="decision")
    assert list(incident.updates.values_list("kind", flat=True)) == ["declared", "update", "decision"]
    assert Notification.objects.filter(kind="incident_updated").exists()  # decisions reach everyone
    assert _actions().count("incident.updated") == 2
    with pytest.raises(NotAllowed):
        services.incident_update_add(actor=crisis.liaison_a, incident=incident, text="Can I post?")
    with pytest.raises(DomainError, match="update, decision or statement"):
        services.incident_update_add(actor=crisis.member, incident=incident, text="x", kind="resolved")
    with pytest.raises(DomainError, match="Write what happened"):
        services.incident_update_add(actor=crisis.member, incident=incident, text="   ")


def test_only_the_manager_resolves_and_only_once(crisis):
    incident = crisis.declare()
    for who in (crisis.member, crisis.pr_lead):
        with pytest.raises(NotAllowed, match="CoE manager resolves"):
            services.incident_resolve(actor=who, incident=incident, resolution="Done")
    with pytest.raises(DomainError, match="how it was resolved"):
        services.incident_resolve(actor=crisis.manager, incident=incident, resolution=" ")
    resolved = crisis.resolve(incident)
    assert resolved.status == CrisisIncident.Status.RESOLVED and resolved.resolved_by == crisis.manager
    assert resolved.updates.last().kind == IncidentUpdate.Kind.RESOLVED
    assert not selectors.frozen_channel_ids()
    told = Notification.objects.filter(kind="incident_resolved", recipient=crisis.leader).get()
    assert "/publishing/frozen/?incident=" in told.body
    with pytest.raises(Conflict, match="already resolved"):
        crisis.resolve(incident)
    assert _actions().count("incident.resolved") == 1


def test_the_review_follows_the_resolution(crisis):
    incident = crisis.declare()
    with pytest.raises(Conflict, match="Resolve the incident first"):
        services.incident_review_record(actor=crisis.manager, incident=incident, summary="Early")
    crisis.resolve(incident)
    with pytest.raises(NotAllowed):
        services.incident_review_record(actor=crisis.member, incident=incident, summary="Mine")
    with pytest.raises(DomainError, match="Summarise"):
        services.incident_review_record(actor=crisis.manager, incident=incident, summary="")
    services.incident_review_record(
        actor=crisis.manager, incident=incident, summary="Went fine", went_well="Speed", to_improve="Monitoring"
    )
    services.incident_review_record(actor=crisis.manager, incident=incident, summary="Went fine, mostly")
    incident.refresh_from_db()
    assert (incident.review_summary, incident.review_went_well, incident.reviewed_by) == (
        "Went fine, mostly",
        "",
        crisis.manager,
    )
    lines = list(incident.updates.filter(kind=IncidentUpdate.Kind.REVIEW).values_list("text", flat=True))
    assert lines[0].startswith("Post-incident review recorded") and lines[1].startswith("Post-incident review updated")
    assert _actions().count("incident.reviewed") == 2
