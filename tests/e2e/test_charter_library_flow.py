"""A real browser: the CoE entry opens the charter with its sub-navigation; a liaison searches the
library, votes and marks an adoption; the manager starts, edits and approves a charter version and
sees what changed."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_liaison_finds_a_practice_votes_and_adopts_it(page, live_server, demo_company, sign_in, screenshot):
    sign_in("liaison")
    page.get_by_test_id("main-nav").get_by_role("link", name="CoE").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("The CoE charter")
    expect(page.get_by_test_id("coe-subnav").get_by_role("link")).to_have_text(["Charter", "Library", "Departments"])
    page.get_by_test_id("coe-subnav").get_by_role("link", name="Library").click()
    page.get_by_label("Search", exact=True).fill("holding statements")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("practice").first).to_contain_text("Holding statements ready before the crisis")
    screenshot("library-search")
    page.get_by_test_id("practice").first.click()
    vote = page.get_by_test_id("vote")
    before = int(vote.inner_text().split()[1])
    vote.click()
    expect(page.get_by_test_id("vote")).to_contain_text(f"{before + 1} · Voted")
    page.get_by_role("button", name="We adopted this (Marketing)").click()
    expect(page.get_by_role("alert")).to_contain_text("Marked as adopted by Marketing")
    expect(page.get_by_test_id("adoptions")).to_contain_text("Marketing")
    screenshot("library-practice-adopted")


def test_manager_drafts_and_approves_a_charter_version(page, live_server, demo_company, sign_in, screenshot):
    sign_in("manager")
    page.goto(f"{live_server.url}/coe/charter/")
    page.get_by_role("button", name="Start a new version").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit draft v3")
    page.get_by_label("Relationships with partners").fill("Partners co-create one campaign a quarter with us.")
    page.get_by_label("Change note").fill("Partners co-create campaigns.")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Approve — make it current").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("v3")
    page.get_by_role("link", name="Compare with v2").click()
    expect(page.get_by_test_id("section-partners").locator("ins")).to_contain_text("co-create one campaign")
    screenshot("charter-diff-v2-v3")
