"""The ROI report against figures worked out by hand (every number in the comments), the executive
summary's sentences, who may read it, and a query count that stays the same as data grows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.models import ValueSettings
from analytics.selectors.roi import Quarter, build_roi_report, money, roi_report, roi_summary
from coe.errors import NotAllowed
from tests.analytics.factories import InvestmentFactory, RollupFactory
from tests.coe.factories import DepartmentFactory
from tests.publishing.factories import ChannelFactory

END = Quarter(2026, 2)
ZERO_COUNTS = {"likes": 0, "comments": 0, "shares": 0, "clicks": 0}


def month_rollup(channel, month: date, **figures):
    return RollupFactory(channel=channel, period="month", period_start=month, **{**ZERO_COUNTS, **figures})


@pytest.fixture
def dataset(people):
    """Value: 0.10 per engagement, 50 per lead. Quarters Q1 and Q2 2026.

    Marketing — Q1: ads 1000 (Jan) + 20 h × 50 (Feb, people) = 2000; value Jan 1500 + 2000 eng ×
    0.10 + 10 leads × 50 = 2200, Feb 500 eng = 50 → 2250; ROI 250/2000 = 12.5 %.
    Q2: tools 500 (Apr) + 0.5 FTE × 48000 / 12 (May, people) = 2500; value Apr 2000 + 3000 × 0.10 +
    20 × 50 = 3300; ROI 800/2500 = 32.0 %. Total 4500 against 5550: 23.3 %.
    Customer Service — Q1: agencies 4000; value Mar 1000 eng + 4 leads = 300; ROI −92.5 %. Q2: no
    investment, value 100 eng = 10; ROI none. Total 4000 against 310: −92.3 %.
    Social Media CoE — Q1: content 1000, no value: −100 %.
    Outside the quarters (Dec 2025, Jul 2026) and day rollups count for nothing."""
    ValueSettings.objects.update_or_create(
        pk=1, defaults={"currency": "EUR", "value_per_engagement": Decimal("0.10"), "value_per_lead": 50}
    )
    mk = ChannelFactory(department=people.marketing)
    cs = ChannelFactory(department=people.service)
    InvestmentFactory(department=people.marketing, month=date(2026, 1, 1), category="ads", amount=1000)
    InvestmentFactory(
        department=people.marketing, month=date(2026, 2, 1), category="people", amount=0, hours=20, loaded_rate=50
    )
    InvestmentFactory(department=people.marketing, month=date(2026, 4, 1), category="tools", amount=500)
    InvestmentFactory(
        department=people.marketing,
        month=date(2026, 5, 1),
        category="people",
        amount=0,
        fte_share=Decimal("0.5"),
        fte_yearly_cost=48000,
    )
    InvestmentFactory(department=people.marketing, month=date(2025, 12, 1), category="ads", amount=999)
    InvestmentFactory(department=people.marketing, month=date(2026, 7, 1), category="ads", amount=999)
    InvestmentFactory(department=people.service, month=date(2026, 2, 1), category="agencies", amount=4000)
    InvestmentFactory(department=people.coe_team, month=date(2026, 3, 1), category="content", amount=1000)

    month_rollup(
        mk, date(2026, 1, 1), likes=1000, comments=200, shares=300, clicks=500, conversions=10, conversion_value=1500
    )
    month_rollup(mk, date(2026, 2, 1), likes=500)
    month_rollup(mk, date(2026, 4, 1), likes=2000, clicks=1000, conversions=20, conversion_value=2000)
    month_rollup(mk, date(2026, 7, 1), likes=99999, conversion_value=99999)
    RollupFactory(channel=mk, period="day", period_start=date(2026, 1, 5), likes=99999, conversion_value=99999)
    month_rollup(cs, date(2026, 3, 1), likes=1000, conversions=4)
    month_rollup(cs, date(2026, 5, 1), likes=100)
    return people


def _rows(report):
    return {row.department.name: row for row in report.rows}


def test_figures_per_department_and_quarter_match_the_hand_worked_ones(dataset):
    report = roi_report(user=dataset.leader, quarters=2, end=END)
    assert [q.key for q in report.quarters] == ["2026-Q1", "2026-Q2"]
    rows = _rows(report)
    assert list(rows) == ["Customer Service", "Marketing", "Social Media CoE"]

    mk_q1, mk_q2 = rows["Marketing"].quarters
    assert (mk_q1.funds, mk_q1.people, mk_q1.investment) == ({"ads": Decimal("1000.00")}, Decimal("1000.00"), 2000)
    assert (mk_q1.engagements, mk_q1.conversions, mk_q1.conversion_value) == (2500, 10, Decimal("1500.00"))
    assert mk_q1.value == Decimal("2250.00")
    assert mk_q1.roi_percent == Decimal("12.5")
    assert (mk_q2.investment, mk_q2.people, mk_q2.value, mk_q2.roi_percent) == (2500, 2000, 3300, Decimal("32.0"))
    mk = rows["Marketing"].total
    assert (mk.investment, mk.value, mk.roi_percent) == (4500, 5550, Decimal("23.3"))
    assert mk.cost_per_engagement == Decimal("0.82")  # 4500 / 5500
    assert mk.cost_per_conversion == Decimal("150.00")  # 4500 / 30
    assert rows["Marketing"].trend == Decimal("19.5")  # 32.0 − 12.5

    cs_q1, cs_q2 = rows["Customer Service"].quarters
    assert (cs_q1.investment, cs_q1.value, cs_q1.roi_percent) == (4000, 300, Decimal("-92.5"))
    assert (cs_q2.investment, cs_q2.value, cs_q2.roi_percent) == (0, 10, None)
    assert cs_q2.cost_per_engagement is None
    assert rows["Customer Service"].total.roi_percent == Decimal("-92.3")  # −3690 / 4000 = −92.25
    assert rows["Customer Service"].trend is None

    assert rows["Social Media CoE"].total.roi_percent == Decimal("-100.0")

    q1, q2 = report.quarter_totals
    assert (q1.investment, q1.value, q1.roi_percent) == (7000, 2550, Decimal("-63.6"))
    assert (q2.investment, q2.value, q2.roi_percent) == (2500, 3310, Decimal("32.4"))
    assert (report.total.investment, report.total.value, report.total.roi_percent) == (9500, 5860, Decimal("-38.3"))
    assert report.chart_data() == {
        "currency": "EUR",
        "labels": ["Q1 2026", "Q2 2026"],
        "investment": [7000.0, 2500.0],
        "value": [2550.0, 3310.0],
        "roi": [-63.6, 32.4],
    }


def test_the_summary_says_what_the_figures_say(dataset):
    report = roi_report(user=dataset.member, quarters=2, end=END)
    assert roi_summary(report) == [
        "In Q1 2026 – Q2 2026 the programme cost €9,500 and returned €5,860 of value: an ROI of -38%.",
        "Marketing had the best return (23% on €4,500); Social Media CoE the weakest (-100% on €1,000).",
        "ROI rose by 96 points from -64% in Q1 2026 to 32% in Q2 2026.",
        "The biggest cost was agencies: €4,000 (42% of the investment).",
        "No value is recorded for Social Media CoE although €1,000 was invested there; "
        "check that their metrics are coming in before reading their ROI.",
    ]


def test_one_department_filtered_summary_has_no_ranking_and_says_when_roi_fell(dataset):
    report = roi_report(user=dataset.leader, quarters=2, end=END, department_ids=[dataset.service.pk])
    assert [row.department.name for row in report.rows] == ["Customer Service"]
    summary = roi_summary(report)
    assert summary[0] == "In Q1 2026 – Q2 2026 the programme cost €4,000 and returned €310 of value: an ROI of -92%."
    assert not any("best return" in sentence for sentence in summary)
    # Q2 has value but no investment: no quarter-on-quarter sentence, and no "no investment" caveat
    # (the department has investment over the period).
    assert not any(sentence.startswith("ROI ") for sentence in summary)
    assert summary[1] == "The biggest cost was agencies: €4,000 (100% of the investment)."


def test_summary_when_results_have_no_investment_and_when_nothing_happened(people):
    channel = ChannelFactory(department=people.marketing)
    month_rollup(channel, date(2026, 4, 1), conversion_value=1200)
    report = roi_report(user=people.leader, quarters=1, end=END)
    assert roi_summary(report) == [
        "In Q2 2026 results worth €1,200 were recorded, but no investment: ROI cannot be worked out until "
        "investment is recorded.",
        "Marketing has results but no investment recorded, so no ROI is shown for them.",
    ]
    empty = roi_report(user=people.leader, quarters=4, end=Quarter(2020, 4))
    assert roi_summary(empty) == ["Nothing was invested and no results were recorded in Q1 2020 – Q4 2020."]


def test_roi_fell_and_held_steady_sentences(people):
    for month, amount in ((date(2026, 1, 1), 1000), (date(2026, 4, 1), 1000), (date(2026, 7, 1), 1000)):
        InvestmentFactory(department=people.marketing, month=month, amount=amount)
    channel = ChannelFactory(department=people.marketing)
    month_rollup(channel, date(2026, 1, 1), conversion_value=3000)  # +200 %
    month_rollup(channel, date(2026, 4, 1), conversion_value=1500)  # +50 %
    month_rollup(channel, date(2026, 7, 1), conversion_value=1500)  # +50 %
    fell = roi_summary(roi_report(user=people.leader, quarters=2, end=END))
    assert "ROI fell by 150 points from 200% in Q1 2026 to 50% in Q2 2026." in fell
    steady = roi_summary(roi_report(user=people.leader, quarters=2, end=Quarter(2026, 3)))
    assert "ROI held steady from 50% in Q2 2026 to 50% in Q3 2026." in steady


def test_money_is_written_with_the_currency_and_separators():
    assert money(Decimal("1234567.5"), "EUR") == "€1,234,568"
    assert money(Decimal("-950"), "USD") == "-$950"
    assert money(12, "SEK") == "SEK 12"


def test_quarters_parse_shift_and_bound(db):
    assert Quarter.parse("2026-Q3") == Quarter(2026, 3)
    assert Quarter.parse("2026q1") == Quarter(2026, 1)
    assert Quarter.parse("2026-Q5") is None
    assert Quarter.parse("=cmd") is None
    assert Quarter(2026, 1).shift(-1) == Quarter(2025, 4)
    assert (Quarter(2025, 4).start, Quarter(2025, 4).end) == (date(2025, 10, 1), date(2026, 1, 1))
    assert len(build_roi_report(quarters=50, end=END).quarters) == 12
    assert len(build_roi_report(quarters=0, end=END).quarters) == 1


@pytest.mark.parametrize("who", ["liaison_a", "liaison_b", "employee", "approver"])
def test_only_leadership_and_the_coe_read_the_report(people, who):
    # Liaisons see their departments' figures on the dashboard but hold no ROI grant.
    with pytest.raises(NotAllowed):
        roi_report(user=getattr(people, who))


def test_the_report_takes_the_same_few_queries_whatever_the_data_size(people):
    ValueSettings.current()

    def grow(departments: int, months: int):
        for n in range(departments):
            department = DepartmentFactory(name=f"Grown {departments}-{n}")
            channel = ChannelFactory(department=department)
            for m in range(1, months + 1):
                InvestmentFactory(department=department, month=date(2026, m, 1), category="ads")
                InvestmentFactory(
                    department=department, month=date(2026, m, 1), category="people", hours=3, loaded_rate=10
                )
                month_rollup(channel, date(2026, m, 1), likes=10 * m, conversions=m)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            report = roi_report(user=people.leader, quarters=4, end=Quarter(2026, 4))
            roi_summary(report)
            report.chart_data()
        return len(queries)

    grow(1, 2)
    count()  # the first call also loads the person's permissions
    small = count()
    grow(6, 12)
    assert count() == small
    assert small <= 5
