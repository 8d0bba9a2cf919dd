"""Tech stack pages: who sees what (per role, 403 for pages a role may not use, 404 for evaluations
a person may not see, sign-in for anonymous), the manager's forms, a reviewer's grid, the report,
the formula-safe CSV and flat query counts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coe.models import EvaluationScore, Tool
from tests.coe.factories_techstack import CandidateFactory, RequirementFactory, ToolFactory, make_evaluation, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(people):
    """Scoring; reviewers: member and liaison_a (a liaison named as a reviewer)."""
    evaluation, reqs, cands = make_evaluation(reviewers=[people.member, people.liaison_a])
    for req in reqs:
        score(req, cands[0], people.member, 4)
        score(req, cands[1], people.member, 2)
    return evaluation


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("member", 200), ("leader", 200), ("liaison_b", 403), ("approver", 403), ("employee", 403)],
)
def test_techstack_page_per_role(client, people, who, status):
    ToolFactory(name="Inbox", renewal_on=timezone.localdate() + timedelta(days=20), owner=people.member)
    client.force_login(getattr(people, who))
    response = client.get("/coe/tech-stack/")
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Inbox" in body and 'data-testid="tool-renewals"' in body
        assert ("Add a tool" in body) == (who == "manager")
        assert 'data-testid="coe-subnav"' in body and 'href="/coe/tech-stack/"' in body


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/coe/tech-stack/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_reviewer_without_inventory_rights_sees_only_their_evaluations(client, people, evaluation):
    ToolFactory(name="Secret tool")
    client.force_login(people.liaison_a)
    body = client.get("/coe/tech-stack/").content.decode()
    assert evaluation.title in body and "Secret tool" not in body and "Evaluations you review" in body


@pytest.mark.parametrize(
    ("who", "detail", "report"),
    [
        ("manager", 200, 200),
        ("member", 200, 302),  # a reviewer: the others' scores only once it is finished
        ("leader", 200, 200),
        ("liaison_a", 200, 302),
        ("liaison_b", 404, 404),
        ("employee", 404, 404),
    ],
)
def test_evaluation_detail_and_report_per_role(client, people, evaluation, who, detail, report):
    client.force_login(getattr(people, who))
    page = client.get(f"/coe/tech-stack/evaluations/{evaluation.pk}/")
    assert page.status_code == detail
    if detail == 200:
        assert ('data-testid="evaluation-ranking"' in page.content.decode()) == (report == 200)
    assert client.get(f"/coe/tech-stack/evaluations/{evaluation.pk}/report/").status_code == report


def test_reviewers_read_the_report_once_finished(client, people, evaluation):
    evaluation.status = "finished"
    evaluation.recommended = evaluation.candidates.first()
    evaluation.recommendation = "Best."
    evaluation.save()
    client.force_login(people.liaison_a)
    assert "Best." in client.get(f"/coe/tech-stack/evaluations/{evaluation.pk}/report/").content.decode()


def test_the_manager_edits_reorders_and_removes_during_setup(client, people):
    evaluation, reqs, cands = make_evaluation(reviewers=[people.member], status="draft")
    client.force_login(people.manager)
    base = f"/coe/tech-stack/evaluations/{evaluation.pk}/"
    assert client.get(f"{base}edit/").status_code == 200
    client.post(f"{base}requirements/{reqs[2].pk}/up/")
    assert list(evaluation.requirements.values_list("name", flat=True)) == ["R0", "R2", "R1"]
    client.post(f"{base}requirements/{reqs[0].pk}/delete/")
    client.post(f"{base}candidates/{cands[0].pk}/delete/")
    assert evaluation.requirements.count() == 2 and evaluation.candidates.count() == 1
    assert client.post(f"{base}requirements/{reqs[1].pk}/sideways/").status_code == 404
    client.force_login(people.member)
    assert client.post(f"{base}requirements/{reqs[1].pk}/delete/").status_code == 403


@pytest.mark.parametrize(
    ("who", "status"), [("member", 200), ("liaison_a", 200), ("manager", 403), ("leader", 403), ("employee", 404)]
)
def test_only_reviewers_open_the_scoring_grid(client, people, evaluation, who, status):
    client.force_login(getattr(people, who))
    assert client.get(f"/coe/tech-stack/evaluations/{evaluation.pk}/score/").status_code == status


def test_a_reviewer_saves_their_grid(client, people, evaluation):
    req = evaluation.requirements.first()
    cand = evaluation.candidates.first()
    client.force_login(people.liaison_a)
    response = client.post(
        f"/coe/tech-stack/evaluations/{evaluation.pk}/score/",
        {f"score-{req.pk}-{cand.pk}": "3", f"comment-{req.pk}-{cand.pk}": "OK", "score-0-0": "5"},
    )
    assert response.status_code == 302
    mine = EvaluationScore.objects.get(reviewer=people.liaison_a)
    assert (mine.requirement, mine.candidate, mine.score, mine.comment) == (req, cand, 3, "OK")
    assert EvaluationScore.objects.filter(reviewer=people.member).count() == 6  # untouched


def test_the_manager_adds_edits_and_retires_a_tool(client, people):
    client.force_login(people.manager)
    response = client.post(
        "/coe/tech-stack/tools/new/",
        {
            "name": "Pulse",
            "vendor": "P",
            "category": "listening",
            "yearly_cost": "1000",
            "currency": "EUR",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    tool = Tool.objects.get(name="Pulse")
    assert client.get(f"/coe/tech-stack/tools/{tool.pk}/").status_code == 200
    assert client.post(f"/coe/tech-stack/tools/{tool.pk}/retire/").status_code == 302
    assert not Tool.objects.get(pk=tool.pk).is_active
    client.force_login(people.member)
    assert client.get("/coe/tech-stack/tools/new/").status_code == 403
    assert client.post(f"/coe/tech-stack/tools/{tool.pk}/retire/").status_code == 403


def test_the_manager_sets_up_scores_and_finishes_through_the_pages(client, people):
    client.force_login(people.manager)
    response = client.post(
        "/coe/tech-stack/evaluations/new/",
        {"title": "Inbox", "category": "social_management", "purpose": "p", "reviewers": [people.manager.pk]},
    )
    assert response.status_code == 302
    url = response["Location"]
    pk = int(url.rstrip("/").split("/")[-1])
    assert client.post(f"{url}requirements/", {"req-name": "Speed", "req-weight": "5"}).status_code == 302
    assert client.post(f"{url}requirements/", {"req-name": "Bad", "req-weight": "9"}).status_code == 400
    for name in ("A", "B"):
        assert client.post(f"{url}candidates/", {"cand-name": name}).status_code == 302
    client.post(f"{url}start/")
    req_pk = RequirementFactory._meta.model.objects.get(evaluation_id=pk).pk
    a, b = CandidateFactory._meta.model.objects.filter(evaluation_id=pk).order_by("name")
    client.post(f"{url}score/", {f"score-{req_pk}-{a.pk}": "5", f"score-{req_pk}-{b.pk}": "1"})
    page = client.get(url).content.decode()
    assert 'data-testid="finish-form"' in page and 'id="override-warning"' in page
    missing_why = client.post(f"{url}finish/", {"recommended": b.pk, "recommendation": ""})
    assert missing_why.status_code == 400
    done = client.post(f"{url}finish/", {"recommended": b.pk, "recommendation": "Cheaper.", "add_to_inventory": "on"})
    assert done.status_code == 302 and done["Location"].endswith("/report/")
    report = client.get(done["Location"]).content.decode()
    assert 'data-testid="override-note"' in report and "Cheaper." in report
    assert Tool.objects.filter(name="B").exists()


def test_csv_is_formula_safe(client, people):
    ToolFactory(name='=HYPERLINK("x")', notes="+cmd", yearly_cost=Decimal("5"))
    client.force_login(people.leader)
    response = client.get("/coe/tech-stack/tools/export.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in text and "'+cmd" in text
    client.force_login(people.employee)
    assert client.get("/coe/tech-stack/tools/export.csv").status_code == 403


def _tools(n, people):
    for i in range(n):
        ToolFactory(
            owner=people.member, department=people.marketing, renewal_on=timezone.localdate() + timedelta(days=i)
        )


def test_the_inventory_query_count_is_flat(client, people, django_assert_max_num_queries):
    make_evaluation(reviewers=[people.member])
    _tools(2, people)
    client.force_login(people.leader)
    with django_assert_max_num_queries(14) as few:
        assert client.get("/coe/tech-stack/").status_code == 200
    _tools(30, people)
    for _ in range(5):
        make_evaluation(reviewers=[people.member, people.liaison_a])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/coe/tech-stack/").status_code == 200


def _grow(evaluation, reviewers, extra):
    reqs = [RequirementFactory(evaluation=evaluation, weight=2) for _ in range(extra)]
    cands = [CandidateFactory(evaluation=evaluation) for _ in range(extra)]
    for req in [*reqs, *evaluation.requirements.all()]:
        for cand in [*cands, *evaluation.candidates.all()]:
            for reviewer in reviewers:
                EvaluationScore.objects.get_or_create(
                    requirement=req, candidate=cand, reviewer=reviewer, defaults={"score": 3}
                )


@pytest.mark.parametrize("page", ["score", "report", ""])
def test_grid_report_and_detail_query_counts_are_flat(client, people, django_assert_max_num_queries, page):
    evaluation, _, _ = make_evaluation(reviewers=[people.member, people.liaison_a, people.manager])
    _grow(evaluation, [people.member], 0)
    client.force_login(people.manager)
    url = f"/coe/tech-stack/evaluations/{evaluation.pk}/{page + '/' if page else ''}"
    with django_assert_max_num_queries(14) as few:
        assert client.get(url).status_code == 200
    _grow(evaluation, [people.member, people.liaison_a], 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_admin_lists_tools_and_evaluations_read_only(client, people, evaluation):
    ToolFactory(name="Inbox")
    client.force_login(people.manager)
    assert "Inbox" in client.get("/admin/coe/tool/?q=inbox").content.decode()
    assert client.get(f"/admin/coe/evaluation/{evaluation.pk}/change/").status_code == 200
    assert client.get("/admin/coe/tool/add/").status_code == 403
