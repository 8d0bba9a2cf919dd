"""The training report's numbers on a dataset built by hand (every figure worked out in the
comments), the hardest questions in order, the filters, and a query count that stays the same as
people, modules, attempts and assignments grow."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coe.models import User
from coe.roles import Role
from tests.coe.factories import DepartmentFactory, UserFactory
from tests.training.assignment_helpers import assign, attempt, backdate, certificate
from tests.training.quiz_helpers import make_module, make_track
from training.models import Question
from training.selectors import report as report_selectors
from training.selectors.report import ReportFilters, training_report

DAY = timedelta(days=1)


@pytest.fixture
def dataset(people):
    """Policy (A) and Brand voice (B) make the Social Publisher track (T).
    A is assigned to Marketing, due in 3 days; T to every Liaison, due in 20 days. The report is
    read five days on, so A is overdue then.

    Attempts: Lena (liaison_a, Marketing) fails A with 50 and passes with 100; the employee
    (Marketing) fails A with 25; Carl (liaison_b, Customer Service) passes A with 75 and B with 100
    and holds a valid T certificate; the approver (Customer Service) fails B with 50."""
    User.objects.update(date_joined=timezone.now() - 400 * DAY)
    a, b = make_module("Policy", pass_mark_percent=75), make_module("Brand voice", pass_mark_percent=75)
    track = make_track("Social Publisher", [a, b])
    to_marketing = assign(people.member, module=a, department=people.marketing, due_in_days=3)
    to_liaisons = assign(
        people.member, track=track, role=Group.objects.get(name=Role.LIAISON.group_name), due_in_days=20
    )
    for assignment in (to_marketing, to_liaisons):
        backdate(assignment, days=10)
    attempt(people.liaison_a, a, score=50)
    attempt(people.liaison_a, a, score=100)
    attempt(people.employee, a, score=25)
    attempt(people.liaison_b, a, score=75)
    attempt(people.liaison_b, b, score=100)
    certificate(people.liaison_b, track)
    attempt(people.approver, b, score=50)
    return a, b, track, to_marketing, to_liaisons


def _report(people, filters: ReportFilters | None = None, days_on: int = 5):
    now = timezone.now() + days_on * DAY
    return training_report(user=people.manager, filters=filters or ReportFilters(), now=now)


def test_completion_and_overdue_per_assignment(people, dataset):
    a, b, track, to_marketing, to_liaisons = dataset
    rows = {row.assignment: row for row in _report(people).assignments}
    marketing = rows[to_marketing]  # Lena passed A; the employee has not and is overdue
    assert (marketing.audience, marketing.completed, marketing.overdue, marketing.completion) == (2, 1, 1, 50)
    liaisons = rows[to_liaisons]  # Carl is certified; Lena is not, but has 15 days left
    assert (liaisons.audience, liaisons.completed, liaisons.overdue, liaisons.completion) == (2, 1, 0, 50)


def test_per_module_scores_pass_rates_and_completion(people, dataset):
    a, b, *_ = dataset
    rows = {row.module: row for row in _report(people).modules}
    policy = rows[a]
    # Learners Lena, the employee, Carl; passed Lena and Carl. Four attempts, two passed, average
    # (50+100+25+75)/4 = 62.5; first attempts: Lena's and the employee's failed, Carl's passed.
    assert (policy.learners, policy.passed_people, policy.attempts, policy.passed_attempts) == (3, 2, 4, 2)
    assert policy.average_score == Decimal("62.5") and policy.pass_rate == 50
    assert (policy.first_attempts, policy.first_passed, policy.first_pass_rate) == (3, 1, 33)
    # Assigned to Marketing directly and to the liaisons through the track: Lena, the employee,
    # Carl; Lena and Carl passed it.
    assert (policy.assigned, policy.assigned_done, policy.completion) == (3, 2, 67)
    brand = rows[b]  # through the track only: Lena and Carl; Carl passed
    assert (brand.learners, brand.attempts, brand.average_score, brand.pass_rate) == (2, 2, Decimal("75.0"), 50)
    assert (brand.assigned, brand.assigned_done, brand.completion, brand.first_pass_rate) == (2, 1, 50, 50)


def test_per_department(people, dataset):
    rows = {row.department.slug: row for row in _report(people).departments}
    marketing = rows["marketing"]
    # Both have training; neither is up to date (Lena lacks the certificate); the employee is
    # overdue. Their three attempts average (50+100+25)/3 and one of three passed.
    assert (marketing.members, marketing.assigned, marketing.up_to_date, marketing.overdue) == (2, 2, 0, 1)
    assert (marketing.attempts, marketing.pass_rate, marketing.average_score) == (3, 33, Decimal("58.3"))
    service = rows["customer-service"]  # Carl has the track and is certified; the approver has nothing
    assert (service.members, service.assigned, service.up_to_date, service.completion, service.overdue) == (
        2,
        1,
        1,
        100,
        0,
    )
    assert (service.attempts, service.pass_rate, service.average_score) == (3, 67, Decimal("75.0"))
    coe = rows["social-media-coe"]
    assert (coe.members, coe.assigned, coe.completion, coe.attempts, coe.average_score) == (2, 0, None, 0, None)
    # lowest completion first; nothing assigned last
    assert [row.department.slug for row in _report(people).departments] == [
        "marketing",
        "customer-service",
        "social-media-coe",
    ]


def test_summary_and_overdue_people(people, dataset):
    a, b, track, to_marketing, _ = dataset
    report = _report(people)
    s = report.summary
    # Seven people; Lena, the employee and Carl have training, Carl is up to date; the employee is
    # overdue; six attempts, three passed, average 400/6.
    assert (s.people, s.assigned, s.up_to_date, s.completion, s.overdue) == (7, 3, 1, 33, 1)
    assert (s.attempts, s.passed_attempts, s.pass_rate, s.average_score) == (6, 3, 50, Decimal("66.7"))
    assert [row.person for row in report.overdue] == [people.employee] and report.overdue_total == 1
    assert report.overdue[0].first == to_marketing and report.overdue[0].due_on == to_marketing.due_on
    # Today nobody is overdue yet.
    assert _report(people, days_on=0).summary.overdue == 0


def test_filters_narrow_every_section(people, dataset):
    a, b, track, to_marketing, to_liaisons = dataset
    service = _report(people, ReportFilters(department=people.service))
    assert {row.assignment: (row.audience, row.completed) for row in service.assignments} == {
        to_marketing: (0, 0),
        to_liaisons: (1, 1),
    }
    assert [row.department.slug for row in service.departments] == ["customer-service"]
    assert {row.module: row.attempts for row in service.modules} == {a: 1, b: 2}
    assert service.summary.people == 2
    only_b = _report(people, ReportFilters(module=b))
    assert [row.module for row in only_b.modules] == [b]
    assert [row.assignment for row in only_b.assignments] == [to_liaisons]  # B is in the track
    assert only_b.summary.attempts == 2
    by_track = _report(people, ReportFilters(track=track))
    assert {row.module for row in by_track.modules} == {a, b}


def test_the_period_counts_recent_attempts_only(people, dataset):
    a, *_ = dataset
    attempt(people.employee, a, score=100, when=timezone.now() - 100 * DAY, number=9)
    everything = {row.module: row for row in _report(people).modules}[a]
    recent = {row.module: row for row in _report(people, ReportFilters(period="30")).modules}[a]
    assert (everything.attempts, recent.attempts) == (5, 4)


def test_the_hardest_questions_come_first(people):
    module = make_module("Crisis response")  # four questions
    q1, q2, q3, q4 = Question.objects.filter(module=module).order_by("position")
    learners = [UserFactory(username=f"learner{i}") for i in range(6)]
    # q1 right 2 of 6, q2 right 5 of 6, q3 right 2 of 5, q4 answered 4 times (too few to count).
    for index, learner in enumerate(learners):
        answers = {q1: index < 2, q2: index < 5}
        if index < 5:
            answers[q3] = index < 2
        if index < 4:
            answers[q4] = False
        attempt(learner, module, score=50, answers=answers)
    rows = report_selectors.hardest_questions(ReportFilters())
    assert [(row.question_id, row.correct, row.answered) for row in rows] == [
        (q1.pk, 2, 6),  # 33%, answered more often than q3
        (q3.pk, 2, 5),  # 40%
        (q2.pk, 5, 6),  # 83%
    ]
    assert rows[0].text == q1.text and rows[0].module_title == "Crisis response" and rows[0].correct_rate == 33


def _grow(people, size: int) -> None:
    """``size`` more of everything: departments with people, modules with attempts and answers,
    tracks with certificates, and assignments."""
    for n in range(size):
        department = DepartmentFactory(name=f"Team {size}-{n}")
        crowd = [UserFactory(username=f"p{size}-{n}-{i}", departments=[department]) for i in range(3)]
        module = make_module(f"Module {size}-{n}")
        questions = list(Question.objects.filter(module=module))
        for person in crowd:
            attempt(person, module, score=50, answers=dict.fromkeys(questions, False))
            attempt(person, module, score=100, answers=dict.fromkeys(questions, True))
        track = make_track(f"Track {size}-{n}", [module])
        certificate(crowd[0], track)
        assign(people.member, module=module, department=department, due_in_days=2)
        assign(people.member, track=track, user=crowd[1], due_in_days=30)


def _queries(people) -> int:
    with CaptureQueriesContext(connection) as captured:
        _report(people)
    return len(captured)


def test_the_report_query_count_does_not_grow(people):
    _grow(people, 1)
    _report(people)  # the manager's permissions are cached on the first call
    small = _queries(people)
    _grow(people, 4)
    assert _queries(people) == small
    assert small <= 14
