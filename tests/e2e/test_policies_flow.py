"""An employee in a real browser: the demo's pending social media policy is on the home page; they
read it, accept it (htmx swaps the panel), and it leaves the home panel. The manager then sees
the acceptance in the compliance report."""

import pytest
from playwright.sync_api import expect

from coe.models import User
from governance.models import Acknowledgment, PolicyCategory
from governance.selectors.policies import has_acknowledged_current

pytestmark = pytest.mark.browser


def test_employee_reads_and_accepts_the_social_media_policy(page, live_server, demo_company, sign_in, screenshot):
    employee = User.objects.get(username="employee")
    assert not has_acknowledged_current(user=employee, category=PolicyCategory.SOCIAL_MEDIA)

    sign_in("employee")
    panel = page.get_by_test_id("policies-panel")
    pending = panel.get_by_test_id("pending-policy").filter(has_text="Social media policy")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text("changed since you accepted v1")
    screenshot("policies-1-home-pending")

    pending.get_by_role("link", name="Social media policy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Social media policy")
    expect(page.locator("#acknowledge-notice")).to_contain_text("Please read this policy")
    # the clauses have addresses rules link to
    page.get_by_role("navigation", name="On this page").get_by_role("link", name="Disclosing your employment").click()
    expect(page).to_have_url(f"{live_server.url}/governance/policies/social-media-policy/#disclosure")
    screenshot("policies-2-reading")

    page.get_by_role("button", name="I have read and accept").click()
    expect(page.get_by_test_id("accepted-message")).to_contain_text(
        "Thank you: you accepted “Social media policy” (v2)"
    )
    expect(page.locator("#acknowledge-notice")).to_be_empty()  # the top notice went with it (out of band)
    screenshot("policies-3-accepted")
    assert (
        Acknowledgment.objects.filter(
            user=employee, version__policy__slug="social-media-policy", version__number=2
        ).count()
        == 1
    )
    assert has_acknowledged_current(user=employee, category=PolicyCategory.SOCIAL_MEDIA)

    page.get_by_role("link", name="Home", exact=True).click()
    expect(panel.get_by_test_id("pending-policy").filter(has_text="Social media policy")).to_have_count(0)
    expect(panel.get_by_test_id("pending-policy").filter(has_text="Disclosure and advocacy")).to_have_count(1)
    screenshot("policies-4-home-after")

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in("manager")
    page.get_by_role("link", name="Policies", exact=True).click()
    page.get_by_role("link", name="Compliance report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has accepted which policy")
    expect(page.locator("#c_policy")).to_have_value("social-media-policy")
    screenshot("policies-5-compliance")
