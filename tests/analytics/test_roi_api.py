"""Investment, investment imports, value settings and the ROI report over the API: the same rules
and scopes as the pages (leadership and the CoE read ROI, liaisons are refused it; liaisons read
their departments' investment; only the CoE writes), errors in the shared JSON shape."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from analytics.models import Investment, ValueSettings
from tests.analytics.factories import InvestmentFactory, RollupFactory
from tests.publishing.factories import ChannelFactory

INVESTMENTS = "/api/v1/investments/"
IMPORTS = "/api/v1/investment-imports/"
VALUES = "/api/v1/value-settings/"
ROI = "/api/v1/roi/"


@pytest.fixture
def entries(people):
    return (
        InvestmentFactory(department=people.marketing, month=date(2026, 3, 1), category="ads", amount=1200),
        InvestmentFactory(
            department=people.service,
            month=date(2026, 2, 1),
            category="people",
            amount=0,
            fte_share="0.5",
            fte_yearly_cost=24000,
        ),
    )


# --- investments --------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "count"), [("leader", 2), ("member", 2), ("liaison_a", 1), ("liaison_b", 1)])
def test_investment_list_is_scoped(api_as, people, entries, who, count):
    response = api_as(getattr(people, who)).get(INVESTMENTS)
    assert response.status_code == 200
    assert response.json()["count"] == count


def test_investment_rows_carry_the_cost_and_filter_by_department_and_month(api_as, people, entries):
    client = api_as(people.leader)
    rows = client.get(INVESTMENTS, {"department": "customer-service"}).json()["results"]
    assert [(r["department"], r["category"], r["cost"]) for r in rows] == [("customer-service", "people", "1000.00")]
    rows = client.get(INVESTMENTS, {"month_from": "2026-03-01"}).json()["results"]
    assert [r["department"] for r in rows] == ["marketing"]


def test_employees_are_refused_and_hidden_entries_do_not_exist(api_as, people, entries):
    assert api_as(people.employee).get(INVESTMENTS).status_code == 403
    assert api_as(people.liaison_a).get(f"{INVESTMENTS}{entries[1].pk}/").status_code == 404


def test_the_coe_writes_investment_over_the_api(api_as, people):
    client = api_as(people.member)
    response = client.post(
        INVESTMENTS,
        {"department": "marketing", "month": "2026-04-20", "category": "people", "hours": "8", "loaded_rate": "70"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["month"], response.json()["cost"]) == ("2026-04-01", "560.00")
    pk = response.json()["id"]
    response = client.patch(f"{INVESTMENTS}{pk}/", {"hours": "10"}, format="json")
    assert response.json()["cost"] == "700.00"
    assert client.delete(f"{INVESTMENTS}{pk}/").status_code == 204
    assert not Investment.objects.exists()


def test_bad_investment_comes_back_in_the_shared_error_shape(api_as, people):
    response = api_as(people.member).post(
        INVESTMENTS, {"department": "marketing", "month": "2026-04-01", "category": "ads", "amount": "0"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid" and "costs nothing" in body["message"]
    assert "amount" in body["fields"]
    response = api_as(people.member).post(
        INVESTMENTS,
        {"department": "marketing", "month": "2026-04-01", "category": "ads", "amount": "5", "cost": "1"},
        format="json",
    )
    assert response.status_code == 400 and "cost" in response.json()["error"]["fields"]


@pytest.mark.parametrize("who", ["leader", "liaison_a"])
def test_readers_cannot_write_investment(api_as, people, entries, who):
    client = api_as(getattr(people, who))
    response = client.post(
        INVESTMENTS, {"department": "marketing", "month": "2026-04-01", "category": "ads", "amount": "5"}, format="json"
    )
    assert response.status_code == 403
    assert client.patch(f"{INVESTMENTS}{entries[0].pk}/", {"amount": "1"}, format="json").status_code == 403
    assert client.delete(f"{INVESTMENTS}{entries[0].pk}/").status_code == 403
    assert Investment.objects.count() == 2


# --- imports ------------------------------------------------------------------------------------


def _file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("investment.csv", text.encode(), content_type="text/csv")


def test_import_over_the_api_reports_bad_rows_and_imports_nothing(api_as, people):
    client = api_as(people.member)
    text = "month,department,category,amount\n2026-01,Marketing,ads,100\n2026-01,Marketing,ads,-3\n"
    response = client.post(IMPORTS, {"file": _file(text)}, format="multipart")
    assert response.status_code == 201
    body = response.json()
    assert (body["created"], body["bad_lines"], body["mode"]) == (0, [3], "all_or_nothing")
    assert body["errors"][0] == {"line": 3, "column": "amount", "message": "Cannot be negative."}
    assert not Investment.objects.exists()
    response = client.post(IMPORTS, {"file": _file(text), "mode": "good_rows"}, format="multipart")
    assert response.json()["created"] == 1
    assert Investment.objects.count() == 1


def test_only_the_coe_imports_over_the_api(api_as, people):
    response = api_as(people.leader).post(IMPORTS, {"file": _file("month,department,category\n")}, format="multipart")
    assert response.status_code == 403


# --- value settings -----------------------------------------------------------------------------


def test_value_settings_read_by_leaders_and_set_by_the_coe(api_as, people):
    assert api_as(people.leader).get(VALUES).json()["currency"] == "EUR"
    assert api_as(people.leader).patch(VALUES, {"value_per_lead": "1"}, format="json").status_code == 403
    response = api_as(people.member).patch(VALUES, {"value_per_lead": "45.5"}, format="json")
    assert response.status_code == 200
    assert response.json()["value_per_lead"] == "45.50"
    response = api_as(people.member).put(
        VALUES, {"currency": "USD", "value_per_engagement": "0.02", "value_per_lead": "30"}, format="json"
    )
    assert response.json()["currency"] == "USD"
    assert ValueSettings.current().value_per_engagement == Decimal("0.0200")
    assert api_as(people.member).patch(VALUES, {"value_per_lead": "-1"}, format="json").status_code == 400
    assert api_as(people.employee).get(VALUES).status_code == 403


# --- the ROI report -----------------------------------------------------------------------------


def test_roi_over_the_api_is_the_pages_report(api_as, people, entries):
    ValueSettings.objects.update_or_create(
        pk=1, defaults={"value_per_engagement": Decimal("0.10"), "value_per_lead": 50}
    )
    channel = ChannelFactory(department=people.marketing)
    RollupFactory(
        channel=channel,
        period="month",
        period_start=date(2026, 3, 1),
        likes=1000,
        comments=0,
        shares=0,
        clicks=0,
        conversions=2,
        conversion_value=500,
    )  # value 500 + 100 + 100 = 700 against 1200: −41.7 %
    response = api_as(people.leader).get(ROI, {"quarters": 1, "end": "2026-Q1"})
    assert response.status_code == 200
    body = response.json()
    assert body["quarters"] == ["2026-Q1"]
    marketing = next(d for d in body["departments"] if d["department"] == "marketing")
    assert marketing["quarters"][0]["quarter"] == "2026-Q1"
    assert (marketing["total"]["investment"], marketing["total"]["value"], marketing["total"]["roi_percent"]) == (
        "1200.00",
        "700.00",
        "-41.7",
    )
    assert marketing["total"]["funds"] == {"ads": "1200.00"}
    assert body["total"]["investment"] == "2200.00"
    assert body["summary"][0].startswith("In Q1 2026 the programme cost €2,200")
    only = api_as(people.leader).get(ROI, {"quarters": 1, "end": "2026-Q1", "department": "customer-service"}).json()
    assert [d["department"] for d in only["departments"]] == ["customer-service"]


@pytest.mark.parametrize("who", ["liaison_a", "employee"])
def test_roi_over_the_api_is_refused_to_others(api_as, people, who):
    response = api_as(getattr(people, who)).get(ROI)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_anonymous_api_calls_are_refused(api_client, db):
    for url in (ROI, INVESTMENTS, VALUES):
        assert api_client.get(url).status_code in {401, 403}
