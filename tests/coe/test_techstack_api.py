"""Tech stack over the API: tools CRUD (CoE manager), read by CoE staff and leadership; evaluations
seen by CoE staff, leadership and their reviewers (404 for others), set up, scored in bulk by
reviewers (only their own), finished; totals in a single evaluation; flat list query counts."""

from __future__ import annotations

import pytest

from coe.models import EvaluationScore, Tool
from tests.coe.factories_techstack import ToolFactory, make_evaluation, score

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "status"), [("manager", 200), ("member", 200), ("leader", 200), ("liaison_a", 403), ("employee", 403)]
)
def test_tools_are_read_by_coe_staff_and_leadership(api_as, people, who, status):
    ToolFactory(name="Inbox")
    response = api_as(getattr(people, who)).get("/api/v1/tools/")
    assert response.status_code == status
    if status == 200:
        assert [t["name"] for t in response.json()["results"]] == ["Inbox"]


def test_anonymous_gets_401(api_client):
    assert api_client.get("/api/v1/tools/").status_code in (401, 403)
    assert api_client.get("/api/v1/evaluations/").status_code in (401, 403)


def test_the_manager_writes_tools_and_others_may_not(api_as, people):
    payload = {"name": "Pulse", "category": "listening", "yearly_cost": "1500.00", "department": "marketing"}
    assert api_as(people.member).post("/api/v1/tools/", payload, format="json").status_code == 403
    response = api_as(people.manager).post("/api/v1/tools/", payload, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    refused = api_as(people.manager).patch(
        f"/api/v1/tools/{pk}/", {"renewal_reminded_for": "2026-01-01"}, format="json"
    )
    assert refused.status_code == 400
    assert (
        api_as(people.manager).patch(f"/api/v1/tools/{pk}/", {"renewal_on": "2027-01-31"}, format="json").status_code
        == 200
    )
    assert api_as(people.manager).delete(f"/api/v1/tools/{pk}/").status_code == 204
    assert not Tool.objects.filter(pk=pk).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("member", 200), ("leader", 200), ("liaison_a", 200), ("liaison_b", 404), ("employee", 404)],
)
def test_evaluation_visibility(api_as, people, who, status):
    evaluation, reqs, cands = make_evaluation(reviewers=[people.member, people.liaison_a])
    score(reqs[0], cands[0], people.member, 5)
    response = api_as(getattr(people, who)).get(f"/api/v1/evaluations/{evaluation.pk}/")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert len(body["requirements"]) == 3 and len(body["candidates"]) == 2
        if who in ("member", "liaison_a"):  # reviewers while scoring does not see the others' scores
            assert body["totals"] == [] and body["spread"] == {}
        else:
            assert body["totals"][0]["name"] == "Alpha" and body["totals"][0]["overall"] == pytest.approx(100.0)


def test_the_whole_flow_over_the_api(api_as, people):
    manager = api_as(people.manager)
    created = manager.post(
        "/api/v1/evaluations/",
        {"title": "Listening", "category": "listening", "purpose": "p", "reviewers": [people.member.pk]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    r1 = manager.post(
        "/api/v1/evaluation-requirements/", {"evaluation": pk, "name": "Coverage", "weight": 5}, format="json"
    )
    r2 = manager.post(
        "/api/v1/evaluation-requirements/", {"evaluation": pk, "name": "Price", "weight": 2}, format="json"
    )
    assert r1.status_code == 201 and r2.status_code == 201
    assert (
        manager.post(
            "/api/v1/evaluation-requirements/", {"evaluation": pk, "name": "X", "weight": 0}, format="json"
        ).status_code
        == 400
    )
    a = manager.post(
        "/api/v1/evaluation-candidates/", {"evaluation": pk, "name": "A", "yearly_cost": "100"}, format="json"
    )
    b = manager.post("/api/v1/evaluation-candidates/", {"evaluation": pk, "name": "B"}, format="json")
    assert a.status_code == 201 and b.status_code == 201
    order = manager.post(
        f"/api/v1/evaluations/{pk}/reorder-requirements/", {"order": [r2.json()["id"], r1.json()["id"]]}, format="json"
    )
    assert [r["name"] for r in order.json()["requirements"]] == ["Price", "Coverage"]
    assert manager.post(f"/api/v1/evaluations/{pk}/start-scoring/").json()["status"] == "scoring"
    # set-up is locked now
    assert (
        manager.post("/api/v1/evaluation-candidates/", {"evaluation": pk, "name": "C"}, format="json").status_code
        == 400
    )
    cells = [
        {"requirement": r1.json()["id"], "candidate": a.json()["id"], "score": 5, "comment": "Great"},
        {"requirement": r2.json()["id"], "candidate": a.json()["id"], "score": 0},
        {"requirement": r1.json()["id"], "candidate": b.json()["id"], "score": 3},
    ]
    assert (
        api_as(people.leader).post(f"/api/v1/evaluations/{pk}/scores/", {"scores": cells}, format="json").status_code
        == 403
    )
    saved = api_as(people.member).post(f"/api/v1/evaluations/{pk}/scores/", {"scores": cells}, format="json")
    assert saved.status_code == 200 and len(saved.json()) == 3
    assert len(api_as(people.member).get(f"/api/v1/evaluations/{pk}/scores/").json()) == 3
    manager = api_as(people.manager)  # one client: switch back to the manager
    detail = manager.get(f"/api/v1/evaluations/{pk}/").json()
    # A: (5×5 + 2×0) / 35 = 71.43 %; B: 15/25 = 60 % (Price left blank)
    totals = {t["name"]: t["overall"] for t in detail["totals"]}
    assert totals["A"] == pytest.approx(25 / 35 * 100) and totals["B"] == pytest.approx(60.0)
    no_why = manager.post(
        f"/api/v1/evaluations/{pk}/finish/", {"recommended": b.json()["id"], "recommendation": ""}, format="json"
    )
    assert no_why.status_code == 400
    done = manager.post(
        f"/api/v1/evaluations/{pk}/finish/",
        {"recommended": b.json()["id"], "recommendation": "Cheaper."},
        format="json",
    )
    assert (
        done.status_code == 200 and done.json()["status"] == "finished" and done.json()["recommended"] == b.json()["id"]
    )
    assert EvaluationScore.objects.count() == 3


def test_member_cannot_set_up_evaluations(api_as, people):
    response = api_as(people.member).post("/api/v1/evaluations/", {"title": "X", "category": "other"}, format="json")
    assert response.status_code == 403
    assert "error" in response.json()


def test_hidden_evaluations_setup_rows_do_not_exist(api_as, people):
    evaluation, reqs, cands = make_evaluation(reviewers=[people.member])
    assert api_as(people.employee).get(f"/api/v1/evaluation-requirements/{reqs[0].pk}/").status_code == 404
    assert api_as(people.employee).get("/api/v1/evaluation-candidates/").json()["count"] == 0
    assert api_as(people.leader).get(f"/api/v1/evaluation-candidates/?evaluation={evaluation.pk}").json()["count"] == 2


def test_list_query_counts_are_flat(api_as, people, django_assert_max_num_queries):
    make_evaluation(reviewers=[people.member])
    ToolFactory()
    client = api_as(people.leader)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/api/v1/evaluations/").status_code == 200
        assert client.get("/api/v1/tools/").status_code == 200
    for _ in range(6):
        make_evaluation(reviewers=[people.member, people.liaison_a])
        ToolFactory(owner=people.member, department=people.marketing)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/evaluations/").status_code == 200
        assert client.get("/api/v1/tools/").status_code == 200
