"""The steering committee's rules: seats, the series and its planned meetings, the ICS invite,
action items (the owner moves only the status) and their reminders with a frozen clock."""

import gc
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from coe.errors import Conflict, NotAllowed
from coe.models import ActionItem, Notification, SteeringMeeting, SteeringSeries
from coe.services import steering as services
from tests.coe.factories_steering import (
    ActionItemFactory,
    SteeringMeetingFactory,
    SteeringMemberFactory,
    SteeringSeriesFactory,
)

pytestmark = pytest.mark.django_db


def test_one_open_seat_per_person(people):
    services.steering_member_add(
        actor=people.member, user=people.liaison_a, department=people.marketing, joined_on=date(2026, 1, 1)
    )
    with pytest.raises(Conflict):
        services.steering_member_add(
            actor=people.member, user=people.liaison_a, department=None, joined_on=date(2026, 2, 1)
        )


def test_a_new_chair_replaces_the_old_one(people):
    old = services.steering_member_add(
        actor=people.manager, user=people.member, department=None, joined_on=date(2026, 1, 1), is_chair=True
    )
    services.steering_member_add(
        actor=people.manager, user=people.leader, department=None, joined_on=date(2026, 1, 1), is_chair=True
    )
    old.refresh_from_db()
    assert not old.is_chair


def test_leaving_frees_the_seat(people):
    seat = services.steering_member_add(
        actor=people.member, user=people.liaison_a, department=None, joined_on=date(2026, 1, 1)
    )
    services.steering_member_leave(actor=people.member, member=seat, left_on=date(2026, 3, 1))
    services.steering_member_add(
        actor=people.member, user=people.liaison_a, department=None, joined_on=date(2026, 4, 1)
    )


def test_only_coe_staff_keep_the_committee(people):
    for actor in (people.leader, people.liaison_a, people.employee):
        with pytest.raises(NotAllowed):
            services.steering_member_add(actor=actor, user=people.employee, department=None, joined_on=date(2026, 1, 1))


@pytest.mark.parametrize(
    ("cadence", "expected"),
    [
        ("weekly", [datetime(2026, 1, 13, 9, 30, tzinfo=UTC), datetime(2026, 1, 20, 9, 30, tzinfo=UTC)]),
        ("fortnightly", [datetime(2026, 1, 13, 9, 30, tzinfo=UTC), datetime(2026, 1, 27, 9, 30, tzinfo=UTC)]),
        ("monthly", [datetime(2026, 1, 13, 9, 30, tzinfo=UTC), datetime(2026, 2, 13, 9, 30, tzinfo=UTC)]),
        ("quarterly", [datetime(2026, 1, 13, 9, 30, tzinfo=UTC), datetime(2026, 4, 13, 9, 30, tzinfo=UTC)]),
    ],
)
def test_occurrences_follow_the_cadence(cadence, expected):
    series = SteeringSeriesFactory(cadence=cadence)
    assert [services.series_occurrence(series, i) for i in range(2)] == expected


def test_monthly_on_the_31st_falls_on_the_last_day():
    series = SteeringSeriesFactory(first_meeting_at=datetime(2026, 1, 31, 9, 0, tzinfo=UTC))
    assert services.series_occurrence(series, 1).date() == date(2026, 2, 28)


def test_planning_the_next_meetings_is_idempotent(people):
    series = SteeringSeriesFactory()
    now = datetime(2026, 5, 1, tzinfo=UTC)
    assert services.steering_meetings_plan(actor=people.member, series=series, count=3, now=now) == 3
    assert services.steering_meetings_plan(actor=people.member, series=series, count=3, now=now) == 0
    assert services.steering_meetings_plan(actor=people.member, series=series, count=4, now=now) == 1
    days = list(SteeringMeeting.objects.order_by("scheduled_at").values_list("scheduled_at", flat=True))
    assert [d.date() for d in days] == [date(2026, 5, 13), date(2026, 6, 13), date(2026, 7, 13), date(2026, 8, 13)]
    assert set(SteeringMeeting.objects.values_list("status", flat=True)) == {"planned"}


@pytest.mark.parametrize(
    ("cadence", "freq", "interval"),
    [
        ("weekly", "WEEKLY", None),
        ("fortnightly", "WEEKLY", 2),
        ("monthly", "MONTHLY", None),
        ("quarterly", "MONTHLY", 3),
    ],
)
def test_the_ics_invite_has_the_rrule_attendees_and_a_stable_uid(people, cadence, freq, interval):
    series = SteeringSeriesFactory(cadence=cadence, duration_minutes=90)
    members = [
        SteeringMemberFactory(user=people.manager, is_chair=True),
        SteeringMemberFactory(user=people.liaison_a, department=people.marketing),
    ]
    first = services.steering_invite_ics(series=series, members=members)
    event = next(iter(Calendar.from_ical(first).walk("VEVENT")))
    rule = event["RRULE"]
    assert rule["FREQ"] == [freq]
    assert rule.get("INTERVAL") == ([interval] if interval else None)
    assert str(event["UID"]) == f"{series.uid}@coe-hub"
    attendees = sorted(str(a) for a in event.get("ATTENDEE"))
    assert attendees == ["mailto:liaison_a@example.com", "mailto:manager@example.com"]
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=90)
    again = next(iter(Calendar.from_ical(services.steering_invite_ics(series=series, members=members)).walk("VEVENT")))
    assert str(again["UID"]) == str(event["UID"])


