"""Assignments: the CoE asks a department, a role or a person to complete a module or a track by
a date; changing and cancelling them; and the reminder sweep Celery beat runs.

Who an assignment applies to, each person's due date (newcomers get ``days_for_newcomers`` from
the day they joined) and what counts as complete are read live — the rules are in
``training.selectors.assignments``. Views, the API, the admin, the demo and tasks all call these
functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format

from coe import services as coe_services
from coe.audit import audit
from coe.errors import Conflict, DomainError, NotAllowed
from coe.models import Department
from coe.roles import ROLE_GROUP_NAMES
from training import permissions
from training.models import Assignment, AssignmentReminder, CertificationTrack, Module, ModuleStatus
from training.selectors import assignments as selectors

User = get_user_model()

CHANGEABLE_FIELDS = frozenset({"due_on", "days_for_newcomers", "note"})
MAX_DAYS_FOR_NEWCOMERS = 365
# A due-soon reminder is not sent in the first day of an assignment: its people were just told.
FRESH = timedelta(days=1)


def _day(value: date) -> str:
    return date_format(value, "j M Y")


audience_label = selectors.audience_label


def _what(assignment: Assignment) -> str:
    if assignment.module_id:
        return f"the module “{assignment.module}”"
    return f"the {assignment.track} certification"


def _target_url(assignment: Assignment) -> str:
    return (assignment.module or assignment.track).get_absolute_url()


def _lock(assignment: Assignment) -> Assignment:
    try:
        return (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("module", "track", "department", "role", "user")
            .get(pk=assignment.pk)
        )
    except Assignment.DoesNotExist as exc:
        raise DomainError("This assignment no longer exists.", code="not_found") from exc


def check_due_on(due_on: date | None, *, now: datetime | None = None) -> None:
    """A due date is today or later."""
    _check_due_on(due_on, today=timezone.localdate(now or timezone.now()))


def _check_due_on(due_on: date | None, *, today: date) -> None:
    if due_on is None:
        raise DomainError("Give a due date.", code="invalid", fields={"due_on": ["Give a due date."]})
    if due_on < today:
        message = (
            f"Pick a due date from today ({_day(today)}) on; a date in the past would make everyone overdue at once."
        )
        raise DomainError(message, code="invalid", fields={"due_on": [message]})


def _check_days(days: int) -> None:
    if days is None or not 0 <= days <= MAX_DAYS_FOR_NEWCOMERS:
        message = f"Give newcomers from 0 to {MAX_DAYS_FOR_NEWCOMERS} days."
        raise DomainError(message, code="invalid", fields={"days_for_newcomers": [message]})


def _check_target(module: Module | None, track: CertificationTrack | None) -> None:
    if (module is None) == (track is None):
        message = "Assign either a module or a certification track."
        raise DomainError(message, code="invalid", fields={"module": [message], "track": [message]})
    if module is not None and module.status != ModuleStatus.PUBLISHED:
        message = f"“{module}” is not published; publish it before assigning it (people could not take it)."
        raise DomainError(message, code="invalid", fields={"module": [message]})
    if track is not None and not track.is_active:
        message = f"The {track} track is not offered; offer it again before assigning it."
        raise DomainError(message, code="invalid", fields={"track": [message]})


def _check_audience(department: Department | None, role: Group | None, user) -> None:
    given = [value for value in (department, role, user) if value is not None]
    if len(given) != 1:
        message = "Assign it to one department, one role or one person."
        raise DomainError(message, code="invalid", fields={"audience": [message]})
    if role is not None and role.name not in ROLE_GROUP_NAMES:
        message = f"“{role.name}” is not a role; pick one of: {', '.join(ROLE_GROUP_NAMES)}."
        raise DomainError(message, code="invalid", fields={"role": [message]})
    if user is not None and not user.is_active:
        message = f"{user} is inactive and cannot be assigned training."
        raise DomainError(message, code="invalid", fields={"user": [message]})


def _people_still_to_complete(assignment: Assignment, now: datetime | None = None) -> list:
    return list(selectors.audience_of(assignment, now=now).filter(is_done=False))


# --- create, change, cancel ------------------------------------------------------------------------


def assignment_check(
    *,
    module: Module | None,
    track: CertificationTrack | None,
    department: Department | None,
    role: Group | None,
    user,
    due_on: date | None,
    days_for_newcomers: int,
    now: datetime | None = None,
) -> None:
    """The rules a new assignment must meet (assignment_create's; the admin's form asks first)."""
    _check_target(module, track)
    _check_audience(department, role, user)
    _check_due_on(due_on, today=timezone.localdate(now or timezone.now()))
    _check_days(days_for_newcomers)
    duplicate = (
        Assignment.objects.filter(
            is_active=True, module=module, track=track, department=department, role=role, user=user
        )
        .select_related("department", "role", "user")
        .order_by("due_on")
        .first()
    )
    if duplicate is not None:
        raise Conflict(
            f"{(module or track)} is already assigned to {audience_label(duplicate)} (due {_day(duplicate.due_on)}); "
            "change that assignment's due date instead.",
            code="already_assigned",
        )


@transaction.atomic
def assignment_create(
    *,
    actor,
    due_on: date,
    module: Module | None = None,
    track: CertificationTrack | None = None,
    department: Department | None = None,
    role: Group | None = None,
    user=None,
    days_for_newcomers: int = 30,
    note: str = "",
    now: datetime | None = None,
) -> Assignment:
    """Ask a department, a role or one person to complete a published module or an offered track
    by ``due_on`` (today or later). CoE staff only. The same module or track cannot be assigned
    twice to the same audience while the first assignment is active — change its due date instead.
    Everyone it applies to today who has not completed it yet is told; people who join the
    audience later have it from the day they join (with ``days_for_newcomers``). Audited."""
    if not permissions.can_assign(actor):
        raise NotAllowed("Only the CoE team assigns training.")
    now = now or timezone.now()
    assignment_check(
        module=module,
        track=track,
        department=department,
        role=role,
        user=user,
        due_on=due_on,
        days_for_newcomers=days_for_newcomers,
        now=now,
    )
    assignment = Assignment(
        module=module,
        track=track,
        department=department,
        role=role,
        user=user,
        due_on=due_on,
        days_for_newcomers=days_for_newcomers,
        note=note.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=now,
    )
    try:
        assignment.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        fields = exc.message_dict
        raise DomainError(next(iter(fields.values()))[0], code="invalid", fields=fields) from exc
    assignment.save()
    people = _people_still_to_complete(assignment, now=now)
    coe_services.notify(
        recipients=people,
        kind="training_assigned",
        title=f"Training for you: {module or track}, due {_day(due_on)}",
        body=f"The CoE asks you to complete {_what(assignment)} by {_day(due_on)}."
        + (f" {assignment.note}" if assignment.note else "")
        + " You find it under Training → My learning.",
        url=_target_url(assignment),
        exclude=actor if getattr(actor, "pk", None) else None,
    )
    audit(
        actor=actor,
        action="assignment.created",
        obj=assignment,
        summary=f"{module or track} was assigned to {audience_label(assignment)}, due {_day(due_on)} "
        f"({len(people)} {'person' if len(people) == 1 else 'people'} told).",
        data={
            "module": module.pk if module else None,
            "track": track.pk if track else None,
            "department": department.pk if department else None,
            "role": role.name if role else None,
            "user": user.pk if user else None,
            "due_on": due_on.isoformat(),
            "days_for_newcomers": days_for_newcomers,
        },
    )
    return assignment


def _audit_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@transaction.atomic
def assignment_update(
    *, actor, assignment: Assignment, changes: Mapping[str, Any], now: datetime | None = None
) -> Assignment:
    """Change an active assignment's due date, newcomers' days or note (CoE staff). What is
    assigned and to whom stay: cancel it and make a new one to change those. A new due date must
    be today or later; its people who have not completed it are told, and its reminders are armed
    again for the new date. Audited."""
    if not permissions.can_change_assignment(actor):
        raise NotAllowed("Only the CoE team changes assignments.")
    refused = sorted(set(changes) - CHANGEABLE_FIELDS)
    if refused:
        message = "What is assigned and to whom cannot change; cancel this assignment and make a new one."
        raise DomainError(message, code="invalid", fields={name: [message] for name in refused})
    assignment = _lock(assignment)
    if not assignment.is_active:
        raise Conflict("This assignment was cancelled; make a new one instead.", code="cancelled")
    now = now or timezone.now()
    changed = {
        name: (getattr(assignment, name), value.strip() if isinstance(value, str) else value)
        for name, value in changes.items()
        if getattr(assignment, name) != (value.strip() if isinstance(value, str) else value)
    }
    if not changed:
        return assignment
    if "due_on" in changed:
        _check_due_on(changed["due_on"][1], today=timezone.localdate(now))
    if "days_for_newcomers" in changed:
        _check_days(changed["days_for_newcomers"][1])
    for name, (_, value) in changed.items():
        setattr(assignment, name, value)
    assignment.save(update_fields=list(changed))
    if "due_on" in changed:
        before, after = changed["due_on"]
        # The reminders were about the old date: the new one gets its own.
        AssignmentReminder.objects.filter(assignment=assignment).delete()
        coe_services.notify(
            recipients=_people_still_to_complete(assignment, now=now),
            kind="training_due_date_changed",
            title=f"New due date for {assignment.module or assignment.track}: {_day(after)}",
            body=f"The CoE moved the due date of {_what(assignment)} from {_day(before)} to {_day(after)}.",
            url=_target_url(assignment),
            exclude=actor if getattr(actor, "pk", None) else None,
        )
    audit(
        actor=actor,
        action="assignment.changed",
        obj=assignment,
        summary=f"The assignment of {assignment.module or assignment.track} to {audience_label(assignment)} changed: "
        + ", ".join(
            f"{name.replace('_', ' ')} {_audit_value(old)} → {_audit_value(new)}"
            for name, (old, new) in changed.items()
        )
        + ".",
        data={name: {"from": _audit_value(old), "to": _audit_value(new)} for name, (old, new) in changed.items()},
    )
    return assignment


@transaction.atomic
def assignment_cancel(*, actor, assignment: Assignment, reason: str = "", now: datetime | None = None) -> Assignment:
    """Cancel an assignment (CoE staff): it stays, inactive, with its reminders, and nobody is
    asked or reminded any more; its people who had not completed it are told. Progress people made
    is theirs and stays. Audited."""
    if not permissions.can_cancel_assignment(actor):
        raise NotAllowed("Only the CoE team cancels assignments.")
    assignment = _lock(assignment)
    if not assignment.is_active:
        raise Conflict("This assignment is already cancelled.", code="cancelled")
    people = _people_still_to_complete(assignment, now=now)
    assignment.is_active = False
    assignment.save(update_fields=["is_active"])
    reason = reason.strip()
    coe_services.notify(
        recipients=people,
        kind="training_assignment_cancelled",
        title=f"No longer required: {assignment.module or assignment.track}",
        body=f"The CoE no longer asks you to complete {_what(assignment)} by {_day(assignment.due_on)}."
        + (f" {reason}" if reason else "")
        + " Your progress so far is kept.",
        url=_target_url(assignment),
        exclude=actor if getattr(actor, "pk", None) else None,
    )
    audit(
        actor=actor,
        action="assignment.cancelled",
        obj=assignment,
        summary=f"The assignment of {assignment.module or assignment.track} to {audience_label(assignment)} "
        f"(due {_day(assignment.due_on)}) was cancelled{': ' + reason if reason else '.'}",
        data={"reason": reason, "open": len(people)},
    )
    return assignment


# --- reminders (Celery beat) -----------------------------------------------------------------------


@dataclass
class ReminderRun:
    due_soon: int = 0
    overdue: int = 0
    leads_told: int = 0

    def add(self, other: ReminderRun) -> None:
        self.due_soon += other.due_soon
        self.overdue += other.overdue
        self.leads_told += other.leads_told


def _leads_of(people: list) -> dict[int, list]:
    """Each person's department leads (never themselves)."""
    rows = Department.members.through.objects.filter(user_id__in=[p.pk for p in people]).values_list(
        "user_id", "department__lead_id"
    )
    lead_ids = {lead_id for _, lead_id in rows if lead_id}
    lead_by_id = {lead.pk: lead for lead in User.objects.filter(pk__in=lead_ids, is_active=True)}
    leads: dict[int, list] = defaultdict(list)
    for user_id, lead_id in rows:
        lead = lead_by_id.get(lead_id)
        if lead is not None and lead.pk != user_id and lead not in leads[user_id]:
            leads[user_id].append(lead)
    return leads


