"""The monthly ROI e-mail to leadership and the CoE manager: on or after the 1st, once per month
whatever the number of beats or workers, HTML and text with the summary and a link, and a failed
send that leaves the month to the next try. The clock is frozen by passing the day (or patching
django.utils.timezone.now for the task)."""

from __future__ import annotations

import smtplib
import threading
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from analytics.models import ReportDelivery
from analytics.services.reports import ROI_MONTHLY, roi_report_send_monthly
from analytics.tasks import roi_report_send_monthly_task
from coe.roles import Role
from tests.analytics.factories import InvestmentFactory
from tests.coe.factories import UserFactory


@pytest.fixture
def spend(people):
    InvestmentFactory(department=people.marketing, month=date(2026, 5, 1), amount=1000)
    return people


def test_the_report_goes_to_leadership_and_the_coe_manager_once_a_month(spend):
    people = spend
    delivery = roi_report_send_monthly(today=date(2026, 7, 1))
    assert delivery is not None
    assert (delivery.report, delivery.period_start, delivery.recipients) == (ROI_MONTHLY, date(2026, 7, 1), 2)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people.leader.email, people.manager.email])
    message = mail.outbox[0]
    assert message.subject == "[CoE Hub] ROI report, Q3 2025 – Q2 2026"
    assert "the programme cost €1,000" in message.body
    link = f"{settings.SITE_URL.rstrip('/')}/analytics/roi/?quarters=4&end=2026-Q2"
    assert link in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert "Marketing" in html and link.replace("&", "&amp;") in html

    # the hourly beat runs again, the same day and later in the month: nothing more is sent
    assert roi_report_send_monthly(today=date(2026, 7, 1)) is None
    assert roi_report_send_monthly(today=date(2026, 7, 31)) is None
    assert len(mail.outbox) == 2
    # next month's report
    assert roi_report_send_monthly(today=date(2026, 8, 3)) is not None
    assert len(mail.outbox) == 4
    assert ReportDelivery.objects.count() == 2


def test_inactive_people_and_people_without_an_address_get_nothing(spend):
    people = spend
    UserFactory(username="former", role=Role.LEADERSHIP, is_active=False)
    UserFactory(username="no_mail", role=Role.LEADERSHIP, email="")
    roi_report_send_monthly(today=date(2026, 7, 1))
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people.leader.email, people.manager.email])


def test_nobody_to_send_to_sends_nothing_and_claims_nothing(db):
    assert roi_report_send_monthly(today=date(2026, 7, 1)) is None
    assert not ReportDelivery.objects.exists()


def test_a_failed_send_leaves_the_month_for_the_next_try(spend):
    class Broken:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_messages(self, messages):
            raise smtplib.SMTPServerDisconnected("gone")

    with (
        mock.patch("analytics.services.reports.get_connection", return_value=Broken()),
        pytest.raises(smtplib.SMTPServerDisconnected),
    ):
        roi_report_send_monthly(today=date(2026, 7, 1))
    assert not ReportDelivery.objects.exists()
    assert roi_report_send_monthly(today=date(2026, 7, 1)) is not None
    assert len(mail.outbox) == 2


def test_the_task_uses_the_clock_and_is_idempotent(spend):
    frozen = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=frozen):
        assert roi_report_send_monthly_task() == 2
        assert roi_report_send_monthly_task() is None
    assert ReportDelivery.objects.get().period_start == date(2026, 9, 1)
    assert len(mail.outbox) == 2


def test_the_beat_runs_it_every_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["analytics-roi-report-monthly"]
    assert entry["task"] == "analytics.tasks.roi_report_send_monthly_task"
    assert entry["schedule"] == timedelta(hours=1)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_the_report_once(people):
    InvestmentFactory(department=people.marketing, month=date(2026, 5, 1), amount=1000)
    start = threading.Barrier(2)
    results = []

    def worker():
        try:
            start.wait()
            results.append(roi_report_send_monthly(today=date(2026, 7, 2)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(result is None for result in results) == [False, True]
    assert ReportDelivery.objects.count() == 1
    assert len(mail.outbox) == 2


def test_a_quarter_under_way_is_reported_to_the_end_of_last_month(spend):
    people = spend
    InvestmentFactory(department=people.marketing, month=date(2026, 7, 1), amount=700)
    InvestmentFactory(department=people.marketing, month=date(2026, 8, 1), amount=5000)  # this month: not yet
    roi_report_send_monthly(today=date(2026, 8, 1))
    body = mail.outbox[0].body
    assert "Q3 2026: €700 / €0 / -100%" in body
    assert "Q3 2026 is still under way: its figures run to 31 July 2026." in body
    assert "5,000" not in body
