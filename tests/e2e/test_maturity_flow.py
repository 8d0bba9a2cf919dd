"""The CoE manager in a real browser: starts a company maturity assessment from the maturity page,
answers every question (saved as they go), completes it and sees the level, the stage and the
radar chart drawn (the canvas has painted pixels); the overview shows it against the last one."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coe.models import MaturityAssessment

pytestmark = pytest.mark.browser

PAINTED_PIXELS = """(canvas) => {
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}"""


def test_the_manager_takes_an_assessment_and_sees_the_chart(page, live_server, demo_company, sign_in, screenshot):
    sign_in("manager")
    page.goto(f"{live_server.url}/coe/maturity/")
    expect(page.get_by_test_id("coe-subnav").get_by_role("link", name="Maturity")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_test_id("maturity-level")).to_contain_text("Level 3")  # the demo's last assessment
    page.wait_for_function("() => window.Chart && Object.keys(window.Chart.instances).length > 0")
    assert page.get_by_test_id("maturity-radar").evaluate(PAINTED_PIXELS) > 1000
    screenshot("coe-maturity-overview-manager")

    page.get_by_role("button", name="Take an assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("the whole company")
    expect(page.get_by_test_id("maturity-facts")).to_contain_text("Approved charter")
    groups = page.locator("[role=radiogroup]")
    total = groups.count()
    assert total >= 24
    for i in range(total):
        value = "4" if i % 3 else "3"
        with page.expect_response(lambda r: "/take/" in r.url and r.request.method == "POST"):
            groups.nth(i).locator(f"input[value='{value}']").check()
    expect(page.get_by_test_id("maturity-saved")).to_contain_text(f"{total} answered")
    screenshot("coe-maturity-take-manager")

    page.get_by_test_id("maturity-complete").click()
    expect(page.get_by_test_id("maturity-level")).to_contain_text("Level")
    expect(page.get_by_test_id("maturity-stage")).to_be_visible()
    page.wait_for_function("() => window.Chart && Object.keys(window.Chart.instances).length > 0")
    canvas = page.get_by_test_id("maturity-radar")
    expect(canvas).to_be_visible()
    assert canvas.evaluate(PAINTED_PIXELS) > 1000
    screenshot("coe-maturity-detail-manager")

    done = MaturityAssessment.objects.filter(department=None).order_by("-completed_at").first()
    assert done.status == "completed" and done.level >= 1
    expect(page.get_by_test_id("maturity-level")).to_contain_text(f"Level {done.level}")

    page.goto(f"{live_server.url}/coe/maturity/")
    expect(page.get_by_test_id("maturity-history").locator("tbody tr")).to_have_count(4)
    page.wait_for_function("() => window.Chart && Object.keys(window.Chart.instances).length > 1")
    assert page.get_by_test_id("maturity-history-chart").evaluate(PAINTED_PIXELS) > 1000
