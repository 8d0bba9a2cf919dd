"""Reports sent by beat: the monthly ROI report e-mailed to leadership and the CoE manager.

The beat runs every hour; the report goes out once per calendar month, on or after its first day.
A ``ReportDelivery`` row per report and month is claimed before anything is sent, inside the same
transaction as the sending: a doubled beat or two workers at once send nothing twice (the second
waits on the unique row, then finds it taken), and a failed send rolls the claim back so the next
hour tries again.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from analytics.models import ReportDelivery
from analytics.selectors.roi import build_roi_report, money, percent, roi_summary
from coe.roles import Role

ROI_MONTHLY = "roi_monthly"
QUARTERS_IN_EMAIL = 4


def roi_report_recipients():
    """Every active person with the leadership role, and the CoE manager(s), with an address."""
    groups = [Role.LEADERSHIP.group_name, Role.COE_MANAGER.group_name]
    return (
        get_user_model()
        .objects.filter(Q(groups__name__in=groups), is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def roi_report_send_monthly(*, today: date | None = None) -> ReportDelivery | None:
    """Send the ROI report of the last four quarters (up to the end of last month) to leadership
    and the CoE manager, once per month: returns the delivery, or None when this month's report
    was already sent (or nobody would receive it)."""
    today = today or timezone.localdate()
    period_start = today.replace(day=1)
    people = list(roi_report_recipients())
    if not people:
        return None
    try:
        with transaction.atomic():
            delivery, created = ReportDelivery.objects.get_or_create(
                report=ROI_MONTHLY, period_start=period_start, defaults={"recipients": len(people)}
            )
            if not created:
                return None
            last_day = period_start - timedelta(days=1)
            report = build_roi_report(quarters=QUARTERS_IN_EMAIL, end=last_day, through=last_day)
            messages = _roi_messages(report, people, month=period_start)
            with get_connection() as connection:
                connection.send_messages(messages)
            delivery.sent_at = timezone.now()
            delivery.save(update_fields=["sent_at"])
    except IntegrityError:
        return None  # another worker claimed this month between our check and our insert
    return delivery


def _roi_messages(report, people, *, month: date) -> list[EmailMultiAlternatives]:
    query = f"quarters={len(report.quarters)}&end={report.last.key}"
    url = f"{settings.SITE_URL.rstrip('/')}{reverse('analytics:roi')}?{query}"
    context = {
        "report": report,
        "summary": roi_summary(report),
        "url": url,
        "month": month,
        "last_month_end": month - timedelta(days=1),
        "partial": report.last.end > month,  # the last quarter runs on past the end of last month
        "rows": [
            {
                "name": row.department.name,
                "investment": money(row.quarters[-1].investment, report.currency),
                "value": money(row.quarters[-1].value, report.currency),
                "roi": percent(row.quarters[-1].roi_percent),
            }
            for row in report.rows
            if not row.quarters[-1].is_empty
        ],
        "quarters": [
            {
                "label": quarter.label,
                "investment": money(figures.investment, report.currency),
                "value": money(figures.value, report.currency),
                "roi": percent(figures.roi_percent),
            }
            for quarter, figures in report.quarter_cells
        ],
    }
    subject = f"[CoE Hub] ROI report, {report.period_label}"
    text = render_to_string("analytics/email/roi_monthly.txt", context)
    html = render_to_string("analytics/email/roi_monthly.html", context)
    messages = []
    for person in people:  # one message each: addresses are never shared
        message = EmailMultiAlternatives(subject=subject, body=text, to=[person.email])
        message.attach_alternative(html, "text/html")
        messages.append(message)
    return messages
