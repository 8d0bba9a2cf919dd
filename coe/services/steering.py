"""Every write of the steering committee: seats, the meeting series and its planned meetings, a
meeting's agenda, minutes, decisions and attendance, action items and their reminders, and the
series as an ICS invite."""

from __future__ import annotations

import calendar
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from coe import permissions
from coe.audit import audit
from coe.errors import Conflict, DomainError, NotAllowed
from coe.models import (
    ActionItem,
    Department,
    SteeringAttendance,
    SteeringDecision,
    SteeringMeeting,
    SteeringMember,
    SteeringSeries,
    User,
)
from coe.services import notify


def _require_editor(actor) -> None:
    if not permissions.can_edit_steering(actor):
        raise NotAllowed("Only the CoE keeps the steering committee's records.")


# --- members ------------------------------------------------------------------------------------


@transaction.atomic
def steering_member_add(
    *,
    actor,
    user: User,
    joined_on: date,
    department: Department | None = None,
    title: str = "",
    is_chair: bool = False,
) -> SteeringMember:
    """A seat on the committee. A person holds at most one open seat; naming a new chair ends the
    chair of whoever held it."""
    _require_editor(actor)
    if SteeringMember.objects.filter(user=user, left_on__isnull=True).exists():
        raise Conflict(f"{user} already has a seat on the committee.", fields={"user": ["Already a member."]})
    if is_chair:
        SteeringMember.objects.filter(is_chair=True, left_on__isnull=True).update(is_chair=False)
    try:
        with transaction.atomic():
            member = SteeringMember.objects.create(
                user=user, department=department, joined_on=joined_on, title=title, is_chair=is_chair
            )
    except IntegrityError as exc:  # a concurrent add of the same person
        raise Conflict(f"{user} already has a seat on the committee.") from exc
    audit(actor=actor, action="steering.member_added", summary=f"{user} joined the steering committee.", obj=member)
    return member


@transaction.atomic
def steering_member_leave(*, actor, member: SteeringMember, left_on: date | None = None) -> SteeringMember:
    """End a seat (the history stays). Leaving before joining is refused."""
    _require_editor(actor)
    left_on = left_on or timezone.localdate()
    if member.left_on is not None:
        raise Conflict(f"{member.user} already left the committee on {member.left_on:%d %b %Y}.")
    if left_on < member.joined_on:
        raise DomainError("A member cannot leave before they joined.", fields={"left_on": ["Before the joining date."]})
    member.left_on = left_on
    member.is_chair = False
    member.save(update_fields=["left_on", "is_chair", "updated_at"])
    audit(actor=actor, action="steering.member_left", summary=f"{member.user} left the steering committee.", obj=member)
    return member


# --- the series and its meetings -----------------------------------------------------------------

