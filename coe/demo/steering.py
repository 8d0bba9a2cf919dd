"""Demo steering committee: department leads of six departments and the CoE manager (chair), a
monthly series, four past meetings with agendas, minutes, decisions, attendance and action items
(some done, some open, one overdue), and the next meeting planned. Idempotent: members by person,
the series by name, meetings by date, decisions and items by text."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from coe.models import (
    ActionItem,
    Department,
    SteeringAttendance,
    SteeringDecision,
    SteeringMeeting,
    SteeringMember,
    SteeringSeries,
)
from coe.permissions import SYSTEM
from coe.services.steering import series_occurrence, steering_meetings_plan

SERIES_NAME = "Social media steering committee"
SEATS = [  # (department slug, title); the department's lead takes the seat
    ("marketing", "Head of Marketing"),
    ("customer-service", "Head of Customer Service"),
    ("sales", "Head of Sales"),
    ("pr-communications", "Head of PR & Communications"),
    ("legal", "General Counsel"),
    ("hr", "Head of HR"),
]
MEETINGS = [
    {
        "agenda": "1. The social media charter, version 2\n2. Who represents each department\n3. Approval turnaround",
        "minutes": "The committee reviewed the draft charter v2 and the list of liaisons. Customer Service asked "
        "for a faster approval route for replies; Legal agreed to a 24-hour target.",
        "decisions": ["Charter v2 goes to the CoE manager for approval.", "Legal reviews flagged posts within 24 h."],
        "items": [
            ("Name a liaison for HR", "hr", -60, "done"),
            ("Propose a reply-only approval policy for support channels", "customer-service", -50, "done"),
        ],
    },
    {
        "agenda": "1. Policy acknowledgment by department\n2. Certification of liaisons\n3. Crisis plan review",
        "minutes": "Acknowledgment of the social media policy is low in Sales and HR. The crisis plan was walked "
        "through; PR & Communications will run a tabletop exercise.",
        "decisions": ["Every liaison holds the Social Media Certified track by the end of the quarter."],
        "items": [
            ("Remind Sales to accept the social media policy", "sales", -25, "done"),
            ("Run a crisis tabletop exercise", "pr-communications", 7, "in_progress"),
        ],
    },
    {
        "agenda": "1. Q3 results against the charter's objectives\n2. Listening tool renewal\n3. Employee advocacy",
        "minutes": "Impressions are on track, clicks behind target. The listening tool evaluation is under way. "
        "Marketing presents an employee advocacy pilot next month.",
        "decisions": ["Start an evaluation of social listening tools.", "Pilot employee advocacy in Marketing."],
        "items": [
            ("Draft the employee advocacy pilot", "marketing", 10, "open"),
            ("Collect requirements for the listening tool evaluation", "legal", 14, "open"),
        ],
    },
    {
        "agenda": "1. Employee advocacy pilot\n2. Best practices from Customer Service\n3. Next year's budget",
        "minutes": "The pilot was approved for Marketing. Customer Service shared its public-reply playbook, now in "
        "the best-practice library.",
        "decisions": ["Approve the advocacy pilot for Marketing (three months)."],
        "items": [
            ("Share the public-reply playbook with every liaison", "customer-service", 5, "open"),
            ("Prepare the social budget proposal for next year", "marketing", 21, "open"),
            ("Add HR's recruiting channel to the approval policy", "hr", -3, "open"),  # overdue
        ],
    },
]


def seed() -> None:
    User = get_user_model()
    today = timezone.localdate()
    zone = timezone.get_default_timezone()
    manager = User.objects.filter(username="manager").first()
    if manager is None:
        return
    departments = {d.slug: d for d in Department.objects.filter(slug__in=[s for s, _ in SEATS]).select_related("lead")}
    joined = today - timedelta(days=200)
    existing = set(SteeringMember.objects.filter(left_on__isnull=True).values_list("user_id", flat=True))
    seats = []
    if manager.pk not in existing:
        seats.append(
            SteeringMember(user=manager, department=None, title="CoE manager", is_chair=True, joined_on=joined)
        )
    for slug, title in SEATS:
        department = departments.get(slug)
        if department is None or department.lead_id is None or department.lead_id in existing:
            continue
        seats.append(SteeringMember(user_id=department.lead_id, department=department, title=title, joined_on=joined))
    SteeringMember.objects.bulk_create(seats)

    # Monthly, first Tuesday-ish at 10:00, starting five months ago.
    first_day = (today.replace(day=1) - timedelta(days=120)).replace(day=8)
    series, _ = SteeringSeries.objects.get_or_create(
        name=SERIES_NAME,
        defaults={
            "cadence": SteeringSeries.Cadence.MONTHLY,
            "first_meeting_at": datetime.combine(first_day, time(10, 0), tzinfo=zone),
            "duration_minutes": 60,
            "location": "Board room 4.01 and video call",
        },
    )
    members = list(SteeringMember.objects.filter(left_on__isnull=True))
    now = timezone.now()
    past = []
    index = 0
    while series_occurrence(series, index) < now:
        past.append(series_occurrence(series, index))
        index += 1
    past = past[-len(MEETINGS) :]
    if SteeringMeeting.objects.filter(series=series, status=SteeringMeeting.Status.HELD).exists():
        past = []  # seeded on an earlier day: the history stays as it was
    owners = {slug: d.lead for slug, d in departments.items()}
    for when, spec in zip(past, MEETINGS, strict=False):
        meeting, created = SteeringMeeting.objects.get_or_create(
            series=series,
            scheduled_at=when,
            defaults={"status": SteeringMeeting.Status.HELD, "agenda": spec["agenda"], "minutes": spec["minutes"]},
        )
        if not created:
            continue
        SteeringDecision.objects.bulk_create(
            [SteeringDecision(meeting=meeting, text=text) for text in spec["decisions"]]
        )
        SteeringAttendance.objects.bulk_create(
            [
                SteeringAttendance(
                    meeting=meeting,
                    user_id=member.user_id,
                    status=("apologies" if (member.pk + meeting.pk) % 5 == 0 else "present"),
                )
                for member in members
            ],
            ignore_conflicts=True,
        )
        items = []
        for title, slug, due_in_days, status in spec["items"]:
            owner = owners.get(slug) or manager
            done = status == ActionItem.Status.DONE
            items.append(
                ActionItem(
                    meeting=meeting,
                    title=title,
                    owner=owner,
                    department=departments.get(slug),
                    due_on=today + timedelta(days=due_in_days),
                    status=status,
                    completed_at=now - timedelta(days=3) if done else None,
                    # The demo starts quiet: reminders already went for items already due.
                    reminded_at=now if due_in_days <= settings.ACTION_ITEM_REMIND_DAYS else None,
                )
            )
        ActionItem.objects.bulk_create(items)
    steering_meetings_plan(actor=SYSTEM, series=series, count=1)
    SteeringMeeting.objects.filter(series=series, status=SteeringMeeting.Status.PLANNED, agenda="").update(
        agenda="1. Advocacy pilot: first results\n2. Listening tool evaluation: shortlist\n3. Open action items"
    )
