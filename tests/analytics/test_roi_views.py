"""The ROI report page, its CSV export and the value settings page; the investment pages (list,
record, edit, delete, import): who may do what, what they see, and query counts that do not grow
with the data."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from analytics.models import Investment, ValueSettings
from governance.models import AuditEntry
from tests.analytics.factories import InvestmentFactory, RollupFactory
from tests.coe.factories import DepartmentFactory
from tests.publishing.factories import ChannelFactory

ROI = reverse("analytics:roi")
EXPORT = reverse("analytics:roi_export")
INVESTMENT = reverse("analytics:investment")


def _grow(departments: int, months: int, tag: str = "") -> None:
    for n in range(departments):
        department = DepartmentFactory(name=f"Dept {tag}{departments}-{n}")
        channel = ChannelFactory(department=department)
        for m in range(1, months + 1):
            InvestmentFactory(department=department, month=date(2026, m, 1), category="ads", amount=100 + m)
            InvestmentFactory(department=department, month=date(2026, m, 1), category="people", hours=2, loaded_rate=50)
            RollupFactory(channel=channel, period="month", period_start=date(2026, m, 1), conversion_value=300)


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


# --- the ROI page -------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("leader", 200), ("manager", 200), ("member", 200)])
def test_leadership_and_the_coe_open_the_roi_report(client, people, who, status):
    InvestmentFactory(department=people.marketing, month=date(2026, 4, 1), amount=1000)
    client.force_login(getattr(people, who))
    response = client.get(ROI, {"quarters": 2, "end": "2026-Q2"})
    assert response.status_code == status
    assert b'data-testid="roi-chart"' in response.content
    assert b'id="roi-chart-data"' in response.content
    assert "Marketing" in response.content.decode()
    assert b"vendor/chartjs/chart.umd.min.js" in response.content


@pytest.mark.parametrize("who", ["liaison_a", "liaison_b", "employee", "approver"])
def test_liaisons_and_employees_are_refused_the_roi_report_and_export(client, people, who):
    client.force_login(getattr(people, who))
    assert client.get(ROI).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client, db):
    for url in (ROI, EXPORT, INVESTMENT, reverse("analytics:value_settings")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_filters_in_the_url_choose_quarters_and_department(client, people):
    InvestmentFactory(department=people.marketing, month=date(2026, 1, 1), amount=1000)
    InvestmentFactory(department=people.service, month=date(2026, 1, 1), amount=2000)
    client.force_login(people.leader)
    response = client.get(ROI, {"quarters": "2", "end": "2026-Q2", "department": "marketing"})
    report = response.context["report"]
    assert [q.key for q in report.quarters] == ["2026-Q1", "2026-Q2"]
    assert [row.department.name for row in report.rows] == ["Marketing"]
    assert response.context["chart"]["investment"] == [1000.0, 0.0]
    # nonsense falls back to the defaults
    response = client.get(ROI, {"quarters": "lots", "end": "soon"})
    assert len(response.context["report"].quarters) == 4


def test_roi_page_queries_do_not_grow_with_the_data(client, people, django_assert_max_num_queries):
    client.force_login(people.leader)
    _grow(1, 2, "a")
    client.get(ROI)
    with django_assert_max_num_queries(12):
        assert client.get(ROI, {"quarters": 4, "end": "2026-Q4"}).status_code == 200
    _grow(8, 12, "b")
    with django_assert_max_num_queries(12):
        response = client.get(ROI, {"quarters": 4, "end": "2026-Q4"})
    assert len(response.context["report"].rows) == 9


def test_the_csv_export_has_every_department_quarter_and_total_and_is_formula_safe(client, people):
    evil = DepartmentFactory(name='=HYPERLINK("http://x")', slug="evil")
    InvestmentFactory(department=evil, month=date(2026, 4, 1), category="tools", amount=Decimal("250.50"))
    channel = ChannelFactory(department=evil)
    RollupFactory(
        channel=channel,
        period="month",
        period_start=date(2026, 5, 1),
        conversion_value=500,
        likes=0,
        comments=0,
        shares=0,
        clicks=0,
    )
    client.force_login(people.member)
    response = client.get(EXPORT, {"quarters": 1, "end": "2026-Q2"})
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    header = rows[0]
    assert header[:4] == ["quarter", "department", "investment", "funds"]
    by_key = {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in rows[1:]}
    cell = by_key[("2026-Q2", '\'=HYPERLINK("http://x")')]
    assert (cell["investment"], cell["funds_tools"], cell["value"], cell["roi_percent"]) == (
        "250.50",
        "250.50",
        "500.00",
        "99.6",
    )
    assert ("total", "All departments") in by_key
    assert all(not row[1].startswith("=") for row in rows[1:])


# --- value settings ----------------------------------------------------------------------------


def test_the_coe_sets_values_from_the_page(client, people):
    client.force_login(people.member)
    url = reverse("analytics:value_settings")
    assert client.get(url).status_code == 200
    response = client.post(url, {"currency": "gbp", "value_per_engagement": "0.07", "value_per_lead": "35"})
    assert response.status_code == 302
    current = ValueSettings.current()
    assert (current.currency, current.value_per_lead) == ("GBP", Decimal("35.00"))
    response = client.post(url, {"currency": "EU", "value_per_engagement": "-1", "value_per_lead": "35"})
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize("who", ["leader", "liaison_a", "employee"])
def test_others_cannot_open_value_settings(client, people, who):
    client.force_login(getattr(people, who))
    url = reverse("analytics:value_settings")
    assert client.get(url).status_code == 403
    assert client.post(url, {"currency": "USD", "value_per_engagement": "1", "value_per_lead": "1"}).status_code == 403
    assert ValueSettings.current().currency == "EUR"


# --- investment pages ---------------------------------------------------------------------------


@pytest.fixture
def entries(people):
    return (
        InvestmentFactory(department=people.marketing, month=date(2026, 3, 1), category="ads", amount=1200),
        InvestmentFactory(department=people.service, month=date(2026, 3, 1), category="tools", amount=300),
    )


@pytest.mark.parametrize(("who", "visible"), [("leader", 2), ("member", 2), ("liaison_a", 1), ("liaison_b", 1)])
def test_investment_list_is_scoped_by_role(client, people, entries, who, visible):
    client.force_login(getattr(people, who))
    response = client.get(INVESTMENT)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == visible
    can_manage = who == "member"
    assert (b"Record investment" in response.content) is can_manage


def test_liaisons_see_their_own_departments_investment_only(client, people, entries):
    client.force_login(people.liaison_a)
    response = client.get(INVESTMENT, {"department": "customer-service"})  # not theirs: ignored
    assert [e.department for e in response.context["page"]] == [people.marketing]
    assert response.context["totals"].total == Decimal("1200.00")


def test_employees_cannot_see_investment(client, people, entries):
    client.force_login(people.employee)
    assert client.get(INVESTMENT).status_code == 403


def test_investment_filters_and_totals(client, people, entries):
    InvestmentFactory(
        department=people.marketing, month=date(2026, 5, 1), category="people", amount=0, hours=10, loaded_rate=40
    )
    client.force_login(people.leader)
    response = client.get(INVESTMENT, {"from": "2026-04", "to": "2026-12", "category": "people"})
    totals = response.context["totals"]
    assert totals.total == Decimal("400.00")
    assert [m.month for m in totals.months] == [date(2026, 5, 1)]
    assert totals.categories == [("people", "People (time)")]


def test_investment_list_queries_do_not_grow(client, people, django_assert_max_num_queries):
    client.force_login(people.leader)
    _grow(1, 2, "a")
    client.get(INVESTMENT)
    with django_assert_max_num_queries(12):
        client.get(INVESTMENT)
    _grow(6, 12, "b")
    with django_assert_max_num_queries(12):
        response = client.get(INVESTMENT)
    assert response.context["page"].paginator.count == 4 + 144


def test_the_coe_records_edits_and_deletes_an_entry(client, people):
    client.force_login(people.member)
    response = client.post(
        reverse("analytics:investment_create"),
        {
            "department": people.marketing.pk,
            "month": "2026-06",
            "category": "people",
            "hours": "12",
            "loaded_rate": "55",
        },
    )
    assert response.status_code == 302
    entry = Investment.objects.get()
    assert (entry.month, entry.cost) == (date(2026, 6, 1), Decimal("660.00"))
    response = client.post(
        reverse("analytics:investment_edit", args=[entry.pk]),
        {
            "department": people.marketing.pk,
            "month": "2026-06",
            "category": "people",
            "hours": "10",
            "loaded_rate": "55",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.cost == Decimal("550.00")
    assert client.post(reverse("analytics:investment_delete", args=[entry.pk])).status_code == 302
    assert not Investment.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="investment.").count() == 3


def test_a_bad_entry_shows_the_rule_on_the_form(client, people):
    client.force_login(people.member)
    response = client.post(
        reverse("analytics:investment_create"),
        {"department": people.marketing.pk, "month": "2026-06", "category": "people", "hours": "12"},
    )
    assert response.status_code == 200
    assert "loaded rate" in str(response.context["form"].errors["loaded_rate"])
    assert not Investment.objects.exists()


def test_who_may_not_change_investment(client, people, entries):
    marketing_entry, service_entry = entries
    client.force_login(people.leader)
    assert client.get(reverse("analytics:investment_create")).status_code == 403
    assert client.post(reverse("analytics:investment_delete", args=[marketing_entry.pk])).status_code == 403
    client.force_login(people.liaison_a)
    assert client.get(reverse("analytics:investment_edit", args=[marketing_entry.pk])).status_code == 403
    assert client.get(reverse("analytics:investment_edit", args=[service_entry.pk])).status_code == 404  # hidden
    assert client.post(reverse("analytics:investment_delete", args=[service_entry.pk])).status_code == 404
    assert Investment.objects.count() == 2


def test_import_page_reports_bad_rows_and_imports_nothing(client, people):
    client.force_login(people.member)
    url = reverse("analytics:investment_import")
    assert client.get(url).status_code == 200
    bad = io.BytesIO(b"month,department,category,amount\n2026-01,Marketing,ads,100\n2026-01,Nowhere,ads,100\n")
    bad.name = "investment.csv"
    response = client.post(url, {"file": bad, "mode": "all_or_nothing"})
    assert response.status_code == 200
    assert [(e.line, e.column) for e in response.context["report"].errors] == [(3, "department")]
    assert b'data-testid="import-error"' in response.content
    assert not Investment.objects.exists()
    good = io.BytesIO(b"month,department,category,amount\n2026-01,Marketing,ads,100\n")
    good.name = "investment.csv"
    client.post(url, {"file": good, "mode": "all_or_nothing"})
    assert Investment.objects.count() == 1


def test_the_import_template_is_a_csv_with_the_documented_columns(client, people):
    client.force_login(people.member)
    rows = _csv_rows(client.get(reverse("analytics:investment_import_template")))
    assert rows[0] == [
        "month",
        "department",
        "category",
        "amount",
        "hours",
        "loaded_rate",
        "fte_share",
        "fte_yearly_cost",
        "note",
    ]
    client.force_login(people.leader)
    assert client.get(reverse("analytics:investment_import")).status_code == 403


@pytest.mark.parametrize(
    ("who", "links"),
    [
        ("leader", ["ROI", "Investment"]),
        ("liaison_a", ["Investment"]),  # their department's; no ROI grant
    ],
)
def test_the_analytics_subnav_links_roi_and_investment_for_who_may_open_them(client, people, who, links):
    client.force_login(getattr(people, who))
    subnav = client.get(INVESTMENT).content.decode().split('data-testid="analytics-subnav"')[1].split("</nav>")[0]
    assert (">ROI<" in subnav) is ("ROI" in links)
    assert ">Investment<" in subnav
