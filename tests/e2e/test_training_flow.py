"""The demo employee in a real browser: reads a module's lessons, takes its quiz and fails, waits
out the cool-down, passes, and sees the certificate of a one-module track; then a verifier who is
not signed in opens the certificate's public verification page.

The answers are chosen from the database (the test knows which are right), never from the page:
the page does not carry them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coe.models import User
from tests.e2e.conftest import SCREENSHOTS
from tests.training.quiz_helpers import make_track
from training.models import Attempt, AttemptQuestion, Certificate, Choice, LessonRead, Module

pytestmark = pytest.mark.browser

MODULE = "account-setup-and-etiquette"


def _answer_every_question(page, attempt: Attempt, *, right: bool) -> None:
    """Click, for each question on the page, the choices the database says are right (or one
    wrong one), found by their place in this attempt's shuffled order."""
    questions = page.get_by_test_id("question")
    expect(questions).to_have_count(attempt.questions.count())
    for item in AttemptQuestion.objects.filter(attempt=attempt).order_by("position"):
        choices = Choice.objects.filter(question_id=item.question_id, is_correct=right).values_list("pk", flat=True)
        picked = list(choices) if right else list(choices)[:1]
        for choice_id in picked:
            key = list(item.choice_order).index(choice_id) + 1
            page.locator(f'label[for="q{item.position}-{key}"]').click()
        # saved as you go: htmx answers with the time it was saved
        expect(page.locator(f"#q{item.position}-status")).to_contain_text("Saved")


def _submit(page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit my answers").click()


def test_an_employee_fails_once_passes_and_a_verifier_checks_the_certificate(
    page, browser, live_server, demo_company, sign_in, screenshot
):
    employee = User.objects.get(username="employee")
    module = Module.objects.get(slug=MODULE)
    # A clean slate for this person and module, a visible time limit, and a one-module track.
    Attempt.objects.filter(user=employee, module=module).delete()
    LessonRead.objects.filter(user=employee, lesson__module=module).delete()
    Module.objects.filter(pk=module.pk).update(time_limit_minutes=15, cooldown_minutes=30)
    track = make_track("Social Media Basics", [module], validity_days=365)

    sign_in("employee")
    page.goto(f"{live_server.url}{module.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(module.title)

    # Read every lesson, one after the other.
    page.get_by_role("link", name="Start with lesson 1").click()
    lessons = module.lessons.count()
    for _ in range(lessons):
        page.get_by_test_id("mark-read").click()
    expect(page.get_by_test_id("to-quiz")).to_be_visible()
    assert LessonRead.objects.filter(user=employee, lesson__module=module).count() == lessons
    page.get_by_test_id("to-quiz").click()
    page.get_by_test_id("take-quiz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Quiz: {module.title}")
    screenshot("training-1-quiz-rules")

    # First attempt: wrong answers.
    page.get_by_role("button", name="Start the quiz").click()
    attempt = Attempt.objects.get(user=employee, module=module, status=Attempt.Status.IN_PROGRESS)
    expect(page.get_by_test_id("countdown-card")).to_contain_text("Time left")
    page_html = page.content()
    assert "is_correct" not in page_html and "explanation" not in page_html.lower()
    _answer_every_question(page, attempt, right=False)
    screenshot("training-2-taking-the-quiz")
    _submit(page)
    result = page.get_by_test_id("attempt-result")
    expect(result).to_have_attribute("data-passed", "false")
    expect(page.get_by_test_id("next-step")).to_contain_text("You can try again at")
    expect(page.get_by_test_id("feedback-question").first).to_be_visible()  # right answers after each attempt
    screenshot("training-3-failed")

    # The cool-down is over (the CoE shortened it for this test).
    Module.objects.filter(pk=module.pk).update(cooldown_minutes=0)
    page.goto(f"{live_server.url}/training/modules/{module.slug}/quiz/")
    expect(page.get_by_test_id("attempts-left")).to_contain_text("2 of 3 left")
    page.get_by_role("button", name="Start attempt 2").click()
    second = Attempt.objects.get(user=employee, module=module, status=Attempt.Status.IN_PROGRESS)
    assert second.number == 2
    _answer_every_question(page, second, right=True)
    _submit(page)
    expect(page.get_by_test_id("attempt-result")).to_have_attribute("data-passed", "true")
    expect(page.get_by_test_id("score")).to_have_text("100%")
    earned = page.get_by_test_id("earned-certificate")
    expect(earned).to_contain_text("Social Media Basics")
    screenshot("training-4-passed")

    earned.get_by_role("link", name="See your certificate").click()
    certificate = Certificate.objects.get(user=employee, track=track)
    expect(page.get_by_test_id("holder-name")).to_have_text(certificate.holder_name)
    expect(page.get_by_test_id("track-name")).to_have_text("Social Media Basics")
    screenshot("training-5-certificate")
    verify_url = page.locator("#verify-url").input_value()
    assert verify_url == f"{live_server.url}/training/verify/{certificate.code}/"

    # A verifier, not signed in, opens the public page.
    verifier = browser.new_context()
    public = verifier.new_page()
    public.goto(verify_url)
    expect(public.get_by_test_id("verification")).to_have_attribute("data-state", "valid")
    expect(public.get_by_test_id("holder")).to_have_text(certificate.holder_name)
    expect(public.get_by_test_id("track")).to_have_text("Social Media Basics")
    expect(public.get_by_test_id("main-nav")).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    public.screenshot(path=str(SCREENSHOTS / "training-6-public-verification.png"), full_page=True)
    public.goto(f"{live_server.url}/training/verify/not-a-code/")
    expect(public.get_by_test_id("verification-unknown")).to_be_visible()
    verifier.close()
