"""Quiz pages: the quiz page in each state, starting and resuming, answering (htmx and a plain
form), no answer leakage in the page before submission, the result with the feedback the module
allows, who may see an attempt, accommodations, and flat query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.training.quiz_helpers import make_module, make_track, right_choices, take
from training.models import Attempt, AttemptQuestion, Choice, FeedbackMode, QuestionKind
from training.services import quizzes as services


@pytest.fixture
def module(db):
    return make_module(time_limit_minutes=20)


def _html(response) -> str:
    return response.content.decode()


def _start(client, user, module) -> Attempt:
    client.force_login(user)
    response = client.post(f"/training/modules/{module.slug}/quiz/")
    attempt = Attempt.objects.get(user=user, module=module, status=Attempt.Status.IN_PROGRESS)
    assert response.status_code == 302 and response["Location"] == f"/training/attempts/{attempt.pk}/"
    return attempt


def _key_of(item: AttemptQuestion, choice_id: int) -> str:
    return str(list(item.choice_order).index(choice_id) + 1)


# --- the quiz page -------------------------------------------------------------------------------


def test_the_quiz_page_shows_the_rules_and_a_start_button(client, people, module):
    client.force_login(people.employee)
    html = _html(client.get(f"/training/modules/{module.slug}/quiz/"))
    assert 'data-state="ready"' in html
    rules = html.split('data-testid="quiz-rules"')[1].split("</dl>")[0]
    assert "75%" in rules and "20 minutes" in rules and "3 of 3 left" in rules and "1 hour" in rules
    assert "Start the quiz" in html


def test_starting_twice_resumes_and_the_page_says_resume(client, people, module):
    attempt = _start(client, people.employee, module)
    again = client.post(f"/training/modules/{module.slug}/quiz/")
    assert again["Location"] == f"/training/attempts/{attempt.pk}/"
    assert Attempt.objects.filter(user=people.employee).count() == 1
    html = _html(client.get(f"/training/modules/{module.slug}/quiz/"))
    assert 'data-state="open"' in html and "Resume the quiz" in html


def test_the_quiz_page_says_when_to_try_again(client, people, module):
    take(people.employee, module, right=False)
    client.force_login(people.employee)
    html = _html(client.get(f"/training/modules/{module.slug}/quiz/"))
    assert 'data-state="cooldown"' in html and "You can try again at" in html
    refused = client.post(f"/training/modules/{module.slug}/quiz/", follow=True)
    assert "You can try again at" in _html(refused)
    assert Attempt.objects.filter(user=people.employee).count() == 1


def test_a_locked_module_names_what_to_pass_first(client, people):
    basics = make_module("Account set-up")
    advanced = make_module("Social selling", prerequisites=(basics,))
    client.force_login(people.employee)
    html = _html(client.get(f"/training/modules/{advanced.slug}/quiz/"))
    assert 'data-state="locked"' in html and "Account set-up" in html


def test_drafts_are_not_found_by_learners(client, people):
    draft = make_module("Brand voice", status="draft")
    client.force_login(people.employee)
    assert client.get(f"/training/modules/{draft.slug}/quiz/").status_code == 404


# --- taking it: no leakage -------------------------------------------------------------------------


def test_the_page_of_an_open_attempt_holds_no_answers(client, people):
    module = make_module(kinds=(QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE) * 2)
    attempt = _start(client, people.employee, module)
    html = _html(client.get(f"/training/attempts/{attempt.pk}/"))
    assert html.count('data-testid="question"') == 6
    for forbidden in ("is_correct", "correct", "explanation", "Why: explanation", "text-success fw-semibold", "✓"):
        assert forbidden not in html, forbidden
    # no choice is named by its id: inputs carry their place in this attempt's shuffled order
    ids = set(Choice.objects.filter(question__module=module).values_list("pk", flat=True))
    values = {int(v) for v in re.findall(r'name="q\d+"[^>]*value="(\d+)"', html)}
    assert values <= {1, 2, 3, 4} and not any(f'value="{pk}"' in html for pk in ids if pk > 4)
    # the choices appear in the stored shuffled order, not the authoring order
    item = attempt.questions.select_related("question").get(position=1)
    shown = [
        c.text
        for c in sorted(Choice.objects.filter(pk__in=item.choice_order), key=lambda c: item.choice_order.index(c.pk))
    ]
    positions = [html.index(f">{text}</label>") for text in shown]
    assert positions == sorted(positions)


def test_answers_are_saved_as_you_pick_them_with_htmx(client, people, module):
    attempt = _start(client, people.employee, module)
    item = attempt.questions.select_related("question").get(position=1)
    keys = [_key_of(item, pk) for pk in right_choices(item)]  # one, or two for a multiple-choice question
    response = client.post(
        f"/training/attempts/{attempt.pk}/answer/", {"position": "1", "q1": keys}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "Saved" in _html(response) and "<html" not in _html(response)
    assert sorted(AttemptQuestion.objects.get(pk=item.pk).selected) == sorted(right_choices(item))
    unknown = client.post(
        f"/training/attempts/{attempt.pk}/answer/", {"position": "1", "q1": "9"}, headers={"HX-Request": "true"}
    )
    assert "Choose among the answers shown" in _html(unknown)


def test_someone_else_cannot_answer_or_open_an_attempt(client, people, module):
    attempt = _start(client, people.employee, module)
    client.force_login(people.liaison_a)
    assert client.get(f"/training/attempts/{attempt.pk}/").status_code == 404
    assert client.post(f"/training/attempts/{attempt.pk}/answer/", {"position": "1", "q1": "1"}).status_code == 404
    assert client.post(f"/training/attempts/{attempt.pk}/submit/").status_code == 404
    client.force_login(people.member)  # CoE staff see it is in progress, nothing more, and cannot answer
    html = _html(client.get(f"/training/attempts/{attempt.pk}/"))
    assert "This attempt is in progress" in html and 'name="q1"' not in html
    assert client.post(f"/training/attempts/{attempt.pk}/submit/").status_code == 403


def test_submitting_the_form_saves_its_answers_and_scores_them(client, people, module):
    """Without JavaScript the whole form is posted: answers are saved, then scored."""
    attempt = _start(client, people.employee, module)
    data = {"shown": [], "csrfmiddlewaretoken": "x"}
    for item in attempt.questions.select_related("question"):
        data["shown"].append(str(item.position))
        data[f"q{item.position}"] = [_key_of(item, pk) for pk in right_choices(item)]
    response = client.post(f"/training/attempts/{attempt.pk}/submit/", data)
    assert response["Location"] == f"/training/attempts/{attempt.pk}/"
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.passed
    html = _html(client.get(f"/training/attempts/{attempt.pk}/"))
    assert 'data-testid="score">100%' in html and "Passed" in html


def test_a_late_submission_is_scored_as_timed_out(client, people, module):
    attempt = _start(client, people.employee, module)
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - timedelta(minutes=1))
    response = client.post(f"/training/attempts/{attempt.pk}/submit/", follow=True)
    assert "Time had run out" in _html(response) or "Time ran out" in _html(response)
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.TIMED_OUT


def test_opening_an_attempt_whose_time_ran_out_closes_it(client, people, module):
    attempt = _start(client, people.employee, module)
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - timedelta(minutes=1))
    html = _html(client.get(f"/training/attempts/{attempt.pk}/"))
    assert "Time ran out on this attempt" in html and 'data-testid="attempt-result"' in html


# --- the result and feedback -------------------------------------------------------------------------


def test_feedback_after_each_attempt_shows_right_answers_and_explanations(client, people, module):
    attempt = take(people.employee, module, right=False)
    client.force_login(people.employee)
    html = _html(client.get(f"/training/attempts/{attempt.pk}/"))
    assert html.count('data-testid="feedback-question"') == 4
    assert "Why: explanation" in html and "(right answer)" in html and "your answer" in html
    assert 'data-testid="cooldown"' in html  # what next: the cool-down


def test_score_only_feedback_shows_no_answers(client, people):
    module = make_module(feedback=FeedbackMode.NONE)
    attempt = take(people.employee, module, right=True)
    client.force_login(people.employee)
    html = _html(client.get(f"/training/attempts/{attempt.pk}/"))
    assert "This quiz shows the score only" in html
    assert 'data-testid="feedback-question"' not in html and "Why: explanation" not in html
    client.force_login(people.member)  # the CoE looking into a result sees the answers
    assert "Why: explanation" in _html(client.get(f"/training/attempts/{attempt.pk}/"))


def test_feedback_once_passed_is_withheld_until_the_pass(client, people):
    module = make_module(feedback=FeedbackMode.AFTER_PASS, cooldown_minutes=0)
    failed = take(people.employee, module, right=False)
    client.force_login(people.employee)
    html = _html(client.get(f"/training/attempts/{failed.pk}/"))
    assert "shown once you pass" in html and "Why: explanation" not in html
    take(people.employee, module, right=True)
    assert "Why: explanation" in _html(client.get(f"/training/attempts/{failed.pk}/"))


def test_a_pass_that_completes_a_track_links_to_the_certificate(client, people, module):
    track = make_track("Social Publisher", [module])
    attempt = take(people.liaison_a, module)
    client.force_login(people.liaison_a)
    html = _html(client.get(f"/training/attempts/{attempt.pk}/"))
    certificate = track.certificates.get()
    assert 'data-testid="earned-certificate"' in html
    assert f"/training/certificates/{certificate.code}/" in html


# --- lists and accommodations --------------------------------------------------------------------------


def test_the_attempt_list_is_scoped_and_its_query_count_flat(client, people, django_assert_max_num_queries):
    modules = [make_module(f"Module {n}", cooldown_minutes=0) for n in range(3)]
    take(people.employee, modules[0])
    client.force_login(people.employee)
    with django_assert_max_num_queries(12) as few:
        client.get("/training/attempts/")
    for person in (people.employee, people.liaison_a, people.liaison_b, people.approver):
        for module in modules:
            if not Attempt.objects.filter(user=person, module=module, passed=True).exists():
                take(person, module, right=False)
                take(person, module, right=True)
    client.force_login(people.member)
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        html = _html(client.get("/training/attempts/"))
    assert html.count('data-testid="attempt-row"') == Attempt.objects.count()
    client.force_login(people.employee)
    mine = _html(client.get("/training/attempts/"))
    assert mine.count('data-testid="attempt-row"') == Attempt.objects.filter(user=people.employee).count()
    filtered = _html(client.get("/training/attempts/", {"result": "failed"}, headers={"HX-Request": "true"}))
    assert filtered.count('data-testid="attempt-row"') == 2 and "<html" not in filtered


def test_accommodations_are_the_coe_staffs(client, people, module):
    client.force_login(people.employee)
    assert client.get("/training/accommodations/").status_code == 403
    client.force_login(people.member)
    assert client.get("/training/accommodations/").status_code == 200
    response = client.post(
        "/training/accommodations/",
        {
            "user": people.employee.pk,
            "module": module.pk,
            "extra_minutes": "15",
            "extra_attempts": "1",
            "reason": "Screen reader user",
        },
    )
    assert response.status_code == 302
    html = _html(client.get("/training/accommodations/"))
    assert "Screen reader user" in html and html.count('data-testid="accommodation-row"') == 1
    missing = client.post(
        "/training/accommodations/",
        {"user": people.employee.pk, "extra_minutes": "0", "extra_attempts": "0", "reason": "x"},
    )
    assert missing.status_code == 200 and "Grant extra minutes, extra attempts or both" in _html(missing)
    client.force_login(people.employee)
    html = _html(client.get(f"/training/modules/{module.slug}/quiz/"))
    assert "+ 15 extra for you" in html and "4 of 4 left" in html
    attempt = services.attempt_start(actor=people.employee, module=module)
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=35)
