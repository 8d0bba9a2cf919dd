"""A CoE member in a real browser writes a module: starts a draft, writes a lesson while the live
preview renders it (sanitized), adds a second lesson and moves it first (htmx swaps the list),
writes a true/false and a single-choice question (the form shows what each kind needs), sees the
module become ready, previews it as a learner, and publishes it. An employee then finds it in the
catalogue, reads it and sees the lesson ticked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coe.models import User
from training.models import LessonRead, Module, ModuleStatus

pytestmark = pytest.mark.browser


def _add_lesson(page, title: str, body: str) -> None:
    page.get_by_role("link", name="Add a lesson").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Text").fill(body)


def test_a_coe_member_writes_and_publishes_a_module_that_an_employee_then_reads(
    page, live_server, demo_company, sign_in, screenshot
):
    sign_in("member")
    page.goto(f"{live_server.url}/training/author/")
    expect(page.get_by_test_id("author-module-row")).to_have_count(7)
    page.get_by_role("link", name="New module").click()
    page.get_by_label("Title").fill("Employee advocacy basics")
    page.get_by_label("Questions per attempt").fill("2")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Employee advocacy basics")
    expect(page.get_by_test_id("problems")).to_contain_text("Write at least one lesson.")
    expect(page.get_by_test_id("publish")).to_be_disabled()

    _add_lesson(
        page, "Share with your own words", "## Why your words matter\n\nPeople trust people. <script>x</script>"
    )
    preview = page.get_by_test_id("lesson-preview")
    expect(preview.locator("h2")).to_have_text("Why your words matter")  # rendered while typing (htmx)
    expect(preview.locator("script")).to_have_count(0)
    screenshot("training-authoring-1-lesson-preview")
    page.get_by_role("button", name="Add the lesson").click()
    _add_lesson(page, "Before you share", "Check the **disclosure** first.")
    page.get_by_role("button", name="Add the lesson").click()
    lessons = page.get_by_test_id("author-lesson")
    expect(lessons).to_have_count(2)
    page.get_by_role("button", name="Move “Before you share” up").click()
    expect(lessons.first).to_contain_text("Before you share")  # swapped in place
    screenshot("training-authoring-2-lessons")

    page.get_by_role("link", name="Add a question").first.click()
    page.get_by_label("Kind").select_option("true_false")
    expect(page.locator("#choice-rows")).to_be_hidden()
    page.get_by_label("Question").fill("Sharing a company post without adding anything is the best advocacy.")
    page.get_by_label("False").check()
    page.get_by_label("Explanation").fill("Your own words are what people trust.")
    page.get_by_role("button", name="Save and add another").click()
    page.get_by_label("Kind").select_option("single")
    expect(page.locator("#true-false-answer")).to_be_hidden()
    page.get_by_label("Question").fill("Where does the disclosure go?")
    page.get_by_label("Choice 1", exact=True).fill("At the start, where people see it")
    page.get_by_label("Choice 1 is correct").check()
    page.get_by_label("Choice 2", exact=True).fill("Hidden among the hashtags")
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_test_id("bank-question")).to_have_count(2)
    screenshot("training-authoring-3-bank")

    page.get_by_role("link", name="Employee advocacy basics").click()
    expect(page.get_by_test_id("ready")).to_be_visible()
    page.get_by_role("link", name="Preview as a learner").click()
    expect(page.get_by_test_id("preview-banner")).to_contain_text("learners do not see it")
    expect(page.get_by_test_id("lesson-row")).to_have_count(2)
    page.get_by_role("link", name="Back to authoring").click()
    page.get_by_test_id("publish").click()
    expect(page.get_by_role("alert").filter(has_text="is published")).to_be_visible()
    module = Module.objects.get(slug="employee-advocacy-basics")
    assert module.status == ModuleStatus.PUBLISHED
    assert list(module.lessons.values_list("title", flat=True)) == ["Before you share", "Share with your own words"]

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in("employee")
    page.goto(f"{live_server.url}/training/modules/")
    page.get_by_role("link", name="Employee advocacy basics").click()
    page.get_by_role("link", name="Start with lesson 1").click()
    expect(page.locator("#lesson-text strong")).to_have_text("disclosure")
    page.get_by_test_id("mark-read").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share with your own words")
    page.get_by_role("link", name="The module and its quiz").click()
    expect(page.get_by_test_id("lesson-row").first).to_have_attribute("data-read", "true")
    expect(page.get_by_test_id("progress-text")).to_have_text("1 of 2 read")
    screenshot("training-authoring-4-learner")
    assert LessonRead.objects.filter(user=User.objects.get(username="employee"), lesson__module=module).count() == 1
