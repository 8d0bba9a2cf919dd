"""Social listening in a real browser: the demo's CoE manager opens listening, sees the charts
drawn and the open alert from the past spike, declares a crisis incident from it (prefilled from
the alert) and lands on the incident, with publishing frozen."""

import re

import pytest
from playwright.sync_api import expect

from analytics.models import ListeningAlert
from governance.models import CrisisIncident

pytestmark = pytest.mark.browser


def test_manager_declares_an_incident_from_a_listening_alert(page, live_server, demo_company, sign_in, screenshot):
    page.on("dialog", lambda dialog: dialog.accept())  # "Declare the incident and freeze publishing now?"
    sign_in("manager")
    page.get_by_role("link", name="Analytics", exact=True).click()
    page.get_by_test_id("analytics-subnav").get_by_role("link", name="Listening").click()
    expect(page.get_by_role("heading", name="Social listening")).to_be_visible()

    charts = page.get_by_test_id("listening-chart")
    expect(charts).to_have_count(2)
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-listening-chart]')].every(c => {"
        " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " for (let i = 3; i < d.length; i += 4) if (d[i]) return true; return false; })"
    )
    expect(page.get_by_test_id("mention").first).to_be_visible()
    # A month per day: a click on the spike's bar opens the mentions of that day.
    page.get_by_label("Range", exact=True).select_option("30d")
    expect(page).to_have_url(re.compile(r"range=30d"))
    page.wait_for_function(
        "() => window.Chart && document.querySelectorAll('canvas[data-listening-chart]').length === 2"
    )
    app_chart = page.locator("section", has=page.get_by_role("heading", name="Acme Go app")).get_by_test_id(
        "listening-chart"
    )
    point = app_chart.evaluate(
        "c => { const chart = window.Chart.getChart(c); const values = chart.data.datasets[0].data;"
        " const bar = chart.getDatasetMeta(0).data[values.indexOf(Math.max(...values))];"
        " return {x: bar.x, y: (bar.y + bar.base) / 2}; }"
    )
    app_chart.click(position=point)
    expect(page.get_by_test_id("mention-count")).to_contain_text(re.compile(r"^\d{2,3} mentions posted from"))
    expect(page.get_by_test_id("mention").first).to_be_visible()
    screenshot("listening-1b-drilldown")
    page.go_back()

    alert = page.get_by_test_id("listening-alert").filter(has_text="Volume spike: Acme Go app")
    expect(alert).to_contain_text(re.compile(r"\d{2} mentions in one hour against 0\.\d an hour usually"))
    screenshot("listening-1-overview")

    alert.get_by_role("link", name="Declare a crisis incident").click()
    expect(page.get_by_label("Title")).to_have_value("Social listening: Acme Go app — volume spike")
    expect(page.get_by_label("Freeze every channel")).to_be_checked()
    page.get_by_label("Title").fill("Acme Go checkout failing")
    statement = page.get_by_test_id("holding-statement").filter(has_text="we know and we're on it")
    statement.get_by_role("button", name="Use this text").click()  # htmx fills the first statement
    expect(page.get_by_label("First statement")).to_have_value(re.compile(r"^We know some of you can't use"))
    page.get_by_label("First statement").fill(
        "We know some of you cannot pay in the Acme Go app since 14:00. We're on it; next update by 15:30."
    )
    screenshot("listening-2-declare")
    page.get_by_role("button", name="Declare and freeze").click()

    expect(page.get_by_test_id("incident-status")).to_have_text("Active")
    expect(
        page.get_by_test_id("banner").filter(has_text="Crisis incident active: Acme Go checkout failing")
    ).to_be_visible()
    incident = CrisisIncident.objects.get(title="Acme Go checkout failing")
    assert incident.is_active and incident.all_channels
    escalated = ListeningAlert.objects.get(incident=incident)
    assert escalated.status == ListeningAlert.Status.INCIDENT and escalated.topic.name == "Acme Go app"
    screenshot("listening-3-incident")

    page.goto(f"{live_server.url}/analytics/listening/")
    expect(page.get_by_test_id("listening-alert").filter(has_text="Acme Go app")).to_have_count(0)
