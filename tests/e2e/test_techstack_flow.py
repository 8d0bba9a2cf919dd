"""The tech stack in a real browser on the demo company: leadership reads the finished listening
evaluation's recommendation report (chart drawn, ranking, cost comparison), the CoE manager sees
the inventory with the renewal coming up, and a reviewer scores a cell in their grid."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coe.models import Evaluation, EvaluationScore

pytestmark = pytest.mark.browser

PAINTED_PIXELS = """(canvas) => {
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}"""


def test_leadership_reads_the_recommendation_report(page, live_server, demo_company, sign_in, screenshot):
    sign_in("leader")
    page.goto(f"{live_server.url}/coe/tech-stack/")
    page.get_by_role("link", name="report").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Social listening platform 2026")
    expect(page.get_by_test_id("recommended")).to_have_text("Pulsewire Social")
    expect(page.get_by_test_id("ranking-row").first).to_contain_text("Pulsewire Social")
    canvas = page.get_by_test_id("evaluation-chart")
    page.wait_for_function("() => window.Chart && Object.keys(window.Chart.instances).length > 0")
    assert canvas.evaluate(PAINTED_PIXELS) > 1000
    expect(page.get_by_test_id("cost-table").get_by_role("row")).to_have_count(4)
    screenshot("techstack_report_leader")


def test_manager_sees_the_inventory_and_a_reviewer_scores(page, live_server, demo_company, sign_in, screenshot):
    sign_in("manager")
    page.goto(f"{live_server.url}/coe/tech-stack/")
    expect(page.get_by_test_id("tool-renewals")).to_contain_text("Hootsuite Enterprise")
    expect(page.get_by_test_id("coe-subnav").get_by_role("link", name="Tech stack")).to_have_attribute(
        "aria-current", "page"
    )
    screenshot("techstack_inventory_manager")
    advocacy = Evaluation.objects.get(title="Employee advocacy platform")
    page.goto(f"{live_server.url}/coe/tech-stack/evaluations/{advocacy.pk}/score/")
    first = page.get_by_test_id("score-grid").locator("select").first
    first.select_option("4")
    page.get_by_test_id("save-scores").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_be_visible()
    assert EvaluationScore.objects.filter(requirement__evaluation=advocacy, reviewer__username="manager").count() == 1
    screenshot("techstack_scoring_manager")
    page.goto(f"{live_server.url}/coe/tech-stack/evaluations/{advocacy.pk}/")
    screenshot("techstack_evaluation_manager")
