"""The crisis API: plans (read by those who follow crises, written by the CoE manager with their
scenarios and holding statements) and incidents (declare, add-update, resolve, review), errors in
the shared shape, and flat query counts."""

# The crisis fixtures are imported (pytest finds them by name); ruff sees their names reused.
# ruff: noqa: F811

from __future__ import annotations

import pytest

from governance.models import CrisisIncident, CrisisPlan
from tests.governance.crisis_fixtures import crisis  # noqa: F401 - fixture

PLANS = "/api/v1/crisis-plans/"
INCIDENTS = "/api/v1/crisis-incidents/"


@pytest.mark.parametrize(("who", "status"), [("manager", 200), ("leader", 200), ("pr_lead", 200), ("liaison_a", 403)])
def test_plans_are_read_by_those_who_follow_crises(crisis, api_as, who, status):
    response = api_as(getattr(crisis, who)).get(PLANS)
    assert response.status_code == status
    if status == 200:
        plan = response.json()["results"][0]
        assert plan["name"] == "Crisis plan" and plan["shortcut_coe_approvals"] == 1
        assert {s["name"] for s in plan["scenarios"]} == {"Service outage", "Safety complaint"}
        assert {"title": "We know", "scenario": "Service outage"}.items() <= plan["holding_statements"][-1].items()
    else:
        assert response.json()["error"]["code"] == "permission_denied"


def test_the_manager_creates_and_changes_a_plan_with_its_lists(crisis, api_as):
    client = api_as(crisis.manager)
    response = client.post(
        PLANS,
        {
            "name": "Data breach plan",
            "spokespeople": [crisis.pr_lead.pk],
            "escalation_contacts": [crisis.leader.pk],
            "shortcut_coe_approvals": 0,
            "scenarios": [{"name": "Breach", "default_severity": "critical", "first_steps": "Call IT"}],
            "holding_statements": [{"title": "Investigating", "scenario": "Breach", "text": "Since [time]."}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["holding_statements"][0]["scenario"] == "Breach" and body["spokespeople"] == [crisis.pr_lead.pk]
    scenario_id = body["scenarios"][0]["id"]
    changed = client.patch(
        f"{PLANS}{body['id']}/",
        {"purpose": "Exposed personal data.", "scenarios": [{"id": scenario_id, "name": "Breach of data"}]},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["scenarios"] == [
        {
            "id": scenario_id,
            "name": "Breach of data",
            "description": "",
            "default_severity": "medium",
            "first_steps": "",
        }
    ]
    assert changed.json()["holding_statements"][0]["scenario"] == "Breach of data"  # renamed, still linked
    assert CrisisPlan.objects.get(pk=body["id"]).purpose == "Exposed personal data."


def test_plan_writes_are_refused_to_others_and_unknown_fields_are_refused(crisis, api_as):
    refused = api_as(crisis.member).patch(f"{PLANS}{crisis.plan.pk}/", {"purpose": "Mine"}, format="json")
    assert refused.status_code == 403 and "CoE manager" in refused.json()["error"]["message"]
    unknown = api_as(crisis.manager).patch(f"{PLANS}{crisis.plan.pk}/", {"created_at": "2020-01-01"}, format="json")
    assert unknown.status_code == 400 and "created_at" in unknown.json()["error"]["fields"]
    duplicate = api_as(crisis.manager).post(PLANS, {"name": "CRISIS plan"}, format="json")
    assert duplicate.status_code == 400 and duplicate.json()["error"]["fields"]["name"]


def test_declare_update_resolve_review_over_the_api(crisis, api_as):
    declared = api_as(crisis.pr_lead).post(
        INCIDENTS,
        {
            "plan": crisis.plan.pk,
            "title": "Checkout is down",
            "severity": "high",
            "first_statement": "We know.",
            "all_channels": False,
            "channels": [crisis.linkedin.pk],
        },
        format="json",
    )
    assert declared.status_code == 201, declared.json()
    body = declared.json()
    assert body["status"] == "active" and body["channels"] == [crisis.linkedin.pk]
    assert body["updates"][0]["kind"] == "declared" and body["frozen_posts"].endswith(f"?incident={body['id']}")
    url = f"{INCIDENTS}{body['id']}/"
    line = api_as(crisis.pr_lead).post(f"{url}add-update/", {"kind": "decision", "text": "Ads paused."}, format="json")
    assert line.status_code == 201 and line.json()["author"] == crisis.pr_lead.pk
    early = api_as(crisis.manager).post(f"{url}review/", {"summary": "Too early"}, format="json")
    assert early.status_code == 409 and early.json()["error"]["code"] == "still_active"
    not_yours = api_as(crisis.pr_lead).post(f"{url}resolve/", {"resolution": "Done"}, format="json")
    assert not_yours.status_code == 403
    resolved = api_as(crisis.manager).post(f"{url}resolve/", {"resolution": "Rolled back."}, format="json")
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    again = api_as(crisis.manager).post(f"{url}resolve/", {"resolution": "Again"}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_resolved"
    reviewed = api_as(crisis.manager).post(
        f"{url}review/", {"summary": "Calm.", "went_well": "Speed", "to_improve": "Alerts"}, format="json"
    )
    assert reviewed.status_code == 200 and reviewed.json()["review_went_well"] == "Speed"
    assert [u["kind"] for u in reviewed.json()["updates"]] == ["declared", "decision", "resolved", "review"]


def test_declaring_is_refused_to_others_and_invalid_input_explains_itself(crisis, api_as):
    refused = api_as(crisis.member).post(
        INCIDENTS, {"plan": crisis.plan.pk, "title": "x", "severity": "low", "first_statement": "x"}, format="json"
    )
    assert refused.status_code == 403
    missing = api_as(crisis.manager).post(INCIDENTS, {"plan": crisis.plan.pk, "title": "x"}, format="json")
    assert missing.status_code == 400 and "first_statement" in missing.json()["error"]["fields"]
    no_channels = api_as(crisis.manager).post(
        INCIDENTS,
        {"title": "x", "severity": "low", "first_statement": "x", "all_channels": False},
        format="json",
    )
    assert no_channels.status_code == 400 and "channels" in no_channels.json()["error"]["fields"]
    assert not CrisisIncident.objects.exists()
    assert api_as(crisis.employee).get(INCIDENTS).status_code == 403


def test_incidents_filter_by_status(crisis, api_as):
    crisis.resolve(crisis.declare(title="Old"))
    crisis.declare(title="Live")
    response = api_as(crisis.leader).get(INCIDENTS, {"status": "active"})
    assert [row["title"] for row in response.json()["results"]] == ["Live"]


@pytest.mark.parametrize("count", [1, 15])
def test_incident_list_query_count_is_flat(crisis, api_as, count, django_assert_max_num_queries):
    for n in range(count):
        incident = crisis.declare(title=f"Incident {n}", channels=[crisis.linkedin])
        crisis.resolve(incident)
    client = api_as(crisis.manager)
    with django_assert_max_num_queries(8):
        response = client.get(INCIDENTS)
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 10])
def test_plan_list_query_count_is_flat(crisis, api_as, count, django_assert_max_num_queries):
    for n in range(count - 1):
        crisis_plan = {"name": f"Plan {n}", "spokespeople": [crisis.pr_lead]}
        from governance.services import crisis as services

        services.plan_create(actor=crisis.manager, fields=crisis_plan, scenarios=[{"name": "A"}])
    with django_assert_max_num_queries(10):
        response = api_as(crisis.manager).get(PLANS)
    assert response.json()["count"] == count
