"""A real browser: each demo user signs in and sees the navigation of their role, nothing else."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

EXPECTED_NAV = {
    "manager": [
        "Home", "Posts", "Review", "Calendar", "Channels", "Policies", "Training", "Crisis", "Analytics", "CoE",
        "People",
    ],
    "member": [
        "Home", "Posts", "Review", "Calendar", "Channels", "Policies", "Training", "Crisis", "Analytics", "CoE",
        "People",
    ],
    "liaison": ["Home", "Posts", "Calendar", "Policies", "Training", "Analytics", "CoE"],
    "liaison_cs": ["Home", "Posts", "Calendar", "Policies", "Training", "Analytics", "CoE"],
    "approver": ["Home", "Review", "Calendar", "Policies", "Training", "CoE"],
    "employee": ["Home", "Policies", "Training", "CoE"],
    "leader": ["Home", "Policies", "Training", "Crisis", "Analytics", "CoE", "People"],
}  # fmt: skip
# Pages a few people use now and then sit in the person's menu, so the bar stays on one line.
EXPECTED_USER_MENU = {"manager": ["Audit trail", "Admin"], "member": ["Audit trail"]}


def test_each_demo_user_sees_the_navigation_of_their_role(page, live_server, demo_company, sign_in, screenshot):
    for username, expected in EXPECTED_NAV.items():
        sign_in(username)
        expect(page).to_have_url(f"{live_server.url}/")
        expect(page.get_by_test_id("main-nav").get_by_role("link")).to_have_text(expected)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
        screenshot(f"home-{username}")
        page.get_by_test_id("user-menu").click()
        expect(page.get_by_test_id("user-menu-item")).to_have_text(EXPECTED_USER_MENU.get(username, []))
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(f"{live_server.url}/accounts/login/")


def test_wrong_password_shows_an_error_next_to_the_form(page, live_server, demo_company, sign_in, screenshot):
    sign_in("liaison", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    screenshot("login-error")


def test_manager_filters_people_live_and_changes_a_role(page, live_server, demo_company, sign_in, screenshot):
    sign_in("manager")
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_label("Search").fill("Fischer")
    # htmx swaps the table in place (with the CSRF header from the layout); the URL follows.
    expect(page.locator("#people-table tbody tr")).to_have_count(1)
    expect(page).to_have_url(f"{live_server.url}/coe/people/?q=Fischer&role=&department=")
    screenshot("people-filtered")
    page.get_by_role("link", name="Edit Lena Fischer").click()
    page.get_by_label("Role").select_option("approver")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Lena Fischer was updated")
    page.get_by_label("Role").select_option("approver")
    expect(page.locator("#people-table")).to_contain_text("Lena Fischer")
    screenshot("people-after-role-change")


def test_liaison_cannot_reach_the_people_directory(page, live_server, demo_company, sign_in, screenshot):
    sign_in("liaison")
    page.goto(f"{live_server.url}/coe/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You may not do this")
    screenshot("liaison-403")