def _by_due_date(people_with_due: list[tuple[Any, date]]) -> dict[date, list]:
    grouped: dict[date, list] = defaultdict(list)
    for person, due in people_with_due:
        grouped[due].append(person)
    return grouped


def _remind_assignment(assignment: Assignment, *, now: datetime) -> ReminderRun:
    run = ReminderRun()
    today = timezone.localdate(now)
    soon_until = today + timedelta(days=selectors.due_soon_days())
    sent = AssignmentReminder.objects.filter(assignment=assignment, user=OuterRef("pk"))
    people = (
        selectors.audience_of(assignment, now=now)
        .filter(is_done=False)
        .exclude(Exists(sent.filter(kind=AssignmentReminder.Kind.OVERDUE)))
        .annotate(had_due_soon=Exists(sent.filter(kind=AssignmentReminder.Kind.DUE_SOON)))
    )
    fresh = assignment.created_at > now - FRESH
    due_soon: list[tuple[Any, date]] = []
    overdue: list[tuple[Any, date]] = []
    for person in people.iterator(chunk_size=1000):
        due = selectors.personal_due_on(assignment, person)
        if due < today:
            overdue.append((person, due))
        elif due <= soon_until and not person.had_due_soon and not fresh:
            due_soon.append((person, due))
    what = assignment.module or assignment.track
    url = _target_url(assignment)
    if due_soon:
        AssignmentReminder.objects.bulk_create(
            [
                AssignmentReminder(
                    assignment=assignment, user=person, kind=AssignmentReminder.Kind.DUE_SOON, sent_at=now
                )
                for person, _ in due_soon
            ],
            ignore_conflicts=True,
        )
        for due, group in _by_due_date(due_soon).items():
            coe_services.notify(
                recipients=group,
                kind="training_due_soon",
                title=f"Reminder: {what} is due on {_day(due)}",
                body=f"Please complete {_what(assignment)} by {_day(due)}.",
                url=url,
            )
        run.due_soon = len(due_soon)
    if overdue:
        AssignmentReminder.objects.bulk_create(
            [
                AssignmentReminder(
                    assignment=assignment, user=person, kind=AssignmentReminder.Kind.OVERDUE, sent_at=now
                )
                for person, _ in overdue
            ],
            ignore_conflicts=True,
        )
        for due, group in _by_due_date(overdue).items():
            coe_services.notify(
                recipients=group,
                kind="training_overdue",
                title=f"Overdue: {what} was due on {_day(due)}",
                body=f"Please complete {_what(assignment)} as soon as you can; your department lead is told too.",
                url=url,
            )
        by_lead: dict[int, tuple[Any, list]] = {}
        for person_id, leads in _leads_of([person for person, _ in overdue]).items():
            for lead in leads:
                by_lead.setdefault(lead.pk, (lead, []))[1].append(person_id)
        names = {person.pk: str(person) for person, _ in overdue}
        for lead, person_ids in by_lead.values():
            listed = sorted(names[pk] for pk in person_ids)
            shown = ", ".join(listed[:20]) + (f" and {len(listed) - 20} more" if len(listed) > 20 else "")
            count = len(listed)
            coe_services.notify(
                recipients=[lead],
                kind="training_overdue_lead",
                title=f"{count} {'person' if count == 1 else 'people'} in your team {'is' if count == 1 else 'are'} "
                f"overdue with {what}",
                body=f"Not completed by the due date: {shown}. Please help them find the time.",
                url=url,
            )
        run.leads_told = len(by_lead)
        run.overdue = len(overdue)
        audit(
            actor=None,
            action="assignment.overdue_reminded",
            obj=assignment,
            summary=f"{len(overdue)} {'person' if len(overdue) == 1 else 'people'} overdue with {what} "
            f"({audience_label(assignment)}) {'was' if len(overdue) == 1 else 'were'} reminded; "
            f"{len(by_lead)} department lead{'s' if len(by_lead) != 1 else ''} told.",
            data={"people": sorted(names), "leads": sorted(by_lead)},
        )
    return run


def assignments_remind(*, now: datetime | None = None) -> ReminderRun:
    """Remind each person once when an assignment is due within ``TRAINING_DUE_SOON_DAYS`` days,
    and once when it is overdue (their department lead is told then too). Only live assignments,
    only people who have not completed them. Each assignment is swept under its row lock and every
    reminder leaves an AssignmentReminder row, so a second beat or a doubled run sends nothing
    twice."""
    now = now or timezone.now()
    total = ReminderRun()
    for assignment_id in list(selectors.live_assignments().values_list("pk", flat=True)):
        with transaction.atomic():
            assignment = (
                Assignment.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("module", "track", "department", "role", "user")
                .filter(pk=assignment_id, is_active=True)
                .first()
            )
            if assignment is None:
                continue  # cancelled meanwhile, or another sweep holds it
            total.add(_remind_assignment(assignment, now=now))
    return total
