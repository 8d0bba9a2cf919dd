"""The CoE manager in a real browser on the demo company: the steering committee page (members by
department, the next meeting, recent meetings, open action items with the overdue one in red), a
meeting with its decisions and attendance, an action item's owner moving its status, and the
department directory with its figures and silo warnings."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coe.models import ActionItem

pytestmark = pytest.mark.browser


def test_manager_sees_the_committee_and_the_directory(page, live_server, demo_company, sign_in, screenshot):
    sign_in("manager")
    page.goto(f"{live_server.url}/coe/steering/")
    expect(page.get_by_role("heading", name="Steering committee")).to_be_visible()
    expect(page.get_by_test_id("coe-subnav").get_by_role("link", name="Steering")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_test_id("members")).to_contain_text("Head of Marketing")
    expect(page.get_by_test_id("next-meeting")).to_contain_text("Advocacy pilot")
    expect(page.locator('[data-testid="open-items"] tr[data-overdue="1"]')).to_have_count(1)
    screenshot("coe-steering-manager")

    page.get_by_test_id("recent-meetings").get_by_role("link").first.click()
    expect(page.get_by_test_id("decisions")).to_contain_text("advocacy pilot")
    expect(page.get_by_test_id("attendance")).to_contain_text("Hannah Park")
    screenshot("coe-steering-meeting-manager")

    page.goto(f"{live_server.url}/coe/departments/")
    expect(page.get_by_test_id("directory")).to_contain_text("Policy ack.")
    expect(page.get_by_test_id("company-row")).to_be_visible()
    page.get_by_role("link", name="Certified").click()
    expect(page).to_have_url(f"{live_server.url}/coe/departments/?sort=certified_pct")
    screenshot("coe-directory-manager")


def test_owner_moves_the_status_of_their_action_item(page, live_server, demo_company, sign_in, screenshot):
    item = ActionItem.objects.filter(status="open", owner__username="marketing-lead").order_by("due_on").first()
    sign_in("marketing-lead")
    page.goto(f"{live_server.url}/coe/steering/")
    expect(page.get_by_role("heading", name="My action items", level=1)).to_be_visible()
    page.get_by_test_id("my-items").get_by_role("link", name=item.title).click()
    expect(page.get_by_label("Title")).to_have_count(0)
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The action item was saved.")).to_be_visible()
    screenshot("coe-steering-owner")
    item.refresh_from_db()
    assert item.status == "in_progress"
