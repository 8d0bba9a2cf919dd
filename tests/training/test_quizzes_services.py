"""Quiz services: drawing and shuffling, server-side scoring of every question type (partial and
unanswered too), attempt limits and accommodations, the cool-down, the server-enforced time limit,
double starts, and attempts that never change once closed. Clocks are set with ``now=``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from coe.errors import Conflict, DomainError, NotAllowed
from coe.models import Notification
from governance.models import AuditEntry
from tests.training.quiz_helpers import answer_all, make_module, right_choices, take, wrong_choices
from training.models import Attempt, AttemptQuestion, Choice, ModuleStatus, Question, QuestionKind
from training.selectors.quizzes import module_results, modules_passed
from training.services import quizzes as services

MINUTE = timedelta(minutes=1)


@pytest.fixture
def module(db):
    return make_module()


# --- drawing --------------------------------------------------------------------------------------


def test_an_attempt_draws_n_active_questions_and_shuffles_their_choices(people):
    module = make_module(kinds=(QuestionKind.SINGLE,) * 10, questions_per_attempt=6)
    Question.objects.filter(module=module, position=10).update(is_active=False)
    orders, drawn_sets = set(), set()
    for _ in range(6):
        attempt = services.attempt_start(actor=people.employee, module=module)
        items = list(attempt.questions.order_by("position"))
        assert [item.position for item in items] == [1, 2, 3, 4, 5, 6]
        assert all(item.question.is_active for item in items)
        for item in items:
            own = set(Choice.objects.filter(question=item.question).values_list("pk", flat=True))
            assert set(item.choice_order) == own and len(item.choice_order) == 4
            orders.add(tuple(item.choice_order))
        drawn_sets.add(tuple(item.question_id for item in items))
        Attempt.objects.filter(pk=attempt.pk).delete()  # start afresh
    assert len(orders) > 6, "choices come in a different order from attempt to attempt"
    assert len(drawn_sets) > 1, "the questions drawn vary"


def test_questions_without_a_right_answer_are_never_drawn(people):
    module = make_module(kinds=(QuestionKind.SINGLE, QuestionKind.SINGLE), questions_per_attempt=2)
    broken = Question.objects.get(module=module, position=20)
    broken.choices.update(is_correct=False)
    attempt = services.attempt_start(actor=people.employee, module=module)
    assert list(attempt.questions.values_list("question_id", flat=True)) == [
        Question.objects.get(module=module, position=10).pk
    ]


def test_a_quiz_without_questions_says_so(people):
    module = make_module(kinds=(), questions_per_attempt=5)
    with pytest.raises(DomainError, match="has no questions yet"):
        services.attempt_start(actor=people.employee, module=module)


def test_drafts_and_locked_modules_cannot_be_taken(people):
    draft = make_module("Brand voice", status=ModuleStatus.DRAFT)
    with pytest.raises(DomainError, match="not published"):
        services.attempt_start(actor=people.employee, module=draft)
    basics = make_module("Account set-up")
    advanced = make_module("Social selling", prerequisites=(basics,))
    with pytest.raises(DomainError, match="Pass “Account set-up” first"):
        services.attempt_start(actor=people.employee, module=advanced)
    take(people.employee, basics)
    assert services.attempt_start(actor=people.employee, module=advanced).status == Attempt.Status.IN_PROGRESS


# --- scoring --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "correct", "selected", "points", "exact"),
    [
        (QuestionKind.SINGLE, {1}, [1], Fraction(1), True),
        (QuestionKind.SINGLE, {1}, [2], Fraction(0), False),
        (QuestionKind.SINGLE, {1}, [], Fraction(0), False),
        (QuestionKind.TRUE_FALSE, {1}, [1], Fraction(1), True),
        (QuestionKind.TRUE_FALSE, {1}, [2], Fraction(0), False),
        (QuestionKind.MULTIPLE, {1, 2}, [1, 2], Fraction(1), True),
        (QuestionKind.MULTIPLE, {1, 2}, [1], Fraction(1, 2), False),
        (QuestionKind.MULTIPLE, {1, 2, 3}, [1, 2, 4], Fraction(1, 3), False),
        (QuestionKind.MULTIPLE, {1, 2}, [1, 3], Fraction(0), False),
        (QuestionKind.MULTIPLE, {1, 2}, [3, 4], Fraction(0), False),  # floored at zero, never negative
        (QuestionKind.MULTIPLE, {1, 2}, [1, 2, 3, 4], Fraction(0), False),  # ticking everything earns nothing
        (QuestionKind.MULTIPLE, {1, 2}, [], Fraction(0), False),
    ],
)
def test_the_scoring_rule(kind, correct, selected, points, exact):
    assert services.score_question(kind=kind, correct_ids=correct, selected_ids=selected) == (points, exact)


def test_a_submitted_attempt_is_scored_on_the_server_with_partial_credit(people, module):
    attempt = services.attempt_start(actor=people.employee, module=module)
    items = {item.question.kind: item for item in attempt.questions.select_related("question")}
    single = attempt.questions.filter(question__kind=QuestionKind.SINGLE).order_by("position")
    # single #1 right, single #2 unanswered, multiple: one of two right, true/false wrong
    services.attempt_answer(
        actor=people.employee, attempt=attempt, position=single[0].position, choice_ids=right_choices(single[0])
    )
    multiple = items[QuestionKind.MULTIPLE]
    services.attempt_answer(
        actor=people.employee, attempt=attempt, position=multiple.position, choice_ids=right_choices(multiple)[:1]
    )
    true_false = items[QuestionKind.TRUE_FALSE]
    services.attempt_answer(
        actor=people.employee, attempt=attempt, position=true_false.position, choice_ids=wrong_choices(true_false)
    )
    attempt = services.attempt_submit(actor=people.employee, attempt=attempt)
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.submitted_at is not None
    assert attempt.score_percent == Decimal("37.50")  # (1 + 0 + 0.5 + 0) / 4
    assert attempt.passed is False
    scored = {item.position: (item.points, item.is_correct) for item in attempt.questions.all()}
    assert scored[single[0].position] == (Decimal("1.000"), True)
    assert scored[single[1].position] == (Decimal("0.000"), False)
    assert scored[multiple.position] == (Decimal("0.500"), False)
    assert scored[true_false.position] == (Decimal("0.000"), False)
    entry = AuditEntry.objects.get(action="attempt.submitted")
    assert entry.data["score_percent"] == "37.50" and entry.data["passed"] is False


def test_the_pass_mark_is_reached_exactly_not_by_rounding(people):
    # 2 of 3 right is 66.666…%: shown as 66.67, and it does not pass a 67% mark.
    module = make_module(kinds=(QuestionKind.SINGLE,) * 3, pass_mark_percent=67)
    attempt = services.attempt_start(actor=people.employee, module=module)
    items = list(attempt.questions.order_by("position"))
    for item in items[:2]:
        services.attempt_answer(
            actor=people.employee, attempt=attempt, position=item.position, choice_ids=right_choices(item)
        )
    attempt = services.attempt_submit(actor=people.employee, attempt=attempt)
    assert attempt.score_percent == Decimal("66.67") and attempt.passed is False


def test_answers_are_checked_against_the_question_drawn(people, module):
    attempt = services.attempt_start(actor=people.employee, module=module)
    items = list(attempt.questions.select_related("question").order_by("position"))
    other = items[1]
    with pytest.raises(DomainError, match="Choose among the answers shown for question 1"):
        services.attempt_answer(actor=people.employee, attempt=attempt, position=1, choice_ids=right_choices(other))
    with pytest.raises(DomainError, match="not part of this attempt"):
        services.attempt_answer(actor=people.employee, attempt=attempt, position=99, choice_ids=[])
    single = next(item for item in items if item.question.kind == QuestionKind.SINGLE)
    with pytest.raises(DomainError, match="takes one answer"):
        services.attempt_answer(
            actor=people.employee, attempt=attempt, position=single.position, choice_ids=list(single.choice_order[:2])
        )
    with pytest.raises(NotAllowed):
        services.attempt_answer(
            actor=people.liaison_a, attempt=attempt, position=single.position, choice_ids=right_choices(single)
        )
    # an empty answer clears it
    services.attempt_answer(
        actor=people.employee, attempt=attempt, position=single.position, choice_ids=right_choices(single)
    )
    cleared = services.attempt_answer(actor=people.employee, attempt=attempt, position=single.position, choice_ids=[])
    assert cleared.selected == [] and cleared.answered_at is None


def test_a_closed_attempt_never_changes(people, module):
    attempt = take(people.employee, module, right=False)
    before = (attempt.score_percent, attempt.status, attempt.submitted_at)
    item = attempt.questions.first()
    with pytest.raises(Conflict, match="can no longer change"):
        services.attempt_answer(actor=people.employee, attempt=attempt, position=1, choice_ids=right_choices(item))
    with pytest.raises(Conflict, match="can no longer change"):
        services.attempt_submit(actor=people.employee, attempt=attempt)
    attempt.refresh_from_db()
    assert (attempt.score_percent, attempt.status, attempt.submitted_at) == before
    assert AttemptQuestion.objects.get(pk=item.pk).selected == item.selected


def test_only_the_person_taking_it_submits(people, module):
    attempt = services.attempt_start(actor=people.employee, module=module)
    with pytest.raises(NotAllowed):
        services.attempt_submit(actor=people.manager, attempt=attempt)


# --- starting twice, limits, cool-down ---------------------------------------------------------------


def test_a_second_start_resumes_the_open_attempt(people, module):
    first = services.attempt_start(actor=people.employee, module=module)
    again = services.attempt_start(actor=people.employee, module=module)
    assert again.pk == first.pk
    assert Attempt.objects.filter(user=people.employee, module=module).count() == 1


def test_the_database_refuses_a_second_open_attempt(people, module):
    """What makes a double click safe when two requests pass the checks at the same moment."""
    services.attempt_start(actor=people.employee, module=module)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(user=people.employee, module=module, number=2)


def test_attempts_are_limited_and_an_accommodation_adds_one(people):
    module = make_module(max_attempts=2, cooldown_minutes=0)
    take(people.employee, module, right=False)
    take(people.employee, module, right=False)
    assert module_results(user=people.employee, modules=[module])[module.pk].attempts_left == 0
    with pytest.raises(DomainError, match="You have used all 2 attempts at this quiz") as refused:
        services.attempt_start(actor=people.employee, module=module)
    assert refused.value.code == "no_attempts_left"
    with pytest.raises(NotAllowed):
        services.accommodation_grant(
            actor=people.liaison_a, user=people.employee, module=module, extra_attempts=1, reason="asked nicely"
        )
    services.accommodation_grant(
        actor=people.member, user=people.employee, module=module, extra_attempts=1, reason="connection dropped"
    )
    result = module_results(user=people.employee, modules=[module])[module.pk]
    assert (result.attempts_allowed, result.attempts_left, result.extra_attempts) == (3, 1, 1)
    attempt = take(people.employee, module, right=True)
    assert attempt.number == 3 and attempt.passed


def test_unlimited_attempts(people):
    module = make_module(max_attempts=0, cooldown_minutes=0)
    for _ in range(5):
        take(people.employee, module, right=False)
    result = module_results(user=people.employee, modules=[module])[module.pk]
    assert result.attempts_left is None and result.attempts_used == 5 and result.can_start


def test_a_failed_attempt_starts_a_cool_down(people):
    module = make_module(cooldown_minutes=30)
    start = timezone.now()
    take(people.employee, module, right=False, now=start)
    result = module_results(user=people.employee, modules=[module], now=start + 10 * MINUTE)[module.pk]
    assert result.next_attempt_at == start + 30 * MINUTE and result.blocked_reason == "cooldown"
    with pytest.raises(DomainError, match="You can try again at") as refused:
        services.attempt_start(actor=people.employee, module=module, now=start + 29 * MINUTE)
    assert refused.value.code == "cooldown"
    attempt = services.attempt_start(actor=people.employee, module=module, now=start + 31 * MINUTE)
    assert attempt.number == 2


def test_a_passed_quiz_is_not_taken_again_for_nothing(people, module):
    take(people.employee, module, right=True)
    with pytest.raises(Conflict, match="You passed this quiz on .* nothing more to do") as refused:
        services.attempt_start(actor=people.employee, module=module)
    assert refused.value.code == "already_passed"
    assert modules_passed(user=people.employee) == {module.pk}


# --- the time limit -----------------------------------------------------------------------------------


def test_the_deadline_is_the_time_limit_plus_extra_minutes(people):
    module = make_module(time_limit_minutes=20)
    start = timezone.now()
    attempt = services.attempt_start(actor=people.employee, module=module, now=start)
    assert attempt.deadline_at == start + 20 * MINUTE
    services.accommodation_grant(
        actor=people.member, user=people.liaison_a, extra_minutes=10, reason="screen reader user"
    )
    services.accommodation_grant(
        actor=people.manager, user=people.liaison_a, module=module, extra_minutes=5, reason="long texts"
    )
    extended = services.attempt_start(actor=people.liaison_a, module=module, now=start)
    assert extended.deadline_at == start + 35 * MINUTE
    # the extra time is honoured: an answer at minute 30 is still in time
    item = extended.questions.first()
    saved = services.attempt_answer(
        actor=people.liaison_a,
        attempt=extended,
        position=item.position,
        choice_ids=right_choices(item),
        now=start + 30 * MINUTE,
    )
    assert saved.selected


def test_a_late_answer_is_refused_and_closes_the_attempt_as_timed_out(people):
    module = make_module(time_limit_minutes=10)
    start = timezone.now()
    attempt = services.attempt_start(actor=people.employee, module=module, now=start)
    first, second = list(attempt.questions.order_by("position"))[:2]
    services.attempt_answer(
        actor=people.employee, attempt=attempt, position=1, choice_ids=right_choices(first), now=start + 9 * MINUTE
    )
    with pytest.raises(Conflict, match="Time is up") as refused:
        services.attempt_answer(
            actor=people.employee,
            attempt=attempt,
            position=2,
            choice_ids=right_choices(second),
            now=start + 11 * MINUTE,
        )
    assert refused.value.code == "time_up"
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.TIMED_OUT
    assert attempt.submitted_at == attempt.deadline_at
    assert attempt.score_percent == Decimal("25.00")  # the one answer saved in time
    assert AttemptQuestion.objects.get(attempt=attempt, position=2).selected == []


def test_a_late_submit_is_scored_on_what_was_saved_and_marked_timed_out(people):
    module = make_module(time_limit_minutes=10, pass_mark_percent=50)
    start = timezone.now()
    attempt = services.attempt_start(actor=people.employee, module=module, now=start)
    answer_all(people.employee, attempt, right=True, now=start + 5 * MINUTE)
    # within the grace of a few seconds it is an ordinary submission …
    on_time = services.attempt_submit(
        actor=people.employee, attempt=attempt, now=attempt.deadline_at + timedelta(seconds=services.GRACE_SECONDS - 1)
    )
    assert on_time.status == Attempt.Status.SUBMITTED
    # … after it, the attempt is scored and marked timed out
    take_two = make_module("Brand voice", time_limit_minutes=10, pass_mark_percent=50)
    late = services.attempt_start(actor=people.employee, module=take_two, now=start)
    answer_all(people.employee, late, right=True, now=start + 5 * MINUTE)
    late = services.attempt_submit(actor=people.employee, attempt=late, now=start + 12 * MINUTE)
    assert late.status == Attempt.Status.TIMED_OUT and late.score_percent == Decimal("100.00") and late.passed
    assert late.submitted_at == late.deadline_at


def test_the_sweep_closes_attempts_whose_time_ran_out(people):
    module = make_module(time_limit_minutes=10)
    untimed = make_module("Brand voice")
    start = timezone.now() - timedelta(hours=1)
    expired = services.attempt_start(actor=people.employee, module=module, now=start)
    running = services.attempt_start(actor=people.liaison_a, module=module, now=timezone.now())
    no_limit = services.attempt_start(actor=people.employee, module=untimed, now=start)
    assert services.attempts_close_expired() == 1
    assert services.attempts_close_expired() == 0  # nothing twice
    states = dict(Attempt.objects.values_list("pk", "status"))
    assert states[expired.pk] == Attempt.Status.TIMED_OUT
    assert states[running.pk] == states[no_limit.pk] == Attempt.Status.IN_PROGRESS
    # an open attempt found late on the next start is closed first, then the rules apply
    module.cooldown_minutes = 0
    module.save()
    again = services.attempt_start(actor=people.liaison_a, module=module, now=timezone.now() + timedelta(minutes=30))
    assert again.number == 2
    assert Attempt.objects.get(pk=running.pk).status == Attempt.Status.TIMED_OUT


# --- accommodations ----------------------------------------------------------------------------------


def test_an_accommodation_needs_a_reason_and_something_to_grant(people, module):
    with pytest.raises(DomainError) as no_reason:
        services.accommodation_grant(actor=people.member, user=people.employee, extra_minutes=10, reason=" ")
    assert "reason" in no_reason.value.fields
    with pytest.raises(DomainError) as nothing:
        services.accommodation_grant(actor=people.member, user=people.employee, reason="why not")
    assert "extra_minutes" in nothing.value.fields
    granted = services.accommodation_grant(
        actor=people.member,
        user=people.employee,
        module=module,
        extra_minutes=15,
        reason="dyslexia: extra reading time",
    )
    assert granted.granted_by == people.member
    entry = AuditEntry.objects.get(action="accommodation.granted")
    assert entry.data["reason"] == "dyslexia: extra reading time" and entry.data["extra_minutes"] == 15
    told = Notification.objects.get(recipient=people.employee, kind="accommodation_granted")
    assert "15 extra minutes" in told.title and "dyslexia" not in told.title + told.body
    services.accommodation_withdraw(actor=people.manager, accommodation=granted)
    assert AuditEntry.objects.filter(action="accommodation.withdrawn").count() == 1
    assert module_results(user=people.employee, modules=[module])[module.pk].extra_minutes == 0
