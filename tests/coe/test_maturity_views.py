"""Maturity pages: who may see and do what, taking an assessment, flat query counts."""

import pytest
from django.urls import reverse

from coe.models import MaturityAnswer, MaturityAssessment, MaturityQuestion, MaturityRecommendation
from coe.services import maturity as services
from tests.coe.factories_maturity import answer_all, bank, completed_assessment

READ_PAGES = ["coe:maturity", "coe:maturity_questions", "coe:maturity_recommendations"]


@pytest.fixture
def done(people):
    bank()
    completed_assessment(days_ago=200, level=1, stage=1, overall=20)
    return completed_assessment(days_ago=20, level=2, stage=2, overall=40)


@pytest.mark.parametrize("page", READ_PAGES)
@pytest.mark.parametrize("who", ["manager", "member", "leader"])
def test_coe_staff_and_leadership_read_the_pages(client, people, done, page, who):
    client.force_login(getattr(people, who))
    response = client.get(reverse(page))
    assert response.status_code == 200
    assert b'data-testid="coe-subnav"' in response.content


@pytest.mark.parametrize("page", READ_PAGES)
@pytest.mark.parametrize("who", ["liaison_a", "liaison_b", "approver", "employee"])
def test_everyone_else_is_refused(client, people, done, page, who):
    client.force_login(getattr(people, who))
    assert client.get(reverse(page)).status_code == 403


