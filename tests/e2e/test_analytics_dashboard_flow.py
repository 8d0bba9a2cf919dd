"""A CoE member in a real browser: opens the dashboard, changes the filters, and the URL holds them;
the same URL in a new page shows the same filters and figures; the chart is drawn (its canvas has
pixels) and a click on one of its points opens the posts behind that day."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from analytics.models import MetricRollup
from coe.models import Department
from publishing.models import Channel

pytestmark = pytest.mark.browser

PAINTED = """(id) => {
  const canvas = document.getElementById(id);
  const { width, height } = canvas;
  const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
  return painted;
}"""

POINT = """(index) => {
  const chart = Chart.getChart(document.getElementById("series-chart"));
  const point = chart.getDatasetMeta(0).data[index];
  const box = chart.canvas.getBoundingClientRect();
  return { x: box.left + point.x, y: box.top + point.y };
}"""


def _figures_if_missing() -> None:
    """The demo's metrics when they are there; otherwise a fortnight of daily rows on every channel."""
    if MetricRollup.objects.filter(period="day").exists():
        return
    today = timezone.localdate()
    MetricRollup.objects.bulk_create(
        MetricRollup(
            period="day",
            period_start=today - timedelta(days=back),
            channel=channel,
            department_id=channel.department_id,
            posts=2,
            impressions=1000 + 37 * back + channel.pk,
            likes=40 + back,
            comments=5,
            shares=3,
            clicks=7,
        )
        for channel in Channel.objects.all()
        for back in range(1, 15)
    )


def test_the_coe_filters_the_dashboard_and_the_url_reproduces_it(page, live_server, demo_company, sign_in, screenshot):
    _figures_if_missing()
    marketing = Department.objects.get(slug="marketing")
    sign_in("member")
    page.goto(f"{live_server.url}/analytics/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Analytics dashboard")

    page.get_by_test_id("dashboard-filters").get_by_label("Range").select_option("90d")
    page.get_by_test_id("dashboard-filters").get_by_label("Department").select_option(str(marketing.pk))
    page.get_by_test_id("dashboard-filters").get_by_label("Compare with the previous period").uncheck()
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    query = parse_qs(urlparse(page.url).query)
    assert query["range"] == ["90d"]
    assert query["department"] == [str(marketing.pk)]
    assert query["compare"] == ["0"]

    page.get_by_test_id("series-metric").select_option("impressions")
    page.wait_for_function("() => window.location.search.includes('metric=impressions')")
    shared_url = page.url
    impressions = page.get_by_test_id("total-impressions").inner_text()
    engagements = page.get_by_test_id("total-engagements").inner_text()
    assert impressions not in {"", "0"}
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('series-chart'))")
    assert page.evaluate(PAINTED, "series-chart") > 500
    screenshot("analytics_dashboard_member")

    # the shared URL in a new page: the same filters and figures
    other = page.context.new_page()
    other.goto(shared_url)
    expect(other.get_by_test_id("dashboard-filters").get_by_label("Range")).to_have_value("90d")
    expect(other.get_by_test_id("dashboard-filters").get_by_label("Department")).to_have_value(str(marketing.pk))
    expect(
        other.get_by_test_id("dashboard-filters").get_by_label("Compare with the previous period")
    ).not_to_be_checked()
    expect(other.get_by_test_id("series-metric")).to_have_value("impressions")
    expect(other.get_by_test_id("total-impressions")).to_have_text(impressions)
    expect(other.get_by_test_id("total-engagements")).to_have_text(engagements)
    other.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('series-chart'))")
    assert other.evaluate(PAINTED, "series-chart") > 500

    # a click on yesterday's point opens the posts behind it, with the same filters
    labels = other.evaluate("() => Chart.getChart(document.getElementById('series-chart')).data.labels")
    other.locator("#series-chart").scroll_into_view_if_needed()
    where = other.evaluate(POINT, len(labels) - 2)
    other.mouse.click(where["x"], where["y"])
    other.wait_for_url("**/analytics/dashboard/posts/**")
    drill = parse_qs(urlparse(other.url).query)
    assert drill["point"] == [labels[-2]] and drill["period"] == ["day"]
    assert drill["department"] == [str(marketing.pk)]
    expect(other.get_by_role("heading", level=1)).to_have_text("Posts behind the figures")
    expect(other.get_by_test_id("drilldown-scope")).to_contain_text("Marketing")
