"""The demo's investment: twelve months per department with channels, sized from the value of
their demo results so the ROI report has departments above and below zero and a return that
improves; running it twice changes nothing, and value settings someone set are kept."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from analytics.demo import investment as demo
from analytics.models import Investment, ValueSettings
from analytics.selectors.roi import roi_report
from tests.analytics.factories import RollupFactory
from tests.coe.factories import DepartmentFactory
from tests.publishing.factories import ChannelFactory


def _results(department, months):
    channel = ChannelFactory(department=department)
    for month in months:
        RollupFactory(
            channel=channel, period="month", period_start=month, likes=4000, conversions=20, conversion_value=900
        )


def test_demo_investment_gives_winners_losers_and_a_trend_and_is_idempotent(people):
    hr = DepartmentFactory(name="HR", slug="hr")
    months = demo._months(timezone.localdate())
    _results(people.marketing, months)
    _results(hr, months)

    demo.seed()
    count = Investment.objects.count()
    # Marketing and HR with results, Customer Service (the people fixture's) without: a fallback spend.
    assert count == 3 * 12 * len(demo.SPLIT)
    assert set(Investment.objects.values_list("category", flat=True)) == {
        "ads",
        "tools",
        "agencies",
        "content",
        "people",
    }
    values = ValueSettings.current()
    assert (values.currency, values.value_per_engagement, values.value_per_lead) == ("EUR", Decimal("0.0500"), 40)
    demo.seed()
    assert Investment.objects.count() == count

    report = roi_report(user=people.leader, quarters=4)
    rows = {row.department.slug: row for row in report.rows}
    assert rows["marketing"].total.roi_percent > 0 > rows["hr"].total.roi_percent
    full = [f.roi_percent for f in report.quarter_totals[:-1]]  # the current quarter is partial
    assert full == sorted(full)  # the return improves over the year


def test_value_settings_someone_chose_are_kept(people):
    ValueSettings.objects.update_or_create(
        pk=1, defaults={"currency": "USD", "value_per_lead": 12, "changed_by": people.member}
    )
    demo.seed()
    assert ValueSettings.current().currency == "USD"