@pytest.mark.parametrize("who", ["liaison_a", "employee"])
def test_others_do_not_find_an_assessment(client, people, done, who):
    client.force_login(getattr(people, who))
    assert client.get(reverse("coe:maturity_detail", args=[done.pk])).status_code == 404
    assert client.get(reverse("coe:maturity_take", args=[done.pk])).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, done):
    response = client.get(reverse("coe:maturity"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_overview_shows_level_stage_history_and_next_steps(client, people, done):
    client.force_login(people.leader)
    response = client.get(reverse("coe:maturity"))
    body = response.content.decode()
    assert "Level 2 · Processes and workflow" in body
    assert "Social Teams" in body
    assert 'data-testid="maturity-history"' in body
    assert 'data-testid="maturity-next-step"' in body  # 40 is below the 70 thresholds
    assert "Take an assessment" not in body  # leadership reads only
    assert response.context["chart"]["latest"] == [40.0] * 6


def test_the_detail_page_shows_answers_facts_and_radar(client, people, done):
    client.force_login(people.member)
    response = client.get(reverse("coe:maturity_detail", args=[done.pk]))
    assert response.status_code == 200
    assert b'data-testid="maturity-radar"' in response.content
    assert b"Approved charter" in response.content


@pytest.mark.parametrize("who", ["member", "leader"])
def test_only_the_manager_takes_an_assessment(client, people, done, who):
    client.force_login(getattr(people, who))
    assert client.post(reverse("coe:maturity_start")).status_code == 403
    assessment = MaturityAssessment.objects.create()
    assert client.get(reverse("coe:maturity_take", args=[assessment.pk])).status_code == 403
    assert client.post(reverse("coe:maturity_take", args=[assessment.pk]), {"action": "save"}).status_code == 403


def test_the_manager_takes_saves_resumes_and_completes(client, people):
    client.force_login(people.manager)
    response = client.post(reverse("coe:maturity_start"), {"department": ""})
    assessment = MaturityAssessment.objects.get()
    assert response["Location"] == reverse("coe:maturity_take", args=[assessment.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200 and b'data-testid="maturity-facts"' in page.content
    questions = list(MaturityQuestion.objects.filter(is_active=True))
    # htmx saves one answer as you go
    first = client.post(
        reverse("coe:maturity_take", args=[assessment.pk]), {f"q_{questions[0].pk}": "3"}, HTTP_HX_REQUEST="true"
    )
    assert b"1 answered" in first.content
    # resuming: starting again for the company returns the same one
    assert client.post(reverse("coe:maturity_start"), {"department": ""})["Location"].endswith(
        f"/{assessment.pk}/take/"
    )
    # completing too early is refused with the reason
    early = client.post(reverse("coe:maturity_take", args=[assessment.pk]), {"action": "complete"})
    assert early.status_code == 400 and b"not answered yet" in early.content
    answers = {f"q_{q.pk}": "2" for q in questions}
    done = client.post(reverse("coe:maturity_take", args=[assessment.pk]), {**answers, "action": "complete"})
    assert done["Location"] == reverse("coe:maturity_detail", args=[assessment.pk])
    assessment.refresh_from_db()
    assert assessment.status == "completed" and assessment.scores["overall"] == 50.0
    # completed: the take page sends to the result; answers no longer change
    assert client.get(reverse("coe:maturity_take", args=[assessment.pk])).status_code == 302
    client.post(reverse("coe:maturity_take", args=[assessment.pk]), {f"q_{questions[0].pk}": "0"})
    assert MaturityAnswer.objects.get(assessment=assessment, question=questions[0]).score == 2


def test_bad_answers_are_refused_on_the_page(client, people):
    client.force_login(people.manager)
    assessment = services.assessment_start(actor=people.manager)
    question = MaturityQuestion.objects.first()
    response = client.post(reverse("coe:maturity_take", args=[assessment.pk]), {f"q_{question.pk}": "7"})
    assert response.status_code == 400
    assert not MaturityAnswer.objects.exists()


def test_the_manager_edits_a_question_and_a_next_step(client, people, done):
    client.force_login(people.manager)
    question = MaturityQuestion.objects.first()
    data = {"competency": question.competency, "text": "Reworded", "guidance": "", "weight": 4, "position": 0}
    assert client.post(reverse("coe:maturity_question_edit", args=[question.pk]), data).status_code == 302
    question.refresh_from_db()
    assert (question.text, question.weight, question.is_active) == ("Reworded", 4, False)
    new = {"competency": "training", "below_score": 55, "title": "Certify liaisons", "detail": "", "position": 0}
    assert client.post(reverse("coe:maturity_recommendations"), {**new, "is_active": "on"}).status_code == 302
    rec = MaturityRecommendation.objects.get(title="Certify liaisons")
    bad = client.post(reverse("coe:maturity_recommendation_edit", args=[rec.pk]), {**new, "below_score": 140})
    assert bad.status_code == 200 and bad.context["form"].errors
    client.post(reverse("coe:maturity_recommendation_edit", args=[rec.pk]), {"action": "delete"})
    assert not MaturityRecommendation.objects.filter(pk=rec.pk).exists()


@pytest.mark.parametrize("who", ["member", "leader"])
def test_readers_cannot_edit_the_bank(client, people, done, who):
    client.force_login(getattr(people, who))
    question = MaturityQuestion.objects.first()
    assert client.get(reverse("coe:maturity_question_edit", args=[question.pk])).status_code == 403
    assert client.post(reverse("coe:maturity_questions"), {"text": "x"}).status_code == 403
    rec = MaturityRecommendation.objects.first()
    assert (
        client.post(reverse("coe:maturity_recommendation_edit", args=[rec.pk]), {"action": "delete"}).status_code == 403
    )


def test_the_overview_query_count_is_flat(client, people, django_assert_max_num_queries):
    bank()
    completed_assessment(days_ago=10)
    completed_assessment(days_ago=10, department=people.marketing)
    client.force_login(people.manager)
    client.get(reverse("coe:maturity"))  # warm the session and the permission cache
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("coe:maturity")).status_code == 200
    for n in range(9):
        completed_assessment(days_ago=40 + 30 * n)
        completed_assessment(days_ago=40 + 30 * n, department=people.service)
    MaturityAssessment.objects.create()  # one in progress too
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("coe:maturity"))
    assert len(response.context["history"]) == 10


def test_the_detail_query_count_is_flat(client, people, django_assert_max_num_queries):
    bank()
    assessment = services.assessment_start(actor=people.manager)
    answer_all(assessment, 3)
    services.assessment_complete(actor=people.manager, assessment=assessment)
    client.force_login(people.member)
    client.get(reverse("coe:maturity_detail", args=[assessment.pk]))
    with django_assert_max_num_queries(16):
        assert client.get(reverse("coe:maturity_detail", args=[assessment.pk])).status_code == 200
