"""A real browser: the CoE uploads a metrics CSV with a bad row (all-or-nothing: nothing stored,
every problem listed), then imports the good rows; the subnavigation links the page."""

import pytest
from playwright.sync_api import expect

from analytics.models import MetricSnapshot
from publishing.models import Publication

pytestmark = pytest.mark.browser


def test_member_imports_metrics_and_sees_every_bad_row(page, live_server, demo_company, sign_in, screenshot, tmp_path):
    publication = Publication.objects.filter(status="published").order_by("-published_at").first()
    before = MetricSnapshot.objects.count()
    csv = tmp_path / "metrics.csv"
    csv.write_text(
        "publication_id,captured_at,impressions,likes\n"
        f"{publication.pk},2026-01-05T09:00:00Z,1500,40\n"
        f"{publication.pk},2026-01-06 09:00,-1,45\n"
        f"{publication.pk},2026-01-07T09:00:00Z,2100,52\n"
    )
    sign_in("member")
    page.goto(f"{live_server.url}/analytics/dashboard/")
    page.get_by_test_id("analytics-subnav").get_by_role("link", name="Import metrics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import metric snapshots from CSV")
    screenshot("metrics-import-member")

    page.get_by_label("CSV file").set_input_files(str(csv))
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_test_id("import-result")).to_contain_text("Nothing was imported: 2 problems in 1 row")
    expect(page.get_by_test_id("import-error")).to_have_count(2)
    assert MetricSnapshot.objects.count() == before
    screenshot("metrics-import-rejected")

    page.get_by_role("link", name="Import another file").click()
    page.get_by_label("CSV file").set_input_files(str(csv))
    page.get_by_label("Import the good rows and report the others").check()
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_test_id("import-result")).to_contain_text("Imported 2 snapshots")
    expect(page.get_by_test_id("import-error")).to_have_count(2)
    assert MetricSnapshot.objects.count() == before + 2
    screenshot("metrics-import-good-rows")
