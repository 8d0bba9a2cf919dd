"""Crisis management in a real browser: the demo's CoE manager declares an incident from the
plan's scenario and holding statement (the banner appears on every page, publishing is frozen),
then resolves it and records the post-incident review."""

import re

import pytest
from playwright.sync_api import expect

from governance.models import CrisisIncident, IncidentUpdate

pytestmark = pytest.mark.browser


def test_manager_declares_resolves_and_reviews_an_incident(page, live_server, demo_company, sign_in, screenshot):
    page.on("dialog", lambda dialog: dialog.accept())  # "Declare … and freeze publishing now?"
    sign_in("manager")
    page.get_by_role("link", name="Crisis", exact=True).click()
    expect(page.get_by_test_id("no-active-incident")).to_be_visible()
    expect(page.get_by_test_id("history-row")).to_contain_text("Checkout down on Black Friday morning")
    screenshot("crisis-1-overview")

    page.get_by_role("link", name="Declare an incident").click()
    page.get_by_label("Scenario").select_option(index=2)  # the demo plan's service outage
    page.get_by_label("Title").fill("App login failing")
    statement = page.get_by_test_id("holding-statement").filter(has_text="we know and we're on it")
    statement.get_by_role("link", name="Use this text").click()  # htmx fills the first statement
    first = page.get_by_label("First statement")
    expect(first).to_have_value(re.compile(r"^We know some of you can't use \[service\] since \[time\]"))
    first.fill("We know some of you can't log in to the app since 09:40. We're on it; next update by 10:30.")
    expect(page.get_by_label("Freeze every channel")).to_be_checked()
    screenshot("crisis-2-declare")
    page.get_by_role("button", name="Declare and freeze").click()

    banner = page.get_by_test_id("banner").filter(has_text="Crisis incident active: App login failing")
    expect(banner).to_contain_text("Publishing is frozen on every channel")
    expect(page.get_by_test_id("incident-status")).to_have_text("Active")
    incident = CrisisIncident.objects.get(title="App login failing")
    assert incident.is_active and incident.all_channels and incident.scenario.name == "Service outage"
    screenshot("crisis-3-declared")

    # The banner is on every page; the frozen posts page shows what the freeze will hold.
    page.get_by_role("link", name="Calendar", exact=True).click()
    expect(page.get_by_test_id("banner").filter(has_text="App login failing")).to_be_visible()
    page.goto(f"{live_server.url}/publishing/frozen/?incident={incident.pk}")
    expect(page.get_by_test_id("freeze-state")).to_contain_text("There is no “publish anyway”")
    expect(page.get_by_test_id("upcoming-row").first).to_be_visible()
    screenshot("crisis-4-frozen-posts")

    page.get_by_test_id("banner").filter(has_text="App login failing").get_by_role("link").click()
    page.get_by_label("How was it resolved?").fill("Login works again since 11:05; the identity provider fixed it.")
    page.get_by_role("button", name="Resolve the incident").click()
    expect(page.get_by_test_id("incident-status")).to_have_text("Resolved")
    expect(page.get_by_test_id("banner").filter(has_text="App login failing")).to_have_count(0)
    screenshot("crisis-5-resolved")

    page.get_by_label("What happened, and how it was handled").fill("Logins failed for 85 minutes.")
    page.get_by_label("What went well").fill("Frozen within minutes; statement out in 15.")
    page.get_by_label("What to improve (and who will)").fill("IT to alert the CoE directly.")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_role("alert").first).to_contain_text("post-incident review is recorded")
    expect(page.get_by_test_id("review")).to_contain_text("Logins failed for 85 minutes.")
    timeline = page.get_by_test_id("timeline")
    for kind in ("Declared", "Resolved", "Post-incident review"):
        expect(timeline).to_contain_text(kind)
    screenshot("crisis-6-reviewed")
    incident.refresh_from_db()
    assert incident.reviewed_by.username == "manager"
    assert list(incident.updates.values_list("kind", flat=True)) == [
        IncidentUpdate.Kind.DECLARED,
        IncidentUpdate.Kind.RESOLVED,
        IncidentUpdate.Kind.REVIEW,
    ]