def test_owner_updates_status_but_not_title(people):
    item = ActionItemFactory(owner=people.employee)
    services.action_item_update(actor=people.employee, item=item, changes={"status": ActionItem.Status.DONE})
    item.refresh_from_db()
    assert item.status == "done" and item.completed_at is not None
    with pytest.raises(NotAllowed):
        services.action_item_update(actor=people.employee, item=item, changes={"title": "Something else"})
    item.refresh_from_db()
    assert item.title != "Something else"


def test_someone_elses_item_cannot_be_changed(people):
    item = ActionItemFactory(owner=people.liaison_a)
    for actor in (people.employee, people.leader):
        with pytest.raises(NotAllowed):
            services.action_item_update(actor=actor, item=item, changes={"status": "done"})


def test_coe_staff_change_everything_and_a_new_due_date_rearms_reminders(people):
    item = ActionItemFactory(owner=people.employee, reminded_at=datetime(2026, 1, 1, tzinfo=UTC))
    services.action_item_update(
        actor=people.member, item=item, changes={"title": "Renamed", "due_on": item.due_on + timedelta(days=7)}
    )
    item.refresh_from_db()
    assert item.title == "Renamed" and item.reminded_at is None


def test_creating_an_item_tells_its_owner(people):
    meeting = SteeringMeetingFactory()
    services.action_item_create(
        actor=people.member, meeting=meeting, title="Draft the pilot", owner=people.employee, due_on=date(2030, 1, 1)
    )
    assert Notification.objects.filter(recipient=people.employee, kind="action_item_assigned").count() == 1


def test_reminders_go_once_before_due_and_once_overdue(people, settings):
    settings.ACTION_ITEM_REMIND_DAYS = 2
    soon = ActionItemFactory(owner=people.employee, due_on=date(2026, 6, 12))
    later = ActionItemFactory(owner=people.employee, due_on=date(2026, 6, 20))
    done = ActionItemFactory(owner=people.employee, due_on=date(2026, 6, 11), status=ActionItem.Status.DONE)

    def kinds():
        return sorted(Notification.objects.filter(recipient=people.employee).values_list("kind", flat=True))

    run = services.action_items_remind(now=datetime(2026, 6, 10, 8, tzinfo=UTC))
    assert (run.reminded, run.overdue) == (1, 0)
    assert kinds() == ["action_item_due"]
    services.action_items_remind(now=datetime(2026, 6, 10, 9, tzinfo=UTC))  # an hour later: nothing new
    assert kinds() == ["action_item_due"]
    run = services.action_items_remind(now=datetime(2026, 6, 13, 8, tzinfo=UTC))  # soon is now overdue
    assert (run.reminded, run.overdue) == (0, 1)
    services.action_items_remind(now=datetime(2026, 6, 14, 8, tzinfo=UTC))
    assert kinds() == ["action_item_due", "action_item_overdue"]
    run = services.action_items_remind(now=datetime(2026, 6, 18, 8, tzinfo=UTC))
    assert (run.reminded, run.overdue) == (1, 0)  # later's turn; done is never reminded
    soon.refresh_from_db()
    later.refresh_from_db()
    done.refresh_from_db()
    assert soon.overdue_reminded_at is not None and later.reminded_at is not None and done.reminded_at is None


def test_an_overdue_item_never_reminded_before_gets_only_the_overdue_reminder(people):
    ActionItemFactory(owner=people.employee, due_on=date(2026, 6, 1))
    run = services.action_items_remind(now=datetime(2026, 6, 10, tzinfo=UTC))
    assert (run.reminded, run.overdue) == (0, 1)
    assert services.action_items_remind(now=datetime(2026, 6, 11, tzinfo=UTC)).overdue == 0


def test_the_sweep_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["coe-action-items-remind"]
    assert entry["task"] == "coe.tasks.action_items_remind_task"
    assert entry["schedule"] == timedelta(hours=1)


@pytest.mark.django_db(transaction=True)
def test_the_task_runs_on_a_real_worker(people, redis_url):
    from celery.contrib.testing.worker import start_worker

    from coe.celery import app
    from coe.tasks import action_items_remind_task

    ActionItemFactory(owner=people.employee, due_on=date(2020, 1, 1))
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        action_items_remind_task.delay()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not Notification.objects.filter(kind="action_item_overdue").exists():
            time.sleep(0.2)
    gc.collect()  # the worker thread's connection must go before the test database is dropped
    assert Notification.objects.filter(kind="action_item_overdue").count() == 1


def test_attendance_is_replaced_not_doubled(people):
    meeting = SteeringMeetingFactory()
    services.steering_attendance_set(actor=people.member, meeting=meeting, statuses={people.leader.pk: "present"})
    services.steering_attendance_set(actor=people.member, meeting=meeting, statuses={people.leader.pk: "apologies"})
    assert list(meeting.attendance.values_list("status", flat=True)) == ["apologies"]


def test_one_active_series(people):
    first = SteeringSeriesFactory()
    services.steering_series_save(
        actor=people.member,
        name="New series",
        cadence=SteeringSeries.Cadence.QUARTERLY,
        first_meeting_at=datetime(2026, 3, 1, 9, tzinfo=UTC),
        duration_minutes=60,
    )
    first.refresh_from_db()
    assert not first.is_active


def test_meetings_keep_their_wall_clock_time_across_dst(settings):
    import zoneinfo

    settings.TIME_ZONE = "Europe/Berlin"
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    series = SteeringSeriesFactory(cadence="weekly", first_meeting_at=datetime(2026, 3, 24, 10, 0, tzinfo=berlin))
    second = services.series_occurrence(series, 1)
    assert second.astimezone(berlin).hour == 10
    assert second.astimezone(UTC) == datetime(2026, 3, 31, 8, 0, tzinfo=UTC)
