"""Tech stack rules: weighted scoring (hand-worked, with missing scores), only reviewers score and
only their own, finish rules, set-up locked once scoring starts, renewal reminders once per date
on a clock the test sets, and the task through Celery."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from coe.errors import DomainError, NotAllowed
from coe.models import EvaluationScore, Notification, Tool
from coe.selectors.techstack import evaluation_results, weighted_percent
from coe.services import techstack as services
from coe.tasks import tools_remind_renewal_task
from tests.coe.factories_techstack import ToolFactory, make_evaluation, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(people):
    """Weights 5, 3, 2 (full marks = 50). member scored Alpha 4/5/1 and Beta 2/2/2; liaison_a scored
    Alpha 5/—/3 (left R1 blank) and nothing for Beta."""
    evaluation, (r0, r1, r2), (alpha, beta) = make_evaluation(reviewers=[people.member, people.liaison_a])
    for req, value in zip((r0, r1, r2), (4, 5, 1), strict=True):
        score(req, alpha, people.member, value)
    for req in (r0, r1, r2):
        score(req, beta, people.member, 2)
    score(r0, alpha, people.liaison_a, 5)
    score(r2, alpha, people.liaison_a, 3)
    return evaluation, (r0, r1, r2), (alpha, beta)


def test_weighted_percent_by_hand():
    assert weighted_percent([(5, 4), (3, 5), (2, 1)]) == pytest.approx(74.0)  # 37 / 50
    assert weighted_percent([]) is None


def test_weighted_totals_hand_worked_with_a_blank_requirement(scored, people):
    evaluation, (r0, r1, r2), (alpha, beta) = scored
    results = evaluation_results(evaluation=evaluation)
    by_name = {r.candidate.name: r for r in results.ranking}
    # member / Alpha: (5×4 + 3×5 + 2×1) / 50 = 37/50 = 74 %
    assert by_name["Alpha"].by_reviewer[people.member.pk] == pytest.approx(74.0)
    # liaison_a / Alpha: R1 blank is left out of numerator AND denominator: (25 + 6) / (25 + 10) = 88.571 %
    assert by_name["Alpha"].by_reviewer[people.liaison_a.pk] == pytest.approx(31 / 35 * 100)
    # overall = mean over reviewers who scored: (74 + 88.571) / 2
    assert by_name["Alpha"].overall == pytest.approx((74 + 31 / 35 * 100) / 2)  # 81.29
    # Beta: only member scored (10+6+4)/50 = 40 %; liaison_a did not score Beta and is not counted
    assert by_name["Beta"].by_reviewer[people.liaison_a.pk] is None
    assert by_name["Beta"].overall == pytest.approx(40.0)
    assert [(r.candidate.name, r.rank) for r in results.ranking] == [("Alpha", 1), ("Beta", 2)]
    # spread: R0 Alpha 5−4 = 1, R2 Alpha 3−1 = 2, R1 only one score → none
    assert by_name["Alpha"].by_requirement[r0.pk][1] == 1
    assert by_name["Alpha"].by_requirement[r2.pk][1] == 2
    assert results.requirement_spread == {r0.pk: 1, r1.pk: None, r2.pk: 2}
    assert (results.scored_cells, results.total_cells) == (8, 12)


def test_a_reviewer_saves_only_their_own_scores_in_bulk(scored, people):
    evaluation, (r0, r1, r2), (alpha, beta) = scored
    saved = services.evaluation_scores_save(
        actor=people.liaison_a,
        evaluation=evaluation,
        cells=[
            {"requirement": r1.pk, "candidate": alpha.pk, "score": 2, "comment": "Slow UI"},
            {"requirement": r0.pk, "candidate": alpha.pk, "score": None},  # cleared
        ],
    )
    assert saved == 1
    mine = dict(EvaluationScore.objects.filter(reviewer=people.liaison_a).values_list("requirement_id", "score"))
    assert mine == {r1.pk: 2, r2.pk: 3}
    # member's scores untouched
    assert EvaluationScore.objects.filter(reviewer=people.member).count() == 6


@pytest.mark.parametrize("who", ["manager", "leader", "employee", "liaison_b"])
def test_only_named_reviewers_score(scored, people, who):
    evaluation, (r0, _, _), (alpha, _) = scored
    with pytest.raises(NotAllowed):
        services.evaluation_scores_save(
            actor=getattr(people, who),
            evaluation=evaluation,
            cells=[{"requirement": r0.pk, "candidate": alpha.pk, "score": 1}],
        )


def test_scores_are_refused_outside_scoring_and_out_of_range(scored, people):
    evaluation, (r0, _, _), (alpha, _) = scored
    with pytest.raises(DomainError, match="0 \\(fails\\) to 5"):
        services.evaluation_scores_save(
            actor=people.member,
            evaluation=evaluation,
            cells=[{"requirement": r0.pk, "candidate": alpha.pk, "score": 6}],
        )
    other, (other_req,), (other_cand,) = make_evaluation(reviewers=[people.member], weights=(3,), candidates=("X",))
    with pytest.raises(DomainError, match="another evaluation"):
        services.evaluation_scores_save(
            actor=people.member,
            evaluation=evaluation,
            cells=[{"requirement": other_req.pk, "candidate": alpha.pk, "score": 1}],
        )
    evaluation.status = "finished"
    evaluation.save()
    with pytest.raises(DomainError, match="finished"):
        services.evaluation_scores_save(
            actor=people.member,
            evaluation=evaluation,
            cells=[{"requirement": r0.pk, "candidate": alpha.pk, "score": 1}],
        )


def test_finish_needs_a_candidate_of_this_evaluation_and_why(scored, people):
    evaluation, _, (alpha, beta) = scored
    with pytest.raises(NotAllowed):
        services.evaluation_finish(actor=people.member, evaluation=evaluation, recommended=alpha, recommendation="Best")
    with pytest.raises(DomainError, match="Say why"):
        services.evaluation_finish(actor=people.manager, evaluation=evaluation, recommended=alpha, recommendation=" ")
    _, _, (stranger,) = make_evaluation(reviewers=[people.member], weights=(3,), candidates=("Stranger",))
    with pytest.raises(DomainError, match="this evaluation's candidates"):
        services.evaluation_finish(
            actor=people.manager, evaluation=evaluation, recommended=stranger, recommendation="x"
        )
    # Beta is not the top score: allowed, with the reasons
    done = services.evaluation_finish(
        actor=people.manager,
        evaluation=evaluation,
        recommended=beta,
        recommendation="Alpha fails our security review.",
        add_to_inventory=True,
    )
    assert done.status == "finished" and done.recommended == beta and done.finished_at
    tool = Tool.objects.get(name="Beta")
    assert (
        tool.category == evaluation.category and tool.yearly_cost == Decimal("10000") and tool.owner == people.manager
    )
    with pytest.raises(DomainError, match="finish it"):
        services.evaluation_finish(actor=people.manager, evaluation=done, recommended=beta, recommendation="again")


def test_finish_needs_scores(people):
    evaluation, _, (alpha, _) = make_evaluation(reviewers=[people.member])
    with pytest.raises(DomainError, match="No reviewer has scored"):
        services.evaluation_finish(actor=people.manager, evaluation=evaluation, recommended=alpha, recommendation="x")


def test_setup_then_scoring_locks_requirements_and_tells_reviewers(people):
    evaluation = services.evaluation_create(
        actor=people.manager,
        values={"title": "Listening", "category": "listening", "purpose": "p"},
        reviewers=[people.member],
    )
    with pytest.raises(DomainError, match="two candidates"):
        services.evaluation_start_scoring(actor=people.manager, evaluation=evaluation)
    a = services.requirement_add(actor=people.manager, evaluation=evaluation, values={"name": "A", "weight": 5})
    b = services.requirement_add(actor=people.manager, evaluation=evaluation, values={"name": "B", "weight": 1})
    with pytest.raises(DomainError):
        services.requirement_add(actor=people.manager, evaluation=evaluation, values={"name": "C", "weight": 6})
    services.requirement_move(actor=people.manager, requirement=b, up=True)
    assert list(evaluation.requirements.values_list("name", flat=True)) == ["B", "A"]
    services.candidate_add(actor=people.manager, evaluation=evaluation, values={"name": "X"})
    with pytest.raises(DomainError, match="already a candidate"):
        services.candidate_add(actor=people.manager, evaluation=evaluation, values={"name": "x"})
    services.candidate_add(actor=people.manager, evaluation=evaluation, values={"name": "Y"})
    services.evaluation_start_scoring(actor=people.manager, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert evaluation.status == "scoring"
    assert Notification.objects.filter(recipient=people.member, kind="evaluation.scoring").count() == 1
    with pytest.raises(DomainError, match="setting up|reviewers scoring"):
        services.requirement_update(actor=people.manager, requirement=a, values={"weight": 1})


def test_renewal_reminder_once_per_renewal_date_on_a_set_clock(people):
    today = date(2026, 3, 1)
    tool = ToolFactory(name="Inbox", owner=people.member, renewal_on=today + timedelta(days=40))
    ToolFactory(name="Retired", owner=people.member, renewal_on=today + timedelta(days=5), is_active=False)
    assert services.tools_remind_renewal(today=today) == 0  # 40 days away: not yet (30 by default)
    assert services.tools_remind_renewal(today=today + timedelta(days=10)) == 1  # 30 days before
    assert services.tools_remind_renewal(today=today + timedelta(days=11)) == 0  # once per date
    assert services.tools_remind_renewal(today=today + timedelta(days=39)) == 0
    told = set(Notification.objects.filter(kind="tool.renewal").values_list("recipient__username", flat=True))
    assert told == {"member", "manager"}  # the owner and the CoE managers
    tool.refresh_from_db()
    assert tool.renewal_reminded_for == tool.renewal_on
    # renewed for a year: the new date gets its own reminder, 30 days before it
    tool.renewal_on = date(2027, 4, 10)
    tool.save()
    assert services.tools_remind_renewal(today=date(2027, 3, 10)) == 0
    assert services.tools_remind_renewal(today=date(2027, 3, 11)) == 1
    assert Notification.objects.filter(kind="tool.renewal", recipient=people.member).count() == 2


@override_settings(TOOL_RENEWAL_REMIND_DAYS=7)
def test_reminder_days_come_from_the_setting(people):
    ToolFactory(owner=people.member, renewal_on=date(2026, 5, 20))
    assert services.tools_remind_renewal(today=date(2026, 5, 12)) == 0
    assert services.tools_remind_renewal(today=date(2026, 5, 13)) == 1


def test_the_task_calls_the_sweep_and_is_idempotent(people):
    ToolFactory(owner=people.member, renewal_on=timezone.localdate() + timedelta(days=3))
    tools_remind_renewal_task.run()
    tools_remind_renewal_task.run()
    assert Notification.objects.filter(kind="tool.renewal", recipient=people.member).count() == 1


def test_the_sweep_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["coe-tools-remind-renewal"]
    assert entry["task"] == "coe.tasks.tools_remind_renewal_task"
    assert entry["schedule"] == timedelta(hours=1)


def test_only_the_manager_keeps_the_inventory(people):
    with pytest.raises(NotAllowed):
        services.tool_create(actor=people.member, values={"name": "X", "category": "other"})
    tool = services.tool_create(actor=people.manager, values={"name": "X", "category": "other", "currency": "usd"})
    assert tool.currency == "USD"
    services.tool_retire(actor=people.manager, tool=tool)
    assert not Tool.objects.get(pk=tool.pk).is_active
