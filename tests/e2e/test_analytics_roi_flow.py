"""Leadership in a real browser: opens the ROI report from the analytics pages, sees the summary,
the chart drawn (the canvas has painted pixels), the table, changes the quarters (kept in the URL),
and prints it: navigation, filters and buttons are hidden, the chart stays."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

PAINTED_PIXELS = """(canvas) => {
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}"""


def test_leadership_reads_the_roi_report_with_its_chart_and_prints_it(
    page, live_server, demo_company, sign_in, screenshot
):
    sign_in("leader")
    page.goto(f"{live_server.url}/analytics/roi/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("ROI report")
    expect(page.get_by_test_id("analytics-subnav").get_by_role("link", name="ROI")).to_have_attribute(
        "aria-current", "page"
    )
    summary = page.get_by_test_id("roi-summary").get_by_role("listitem")
    expect(summary.first).to_contain_text("the programme cost")

    canvas = page.get_by_test_id("roi-chart")
    expect(canvas).to_be_visible()
    page.wait_for_function("() => window.Chart && Object.keys(window.Chart.instances).length > 0")
    assert canvas.evaluate(PAINTED_PIXELS) > 1000
    assert page.get_by_test_id("roi-department").count() >= 2
    screenshot("analytics-roi-leader")

    # Two quarters: the choice is in the URL, so the view can be shared.
    page.get_by_label("Quarters", exact=True).select_option("2")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/analytics/roi/\?quarters=2&end=\d{4}-Q\d"))
    expect(page.get_by_test_id("roi-department").first.locator("tr")).to_have_count(3)  # 2 quarters + total

    # Printed: no navigation, filters or buttons; the chart is still drawn.
    page.emulate_media(media="print")
    expect(page.get_by_test_id("main-nav")).to_be_hidden()
    expect(page.get_by_test_id("roi-filters")).to_be_hidden()
    expect(page.get_by_test_id("roi-export")).to_be_hidden()
    expect(canvas).to_be_visible()
    assert canvas.evaluate(PAINTED_PIXELS) > 1000
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(SCREENSHOTS / "analytics-roi-print.pdf"))
    screenshot("analytics-roi-print")
