"""Maturity services: the bank, starting and resuming, answers, completion once and for all."""

import pytest

from coe import extensions
from coe.errors import Conflict, DomainError, NotAllowed
from coe.extensions import Fact
from coe.models import MaturityAnswer, MaturityAssessment, MaturityQuestion, MaturityRecommendation
from coe.services import maturity as services
from tests.coe.factories_maturity import answer_all, bank


@pytest.fixture
def provider(monkeypatch):
    """Only this facts provider registered (as governance and training register theirs)."""
    values = {"crisis": False}

    def facts(department_ids):
        result = {pk: [Fact("policy_ack_pct", "Policy acknowledgment", 80.0, "80 %")] for pk in department_ids}
        result[None] = [
            Fact("crisis_plan_exists", "Crisis plan", values["crisis"], "Yes" if values["crisis"] else "No")
        ]
        return result

    monkeypatch.setattr(extensions, "_facts_providers", {})
    extensions.register_department_facts("test_maturity", facts)
    return values


def test_the_default_bank_has_four_to_six_questions_per_competency(db):
    assert services.maturity_questions_ensure() > 0
    assert services.maturity_questions_ensure() == 0  # once
    for competency in services.COMPETENCIES:
        assert 4 <= MaturityQuestion.objects.filter(competency=competency).count() <= 6
    assert services.maturity_recommendations_ensure() > 0
    assert services.maturity_recommendations_ensure() == 0


def test_start_loads_the_bank_and_resumes_the_one_in_progress(people):
    first = services.assessment_start(actor=people.manager)
    assert MaturityQuestion.objects.exists() and MaturityRecommendation.objects.exists()
    assert services.assessment_start(actor=people.manager) == first
    marketing = services.assessment_start(actor=people.manager, department=people.marketing)
    assert marketing != first


@pytest.mark.parametrize("who", ["member", "leader", "liaison_a", "employee"])
def test_only_the_coe_manager_takes_assessments(people, who):
    with pytest.raises(NotAllowed):
        services.assessment_start(actor=getattr(people, who))


def test_answers_save_as_you_go_and_can_change(people):
    questions = bank()
    assessment = services.assessment_start(actor=people.manager)
    services.assessment_answers_save(actor=people.manager, assessment=assessment, answers={questions[0].pk: 1})
    services.assessment_answers_save(
        actor=people.manager, assessment=assessment, answers={questions[0].pk: 3}, notes={questions[0].pk: "ok"}
    )
    answer = MaturityAnswer.objects.get(assessment=assessment)
    assert (answer.score, answer.note) == (3, "ok")


@pytest.mark.parametrize("bad", [5, -1, "2", True])
def test_answers_outside_0_to_4_are_refused(people, bad):
    questions = bank()
    assessment = services.assessment_start(actor=people.manager)
    with pytest.raises(DomainError):
        services.assessment_answers_save(actor=people.manager, assessment=assessment, answers={questions[0].pk: bad})
    assert not MaturityAnswer.objects.exists()


def test_retired_questions_cannot_be_answered(people):
    questions = bank()
    services.question_update(actor=people.manager, question=questions[0], changes={"is_active": False})
    assessment = services.assessment_start(actor=people.manager)
    with pytest.raises(DomainError):
        services.assessment_answers_save(actor=people.manager, assessment=assessment, answers={questions[0].pk: 2})


def test_complete_needs_every_active_question_answered(people):
    questions = bank()
    assessment = services.assessment_start(actor=people.manager)
    services.assessment_answers_save(actor=people.manager, assessment=assessment, answers={questions[0].pk: 2})
    with pytest.raises(DomainError, match=f"{len(questions) - 1} questions are not answered"):
        services.assessment_complete(actor=people.manager, assessment=assessment)


def test_complete_scores_and_stores_the_facts_then_never_changes(people, provider):
    bank()
    assessment = services.assessment_start(actor=people.manager)
    answer_all(assessment, 4)
    done = services.assessment_complete(actor=people.manager, assessment=assessment)
    assert done.status == MaturityAssessment.Status.COMPLETED and done.completed_at
    assert done.scores["overall"] == 100.0
    keys = {fact["key"]: fact["value"] for fact in done.facts}
    # The provider says no crisis plan (company-wide); coe's own: no approved charter, no committee.
    assert keys["crisis_plan_exists"] is False and keys["charter_approved"] is False
    assert done.level == 1  # capped by the missing crisis plan
    assert done.stage == 2  # no steering committee → Social Teams at most
    assert any("crisis plan" in reason for reason in done.scores["level_reasons"])

    provider["crisis"] = True  # the world changes; the completed assessment does not
    with pytest.raises(Conflict):
        services.assessment_complete(actor=people.manager, assessment=done)
    with pytest.raises(Conflict):
        services.assessment_answers_save(
            actor=people.manager, assessment=done, answers={MaturityQuestion.objects.first().pk: 0}
        )
    done.refresh_from_db()
    assert done.level == 1 and done.scores["overall"] == 100.0


def test_a_department_assessment_reads_that_departments_facts(people, provider):
    bank()
    assessment = services.assessment_start(actor=people.manager, department=people.marketing)
    answer_all(assessment, 2)
    done = services.assessment_complete(actor=people.manager, assessment=assessment)
    facts = {f["key"]: f["value"] for f in done.facts}
    assert facts["policy_ack_pct"] == 80.0  # the department's own
    assert facts["crisis_plan_exists"] is False  # company-wide, counts for the department too


def test_works_with_no_provider_registered(people, monkeypatch):
    monkeypatch.setattr(extensions, "_facts_providers", {})
    bank()
    assessment = services.assessment_start(actor=people.manager)
    answer_all(
        assessment,
        {"strategy": 3, "governance": 3, "training": 2, "innovation": 2, "measurement": 2, "organisation": 3},
    )
    done = services.assessment_complete(actor=people.manager, assessment=assessment)
    assert done.level == 2  # level 3 would need an approved charter
    assert [f["key"] for f in done.facts] == ["charter_approved", "steering_committee", "objectives_defined"]


def test_weight_changes_apply_to_later_assessments_only(people):
    questions = bank()
    assessment = services.assessment_start(actor=people.manager)
    answer_all(assessment, 2)
    before = services.assessment_complete(actor=people.manager, assessment=assessment).scores
    services.question_update(actor=people.manager, question=questions[0], changes={"weight": 5})
    assessment.refresh_from_db()
    assert assessment.scores == before


def test_question_and_recommendation_edits_are_validated_and_manager_only(people):
    questions = bank()
    with pytest.raises(DomainError):
        services.question_update(actor=people.manager, question=questions[0], changes={"weight": 9})
    with pytest.raises(NotAllowed):
        services.question_update(actor=people.member, question=questions[0], changes={"text": "x"})
    rec = services.recommendation_create(actor=people.manager, competency="training", below_score=50, title="Train")
    with pytest.raises(DomainError):
        services.recommendation_update(actor=people.manager, recommendation=rec, changes={"below_score": 101})
    services.recommendation_delete(actor=people.manager, recommendation=rec)
    assert not MaturityRecommendation.objects.filter(pk=rec.pk).exists()
