"""Investment entries and value settings through their services: the cost rule (the model's
property and the report's SQL agree), the entry rules, who may write, the audit trail, and the CSV
import (every bad row reported with line, column and reason; all-or-nothing leaves the database
untouched; good rows only)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from analytics.models import Investment, ValueSettings
from analytics.models.investment import investment_cost_expression
from analytics.services import investment as services
from coe.errors import DomainError, NotAllowed
from governance.models import AuditEntry
from tests.analytics.factories import InvestmentFactory


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


# --- the cost rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"amount": "1000"}, "1000.00"),
        ({"amount": "0", "hours": "40", "loaded_rate": "65.50"}, "2620.00"),  # 40 × 65.50
        ({"amount": "0", "fte_share": "0.5", "fte_yearly_cost": "72000"}, "3000.00"),  # 0.5 × 72000 / 12
        ({"amount": "0", "fte_share": "0.333", "fte_yearly_cost": "50000"}, "1387.50"),  # 16650 / 12
        (
            {"amount": "100.10", "hours": "2.5", "loaded_rate": "40", "fte_share": "0.1", "fte_yearly_cost": "60000"},
            "700.10",
        ),
        ({"amount": "0", "fte_share": "0.001", "fte_yearly_cost": "10"}, "0.00"),  # 0.000833… rounds to 0
    ],
)
def test_cost_property_and_sql_expression_agree(db, people, fields, expected):
    entry = InvestmentFactory(department=people.marketing, **{k: Decimal(v) for k, v in fields.items()})
    entry.refresh_from_db()
    in_sql = Investment.objects.filter(pk=entry.pk).annotate(c=investment_cost_expression()).get().c
    assert entry.cost == Decimal(expected)
    assert Decimal(in_sql).quantize(Decimal("0.01")) == Decimal(expected)


# --- recording, changing, deleting --------------------------------------------------------------


def _values(people, **changes):
    return {"department": people.marketing, "month": date(2026, 3, 17), "category": "ads", "amount": 500, **changes}


def test_coe_member_records_an_entry_as_of_the_first_of_its_month_and_it_is_audited(people):
    entry = services.investment_create(actor=people.member, values=_values(people, note="  spring push  "))
    assert entry.month == date(2026, 3, 1)
    assert entry.note == "spring push"
    assert entry.created_by == people.member
    audit = AuditEntry.objects.get(action="investment.created")
    assert audit.actor == people.member
    assert "500.00" in audit.summary


@pytest.mark.parametrize("who", ["leader", "liaison_a", "employee", "approver"])
def test_only_coe_staff_record_investment(people, who):
    with pytest.raises(NotAllowed):
        services.investment_create(actor=getattr(people, who), values=_values(people))
    assert not Investment.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": -1}, "amount"),
        ({"amount": 0}, "amount"),  # costs nothing
        ({"amount": 0, "hours": 10}, "loaded_rate"),
        ({"amount": 0, "fte_share": Decimal("0.5")}, "fte_yearly_cost"),
        ({"category": "bribes"}, "category"),
        ({"department": None}, "department"),
        ({"month": None}, "month"),
        ({"month": date(1999, 12, 1)}, "month"),
        ({"loaded_rate": 50000, "hours": 1}, "loaded_rate"),
    ],
)
def test_bad_entries_are_refused_with_the_field_named(people, changes, field):
    with pytest.raises(DomainError) as caught:
        services.investment_create(actor=people.manager, values=_values(people, **changes))
    assert field in caught.value.fields
    assert not Investment.objects.exists()


def test_update_keeps_unchanged_fields_and_audits_what_changed(people):
    entry = services.investment_create(actor=people.member, values=_values(people))
    services.investment_update(actor=people.manager, investment=entry, values={"amount": 750, "note": "corrected"})
    entry.refresh_from_db()
    assert (entry.amount, entry.category, entry.month) == (Decimal("750.00"), "ads", date(2026, 3, 1))
    audit = AuditEntry.objects.get(action="investment.changed")
    assert "amount" in audit.summary and "note" in audit.summary


def test_update_by_a_leader_is_refused_and_changes_nothing(people):
    entry = InvestmentFactory(department=people.marketing, amount=100)
    with pytest.raises(NotAllowed):
        services.investment_update(actor=people.leader, investment=entry, values={"amount": 1})
    entry.refresh_from_db()
    assert entry.amount == 100


def test_delete_removes_the_entry_and_audits_it(people):
    entry = InvestmentFactory(department=people.marketing)
    services.investment_delete(actor=people.member, investment=entry)
    assert not Investment.objects.exists()
    assert AuditEntry.objects.filter(action="investment.deleted").count() == 1


# --- value settings -----------------------------------------------------------------------------


def test_value_settings_are_set_by_the_coe_and_audited(people):
    current = services.value_settings_update(
        actor=people.member, values={"currency": "usd", "value_per_engagement": "0.05", "value_per_lead": 40}
    )
    assert (current.currency, current.value_per_engagement, current.value_per_lead) == (
        "USD",
        Decimal("0.0500"),
        Decimal("40.00"),
    )
    assert ValueSettings.current().changed_by == people.member
    assert AuditEntry.objects.filter(action="value_settings.changed").count() == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"currency": "EURO"}, "currency"),
        ({"value_per_lead": -1}, "value_per_lead"),
        ({"value_per_engagement": "x"}, "value_per_engagement"),
    ],
)
def test_bad_value_settings_are_refused(people, values, field):
    with pytest.raises(DomainError) as caught:
        services.value_settings_update(actor=people.manager, values=values)
    assert field in caught.value.fields
    assert ValueSettings.current().currency == "EUR"


def test_leaders_and_liaisons_cannot_change_value_settings(people):
    for person in (people.leader, people.liaison_a):
        with pytest.raises(NotAllowed):
            services.value_settings_update(actor=person, values={"value_per_lead": 1})


# --- CSV import ---------------------------------------------------------------------------------

GOOD = """month,department,category,amount,hours,loaded_rate,fte_share,fte_yearly_cost,note
2026-01,Marketing,ads,"1,500.00",,,,,January ads
2026-01,customer-service,People (time),,40,65,,,hours
2026-02-14,Marketing,people,,,,0.5,72000,half an FTE
"""

BAD = """month,department,category,amount,hours,loaded_rate,fte_share,fte_yearly_cost,note
2026-01,Marketing,ads,1500,,,,,fine
2026-13,Marketing,ads,100,,,,,bad month
2026-01,Nowhere,ads,100,,,,,unknown department
2026-01,Marketing,bribes,100,,,,,unknown category
2026-01,Marketing,ads,-5,,,,,negative
2026-01,Marketing,people,,10,,,,hours without a rate
2026-01,Marketing,ads,abc,,,,,not a number
2026-02,Customer Service,tools,300,,,,,fine too
"""


def test_import_of_a_good_file_creates_every_entry_and_audits_once(people):
    report = services.investments_import(actor=people.member, file=_csv(GOOD))
    assert (report.rows, report.created, report.errors) == (3, 3, [])
    assert report.total_cost == Decimal("1500") + Decimal("2600") + Decimal("3000")
    assert Investment.objects.filter(month=date(2026, 2, 1), fte_share=Decimal("0.5")).exists()
    assert AuditEntry.objects.filter(action="investments.imported").count() == 1


def test_every_bad_row_is_reported_with_line_column_and_reason_and_nothing_is_imported(people):
    report = services.investments_import(actor=people.member, file=_csv(BAD))
    problems = {(error.line, error.column) for error in report.errors}
    assert problems == {
        (3, "month"),
        (4, "department"),
        (5, "category"),
        (6, "amount"),
        (7, "loaded_rate"),
        (8, "amount"),
    }
    reasons = {error.line: error.message for error in report.errors}
    assert "Nowhere" in reasons[4]
    assert "not a number" in reasons[8]
    assert report.bad_lines == [3, 4, 5, 6, 7, 8]
    assert report.created == 0
    assert not Investment.objects.exists()  # all or nothing: the database is untouched
    assert not AuditEntry.objects.filter(action="investments.imported").exists()


def test_good_rows_mode_imports_the_good_rows_and_reports_the_others(people):
    report = services.investments_import(actor=people.member, file=_csv(BAD), mode="good_rows")
    assert report.created == 2
    assert sorted(Investment.objects.values_list("note", flat=True)) == ["fine", "fine too"]
    assert len(report.bad_lines) == 6


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"department,category\nMarketing,ads\n", "missing: month"),
        (b"month,department,category\n", "no rows"),
        ("month,department,category\n2026-01,Marketing,ads\n".encode("utf-16"), "UTF-8"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(people, content, message):
    with pytest.raises(DomainError) as caught:
        services.investments_import(actor=people.member, file=io.BytesIO(content))
    assert message in caught.value.message


def test_only_coe_staff_import(people):
    with pytest.raises(NotAllowed):
        services.investments_import(actor=people.leader, file=_csv(GOOD))
    assert not Investment.objects.exists()