_STEP = {
    SteeringSeries.Cadence.WEEKLY: ("days", 7),
    SteeringSeries.Cadence.FORTNIGHTLY: ("days", 14),
    SteeringSeries.Cadence.MONTHLY: ("months", 1),
    SteeringSeries.Cadence.QUARTERLY: ("months", 3),
}
RRULES = {
    SteeringSeries.Cadence.WEEKLY: {"freq": "weekly"},
    SteeringSeries.Cadence.FORTNIGHTLY: {"freq": "weekly", "interval": 2},
    SteeringSeries.Cadence.MONTHLY: {"freq": "monthly"},
    SteeringSeries.Cadence.QUARTERLY: {"freq": "monthly", "interval": 3},
}


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def series_occurrence(series: SteeringSeries, index: int) -> datetime:
    """The ``index``-th meeting (0 = the first), at the same wall-clock time in the site's zone
    (a monthly meeting on the 31st falls on the month's last day)."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    first = series.first_meeting_at.astimezone(zone)
    unit, step = _STEP[series.cadence]
    day = first.date() + timedelta(days=step * index) if unit == "days" else _add_months(first.date(), step * index)
    return datetime.combine(day, first.timetz().replace(tzinfo=None), tzinfo=zone)


def series_upcoming(series: SteeringSeries, *, count: int, after: datetime | None = None) -> list[datetime]:
    """The next ``count`` meeting times of the series from ``after`` (now) on."""
    after = after or timezone.now()
    result: list[datetime] = []
    index = 0
    # Jump close to ``after`` instead of walking from the first meeting one by one.
    if after > series.first_meeting_at:
        days = (after - series.first_meeting_at).days
        unit, step = _STEP[series.cadence]
        index = max(0, days // (step if unit == "days" else 31 * step) - 1)
    while len(result) < count:
        when = series_occurrence(series, index)
        if when >= after:
            result.append(when)
        index += 1
    return result


@transaction.atomic
def steering_series_save(*, actor, series: SteeringSeries | None = None, **fields: Any) -> SteeringSeries:
    """Create or change the committee's series (only one is active: activating one retires the
    others)."""
    _require_editor(actor)
    series = series or SteeringSeries()
    for name, value in fields.items():
        setattr(series, name, value)
    if series.duration_minutes is not None and not 5 <= series.duration_minutes <= 8 * 60:
        raise DomainError("A meeting lasts between 5 minutes and 8 hours.", fields={"duration_minutes": ["5–480."]})
    series.full_clean()
    series.save()
    if series.is_active:
        SteeringSeries.objects.exclude(pk=series.pk).filter(is_active=True).update(is_active=False)
    audit(actor=actor, action="steering.series_saved", summary=f"The series “{series}” was saved.", obj=series)
    return series


@transaction.atomic
def steering_meetings_plan(*, actor, series: SteeringSeries, count: int = 3, now: datetime | None = None) -> int:
    """Create the series' next ``count`` meetings as planned, unless a meeting already exists on that
    day (running it twice changes nothing). Returns how many were created."""
    _require_editor(actor)
    if not 1 <= count <= 24:
        raise DomainError("Plan between 1 and 24 meetings at a time.")
    times = series_upcoming(series, count=count, after=now)
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    taken = {
        timezone.localtime(at, zone).date()
        for at in SteeringMeeting.objects.filter(
            scheduled_at__gte=times[0] - timedelta(days=1), scheduled_at__lte=times[-1] + timedelta(days=1)
        ).values_list("scheduled_at", flat=True)
    }
    new = [
        SteeringMeeting(series=series, scheduled_at=when)
        for when in times
        if timezone.localtime(when, zone).date() not in taken
    ]
    SteeringMeeting.objects.bulk_create(new)
    if new:
        audit(actor=actor, action="steering.meetings_planned", summary=f"{len(new)} steering meetings planned.")
    return len(new)


MEETING_FIELDS = frozenset({"scheduled_at", "status", "agenda", "minutes"})


@transaction.atomic
def steering_meeting_update(*, actor, meeting: SteeringMeeting, changes: dict[str, Any]) -> SteeringMeeting:
    """Agenda, minutes, time and status. A meeting is only marked held once its time has come."""
    _require_editor(actor)
    unknown = set(changes) - MEETING_FIELDS
    if unknown:
        raise DomainError(f"These cannot be changed: {', '.join(sorted(unknown))}.")
    for name, value in changes.items():
        setattr(meeting, name, value)
    if meeting.status == SteeringMeeting.Status.HELD and meeting.scheduled_at > timezone.now():
        raise DomainError("A meeting in the future cannot have been held.", fields={"status": ["Not yet held."]})
    meeting.save()
    audit(actor=actor, action="steering.meeting_updated", summary=f"{meeting} was updated.", obj=meeting)
    return meeting


@transaction.atomic
def steering_meeting_create(*, actor, scheduled_at: datetime, agenda: str = "", series=None) -> SteeringMeeting:
    """An extra meeting outside the series."""
    _require_editor(actor)
    meeting = SteeringMeeting.objects.create(scheduled_at=scheduled_at, agenda=agenda, series=series)
    audit(actor=actor, action="steering.meeting_created", summary=f"{meeting} was added.", obj=meeting)
    return meeting


@transaction.atomic
def steering_decision_add(*, actor, meeting: SteeringMeeting, text: str) -> SteeringDecision:
    _require_editor(actor)
    text = text.strip()
    if not text:
        raise DomainError("Write the decision.", fields={"text": ["Required."]})
    decision = SteeringDecision.objects.create(meeting=meeting, text=text)
    audit(actor=actor, action="steering.decision_recorded", summary=f"Decision at {meeting}: {text[:80]}", obj=meeting)
    return decision


@transaction.atomic
def steering_attendance_set(*, actor, meeting: SteeringMeeting, statuses: dict[int, str]) -> int:
    """Record who was present, sent apologies or was absent (one row per person; setting it again
    replaces it; an empty status removes it). Returns how many rows were written."""
    _require_editor(actor)
    valid = set(SteeringAttendance.Status.values)
    bad = {status for status in statuses.values() if status and status not in valid}
    if bad:
        raise DomainError(f"Unknown attendance: {', '.join(sorted(bad))}.")
    SteeringAttendance.objects.filter(meeting=meeting, user_id__in=[pk for pk, s in statuses.items() if not s]).delete()
    rows = [SteeringAttendance(meeting=meeting, user_id=pk, status=s) for pk, s in statuses.items() if s]
    SteeringAttendance.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["meeting", "user"], update_fields=["status"]
    )
    audit(actor=actor, action="steering.attendance_recorded", summary=f"Attendance of {meeting} recorded.", obj=meeting)
    return len(rows)


# --- action items -------------------------------------------------------------------------------


def _item_url(item: ActionItem) -> str:
    return reverse("coe:steering_action_item_edit", kwargs={"pk": item.pk})


@transaction.atomic
def action_item_create(
    *,
    actor,
    title: str,
    owner: User,
    due_on: date,
    meeting: SteeringMeeting | None = None,
    department: Department | None = None,
    detail: str = "",
) -> ActionItem:
    """A task the committee gives someone; the owner is told."""
    if not permissions.action_item_fields_writable_by(actor, None) >= {"title"}:
        raise NotAllowed("Only the CoE gives out action items.")
    if not owner.is_active:
        raise DomainError(f"{owner} no longer works here.", fields={"owner": ["Inactive person."]})
    item = ActionItem.objects.create(
        title=title.strip(), detail=detail, owner=owner, due_on=due_on, meeting=meeting, department=department
    )
    audit(actor=actor, action="steering.action_item_created", summary=f"Action item “{item}” for {owner}.", obj=item)
    notify(
        recipients=[owner],
        kind="action_item_assigned",
        title=f"Action item for you: {item.title}",
        body=f"Due {due_on:%d %b %Y}.",
        url=_item_url(item),
        exclude=actor if isinstance(actor, User) else None,
    )
    return item


@transaction.atomic
def action_item_update(*, actor, item: ActionItem, changes: dict[str, Any]) -> ActionItem:
    """CoE staff change anything; the owner may only move the status. Done or cancelled stamps the
    completion time; reopening clears it; a new due date allows the reminders again."""
    writable = permissions.action_item_fields_writable_by(actor, item)
    refused = set(changes) - writable
    if not writable or refused:
        raise NotAllowed(
            "You may only change the status of your own action items."
            if writable
            else "You may not change this action item.",
            fields={name: ["You may not change this."] for name in refused},
        )
    if "status" in changes and changes["status"] not in ActionItem.Status.values:
        raise DomainError("Unknown status.", fields={"status": ["Unknown status."]})
    if "owner" in changes and not changes["owner"].is_active:
        raise DomainError("That person no longer works here.", fields={"owner": ["Inactive person."]})
    # The stored values (a bound ModelForm may already have copied the input onto ``item``).
    before, old_due = ActionItem.objects.filter(pk=item.pk).values_list("status", "due_on").get()
    for name, value in changes.items():
        setattr(item, name, value)
    if item.status in {ActionItem.Status.DONE, ActionItem.Status.CANCELLED}:
        item.completed_at = item.completed_at or timezone.now()
    else:
        item.completed_at = None
    if item.due_on != old_due:
        item.reminded_at = item.overdue_reminded_at = None
    item.save()
    audit(
        actor=actor,
        action="steering.action_item_updated",
        summary=f"Action item “{item}” updated ({before} → {item.status}).",
        obj=item,
        data={"fields": sorted(changes)},
    )
    return item


@dataclass
class ReminderRun:
    reminded: int = 0
    overdue: int = 0


def action_items_remind(*, now: datetime | None = None, days_before: int | None = None) -> ReminderRun:
    """Tell owners of open items once ``ACTION_ITEM_REMIND_DAYS`` days before the due date, and once
    when it has passed. Each reminder is claimed by an UPDATE … WHERE reminded_at IS NULL, so two
    runs (or two workers) never send it twice."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days_before = settings.ACTION_ITEM_REMIND_DAYS if days_before is None else days_before
    run = ReminderRun()
    open_items = ActionItem.objects.filter(status__in=ActionItem.OPEN_STATUSES)
    soon = open_items.filter(
        reminded_at__isnull=True, due_on__gte=today, due_on__lte=today + timedelta(days=days_before)
    )
    overdue = open_items.filter(overdue_reminded_at__isnull=True, due_on__lt=today)
    for item in soon.select_related("owner")[:500]:
        with transaction.atomic():
            if not ActionItem.objects.filter(pk=item.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            notify(
                recipients=[item.owner],
                kind="action_item_due",
                title=f"Action item due {item.due_on:%d %b}: {item.title}",
                body="The steering committee expects it by then. Update its status when it is done.",
                url=_item_url(item),
            )
            run.reminded += 1
    for item in overdue.select_related("owner")[:500]:
        with transaction.atomic():
            updated = ActionItem.objects.filter(pk=item.pk, overdue_reminded_at__isnull=True).update(
                overdue_reminded_at=now, reminded_at=item.reminded_at or now
            )
            if not updated:
                continue
            notify(
                recipients=[item.owner],
                kind="action_item_overdue",
                title=f"Action item overdue: {item.title}",
                body=f"It was due on {item.due_on:%d %b %Y}.",
                url=_item_url(item),
            )
            run.overdue += 1
    return run


# --- the ICS invite -----------------------------------------------------------------------------


def steering_invite_ics(*, series: SteeringSeries, members: list[SteeringMember]) -> bytes:
    """The series as one recurring event (RRULE from its cadence) with the current members as
    attendees; the UID is the series' own, so calendars update the invite instead of doubling it."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = series.first_meeting_at.astimezone(zone)
    cal = Calendar()
    cal.add("prodid", "-//CoE Hub//Steering committee//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{series.uid}@coe-hub")
    event.add("dtstamp", series.updated_at or timezone.now())
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=series.duration_minutes))
    event.add("summary", series.name)
    event.add("rrule", RRULES[series.cadence])
    if series.location:
        event.add("location", series.location)
    event.add("url", settings.SITE_URL.rstrip("/") + reverse("coe:steering"))
    for member in members:
        if not member.user.email:
            continue
        attendee = vCalAddress(f"mailto:{member.user.email}")
        attendee.params["cn"] = vText(str(member.user))
        attendee.params["role"] = vText("CHAIR" if member.is_chair else "REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    cal.add_missing_timezones()  # a VTIMEZONE for the TZID, so the wall-clock time survives DST
    return cal.to_ical()
