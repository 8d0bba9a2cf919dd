"""Maturity over the API: reads for CoE staff and leadership, writes for the CoE manager."""

import pytest

from coe.models import MaturityAssessment, MaturityQuestion, MaturityRecommendation
from tests.coe.factories_maturity import bank, completed_assessment

ASSESSMENTS = "/api/v1/maturity-assessments/"
QUESTIONS = "/api/v1/maturity-questions/"
RECOMMENDATIONS = "/api/v1/maturity-recommendations/"


@pytest.fixture
def done(people):
    bank()
    return completed_assessment(days_ago=20, level=2, stage=2, overall=40)


@pytest.mark.parametrize("url", [ASSESSMENTS, QUESTIONS, RECOMMENDATIONS])
@pytest.mark.parametrize("who", ["manager", "member", "leader"])
def test_staff_and_leadership_list(api_as, people, done, url, who):
    response = api_as(getattr(people, who)).get(url)
    assert response.status_code == 200 and response.json()["count"] > 0


@pytest.mark.parametrize("url", [ASSESSMENTS, QUESTIONS, RECOMMENDATIONS])
@pytest.mark.parametrize("who", ["liaison_a", "liaison_b", "employee", "approver"])
def test_others_see_nothing(api_as, people, done, url, who):
    client = api_as(getattr(people, who))
    assert client.get(url).json()["count"] == 0
    assert client.get(f"{ASSESSMENTS}{done.pk}/").status_code == 404


def test_anonymous_is_refused(api_client, done):
    assert api_client.get(ASSESSMENTS).status_code == 401


def test_retrieve_has_scores_level_and_stage(api_as, people, done):
    body = api_as(people.leader).get(f"{ASSESSMENTS}{done.pk}/").json()
    assert body["level"] == 2 and body["level_name"] == "Processes and workflow"
    assert body["stage_name"] == "Social Teams"
    assert body["scores"]["overall"] == 40
    assert body["facts"][0]["key"] == "charter_approved"


def test_filter_company_only(api_as, people, done):
    completed_assessment(department=people.marketing)
    body = api_as(people.member).get(ASSESSMENTS, {"company": "true"}).json()
    assert [row["id"] for row in body["results"]] == [done.pk]
    body = api_as(people.member).get(ASSESSMENTS, {"department": "marketing"}).json()
    assert body["count"] == 1


def test_the_manager_takes_an_assessment_over_the_api(api_as, people):
    client = api_as(people.manager)
    created = client.post(ASSESSMENTS, {"department": "marketing"}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "in_progress"
    pk = created.json()["id"]
    assert client.post(ASSESSMENTS, {"department": "marketing"}, format="json").json()["id"] == pk  # resumes
    questions = list(MaturityQuestion.objects.filter(is_active=True))
    early = client.post(f"{ASSESSMENTS}{pk}/complete/")
    assert early.status_code == 400 and "not answered" in early.json()["error"]["message"]
    bad = client.post(
        f"{ASSESSMENTS}{pk}/answers/", {"answers": [{"question": questions[0].pk, "score": 5}]}, format="json"
    )
    assert bad.status_code == 400
    answers = [{"question": q.pk, "score": 4} for q in questions]
    saved = client.post(f"{ASSESSMENTS}{pk}/answers/", {"answers": answers}, format="json")
    assert saved.status_code == 200 and saved.json() == {"saved": len(questions), "answered": len(questions)}
    done = client.post(f"{ASSESSMENTS}{pk}/complete/")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert done.json()["scores"]["overall"] == 100.0
    again = client.post(f"{ASSESSMENTS}{pk}/complete/")
    assert again.status_code == 409
    assert client.post(f"{ASSESSMENTS}{pk}/answers/", {"answers": answers[:1]}, format="json").status_code == 409


def test_scores_cannot_be_set_by_clients(api_as, people):
    response = api_as(people.manager).post(ASSESSMENTS, {"level": 5}, format="json")
    assert response.status_code == 400
    assert not MaturityAssessment.objects.exists()


@pytest.mark.parametrize("who", ["member", "leader"])
def test_readers_cannot_write(api_as, people, done, who):
    client = api_as(getattr(people, who))
    assert client.post(ASSESSMENTS, {}, format="json").status_code == 403
    assert client.post(f"{ASSESSMENTS}{done.pk}/complete/").status_code == 403
    question = MaturityQuestion.objects.first()
    assert client.patch(f"{QUESTIONS}{question.pk}/", {"weight": 2}, format="json").status_code == 403
    rec = MaturityRecommendation.objects.first()
    assert client.delete(f"{RECOMMENDATIONS}{rec.pk}/").status_code == 403


def test_the_manager_edits_the_bank_and_the_table(api_as, people, done):
    client = api_as(people.manager)
    question = MaturityQuestion.objects.first()
    assert (
        client.patch(f"{QUESTIONS}{question.pk}/", {"weight": 5, "is_active": False}, format="json").status_code == 200
    )
    question.refresh_from_db()
    assert (question.weight, question.is_active) == (5, False)
    assert client.patch(f"{QUESTIONS}{question.pk}/", {"weight": 6}, format="json").status_code == 400
    created = client.post(
        RECOMMENDATIONS, {"competency": "innovation", "below_score": 30, "title": "Pilot one format"}, format="json"
    )
    assert created.status_code == 201
    assert client.delete(f"{RECOMMENDATIONS}{created.json()['id']}/").status_code == 204


def test_list_query_count_is_flat(api_as, people, django_assert_max_num_queries):
    bank()
    completed_assessment()
    client = api_as(people.member)
    with django_assert_max_num_queries(10) as few:
        client.get(ASSESSMENTS)
    for n in range(10):
        completed_assessment(days_ago=n + 40, department=people.marketing)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(ASSESSMENTS).json()["count"] == 11
