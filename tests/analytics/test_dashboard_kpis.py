"""KPI statuses, hand-worked per aggregation (sum, rate, growth, latest), direction-aware status
with the at-risk margin and the pro-rata current period, the scope per role, the services' rules,
and a fixed query count whatever the number of KPIs and rollup rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from analytics.models import Kpi, KpiTarget
from analytics.selectors import kpis as selectors
from analytics.services import kpis as services
from coe.errors import DomainError, NotAllowed
from tests.analytics.factories import KpiFactory, KpiTargetFactory, RollupFactory
from tests.publishing.factories import ChannelFactory

pytestmark = pytest.mark.django_db

ON = date(2026, 3, 31)  # the last day of March: the current month is complete


@pytest.fixture
def channels(people):
    marketing = ChannelFactory(department=people.marketing)
    service = ChannelFactory(department=people.service)

    def month(channel, start, **figures):
        RollupFactory(channel=channel, period="month", period_start=start, **figures)

    month(marketing, date(2026, 1, 1), impressions=1000, likes=30, comments=0, shares=0, clicks=10, followers=500)
    month(marketing, date(2026, 2, 1), impressions=2000, likes=50, comments=10, shares=0, clicks=0, followers=550)
    month(marketing, date(2026, 3, 1), impressions=4000, likes=100, comments=0, shares=0, clicks=20, followers=605)
    month(service, date(2026, 3, 1), impressions=1000, likes=5, comments=5, shares=0, clicks=0, followers=100)
    return marketing, service


def status_of(kpi, user, on=ON, periods_back=2):
    return next(row for row in selectors.kpi_statuses(user=user, on=on, periods_back=periods_back) if row.kpi == kpi)


def test_sum_for_the_department_and_for_the_company(channels, people):
    mine = KpiFactory(metric="impressions", department=people.marketing)
    company = KpiFactory(metric="impressions")
    KpiTargetFactory(kpi=mine, period_start=date(2026, 3, 1), target=3000)
    KpiTargetFactory(kpi=company, period_start=date(2026, 3, 1), target=6000)
    row = status_of(mine, people.manager)
    assert [period.actual for period in row.history] == [1000, 2000, 4000]
    assert (row.actual, row.target, row.status, row.trend) == (4000, 3000, "on_track", "up")
    company_row = status_of(company, people.manager)
    assert company_row.actual == 5000
    assert company_row.status == "off_track"  # 5000 misses 6000 by more than 10 %


def test_rate_is_engagements_per_impression_in_percent(channels, people):
    kpi = KpiFactory(metric="engagements", aggregation="rate", denominator="impressions", department=people.marketing)
    KpiTargetFactory(kpi=kpi, period_start=date(2026, 3, 1), target=3)
    row = status_of(kpi, people.manager)
    # January 40/1000 = 4 %, February 60/2000 = 3 %, March 120/4000 = 3 %
    assert [period.actual for period in row.history] == [Decimal("4.00"), Decimal("3.00"), Decimal("3.00")]
    assert (row.status, row.trend) == ("on_track", "flat")


def test_growth_of_followers_uses_the_level_at_the_period_end(channels, people):
    kpi = KpiFactory(metric="followers", aggregation="growth", department=people.marketing)
    KpiTargetFactory(kpi=kpi, period_start=date(2026, 3, 1), target=12)
    row = status_of(kpi, people.manager)
    # Feb: 550 vs 500 = +10 %; Mar: 605 vs 550 = +10 %; Jan has nothing before it
    assert [period.actual for period in row.history] == [None, Decimal("10.0"), Decimal("10.0")]
    assert row.status == "off_track"  # 10 misses 12 by 2, more than 10 % of 12
    KpiTarget.objects.filter(kpi=kpi).update(target=11)
    assert status_of(kpi, people.manager).status == "at_risk"  # misses 11 by 1, within 1.1


def test_growth_of_a_flow_compares_the_sums(channels, people):
    kpi = KpiFactory(metric="impressions", aggregation="growth", cadence="month", department=people.marketing)
    row = status_of(kpi, people.manager)
    assert [period.actual for period in row.history] == [None, Decimal("100.0"), Decimal("100.0")]
    assert row.status == "no_target"


def test_latest_followers_sums_every_channel_at_the_period_end(channels, people):
    kpi = KpiFactory(metric="followers", aggregation="latest")
    KpiTargetFactory(kpi=kpi, period_start=date(2026, 3, 1), target=700)
    row = status_of(kpi, people.manager)
    assert row.actual == 705
    assert row.status == "on_track"


def test_quarterly_sum_adds_its_months(channels, people):
    kpi = KpiFactory(metric="impressions", cadence="quarter", department=people.marketing)
    KpiTargetFactory(kpi=kpi, period_start=date(2026, 1, 1), target=7000)
    row = status_of(kpi, people.manager, periods_back=1)
    assert (row.current.label, row.actual, row.status) == ("Q1 2026", 7000, "on_track")


def test_lower_is_better(channels, people):
    kpi = KpiFactory(metric="impressions", direction="down", department=people.marketing)
    KpiTargetFactory(kpi=kpi, period_start=date(2026, 3, 1), target=3000)
    row = status_of(kpi, people.manager)
    assert row.status == "off_track"
    assert row.improving is False  # impressions went up, and lower is better


def test_current_sum_is_judged_pro_rata(channels, people):
    kpi = KpiFactory(metric="impressions", department=people.marketing)
    KpiTargetFactory(kpi=kpi, period_start=date(2026, 3, 1), target=6200)
    # on 15 March, 15 of 31 days are gone: 3000 expected; 4000 is on track
    row = status_of(kpi, people.manager, on=date(2026, 3, 15))
    assert row.current.expected == Decimal("3000.00")
    assert row.status == "on_track"
    assert status_of(kpi, people.manager).status == "off_track"  # the whole month: 4000 < 6200


def test_no_figures_and_no_target(people):
    kpi = KpiFactory(metric="clicks")
    KpiTargetFactory(kpi=kpi, period_start=date(2026, 3, 1), target=10)
    row = status_of(kpi, people.manager)
    assert (row.actual, row.status, row.trend) == (None, "no_data", "none")


def test_scope_per_role(channels, people):
    marketing = KpiFactory(department=people.marketing)
    service = KpiFactory(department=people.service)
    company = KpiFactory()
    assert {row.kpi for row in selectors.kpi_statuses(user=people.leader, on=ON)} == {marketing, service, company}
    assert {row.kpi for row in selectors.kpi_statuses(user=people.liaison_a, on=ON)} == {marketing}
    assert selectors.kpi_statuses(user=people.employee, on=ON) == []


def test_statuses_take_a_fixed_number_of_queries(channels, people, django_assert_max_num_queries):
    for _ in range(3):
        KpiFactory(metric="impressions", department=people.marketing)
    with django_assert_max_num_queries(6):
        small = selectors.kpi_statuses(user=people.manager, on=ON)
    for n in range(20):
        kpi = KpiFactory(
            metric=["impressions", "followers", "engagements"][n % 3],
            aggregation=["sum", "latest", "rate"][n % 3],
            denominator="impressions" if n % 3 == 2 else "",
        )
        KpiTargetFactory(kpi=kpi, period_start=date(2026, 3, 1), target=100)
        RollupFactory(
            channel=ChannelFactory(department=people.marketing),
            period="month",
            period_start=date(2025, 12, 1),
            campaign=None,
            impressions=n,
        )
    with django_assert_max_num_queries(6):
        large = selectors.kpi_statuses(user=people.manager, on=ON)
    assert len(large) > len(small)


# --- services -------------------------------------------------------------------------------------


def test_kpi_create_update_deactivate_and_targets(people):
    kpi = services.kpi_create(
        actor=people.member,
        fields={
            "name": "Engagement rate",
            "metric": "engagements",
            "aggregation": "rate",
            "denominator": "impressions",
        },
    )
    kpi = services.kpi_update(actor=people.member, kpi=kpi, changes={"cadence": "quarter"})
    assert kpi.cadence == "quarter"
    target = services.kpi_target_set(
        actor=people.member, kpi=kpi, period_start_on=date(2026, 5, 17), target=Decimal("2.5")
    )
    assert target.period_start == date(2026, 4, 1)
    services.kpi_target_set(actor=people.member, kpi=kpi, period_start_on=date(2026, 4, 2), target=Decimal("3"))
    assert KpiTarget.objects.get(kpi=kpi).target == 3
    services.kpi_target_set(actor=people.member, kpi=kpi, period_start_on=date(2026, 4, 2), target=None)
    assert not KpiTarget.objects.filter(kpi=kpi).exists()
    services.kpi_deactivate(actor=people.member, kpi=kpi)
    assert Kpi.objects.get(pk=kpi.pk).is_active is False


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"name": "", "metric": "impressions"}, "name"),
        ({"name": "X", "metric": "vibes"}, "metric"),
        ({"name": "X", "metric": "engagements", "aggregation": "rate"}, "denominator"),
        ({"name": "X", "metric": "followers", "aggregation": "sum"}, "aggregation"),
    ],
)
def test_kpi_rules(people, fields, field):
    with pytest.raises(DomainError) as caught:
        services.kpi_create(actor=people.member, fields=fields)
    assert field in caught.value.fields
    assert not Kpi.objects.exists()


@pytest.mark.parametrize("who", ["leader", "liaison_a", "employee"])
def test_only_the_coe_changes_kpis(people, who):
    with pytest.raises(NotAllowed):
        services.kpi_create(actor=getattr(people, who), fields={"name": "X", "metric": "impressions"})
    kpi = KpiFactory()
    with pytest.raises(NotAllowed):
        services.kpi_target_set(actor=getattr(people, who), kpi=kpi, period_start_on=ON, target=Decimal(1))


def test_demo_kpis_are_idempotent_and_mixed(channels, people):
    from analytics.demo import kpis as demo

    demo.seed()
    counts = (Kpi.objects.count(), KpiTarget.objects.count())
    assert counts[0] == 6 and counts[1] > 6
    assert all(kpi.objective_id for kpi in Kpi.objects.all())
    demo.seed()
    assert (Kpi.objects.count(), KpiTarget.objects.count()) == counts
