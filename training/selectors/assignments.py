"""Reading assignments: who an assignment applies to (evaluated live, never copied), each person's
own due date and standing, and completion per assignment for the CoE.

The rules, in one place:

- **Audience.** An assignment applies to the active members of its department, the active holders
  of its role, or its one person — as they are *today*. Someone who joins the department or gets
  the role later has it from then on; someone who leaves no longer has it.
- **Due date.** Everyone who was with the company when the assignment was made is due on its
  ``due_on``. Someone who joined the company later (``User.date_joined`` after the assignment's
  ``created_at``) gets ``days_for_newcomers`` days from the day they joined, and never less time
  than the others: their due date is the later of the two. (People moved between departments keep
  the assignment's own date; the CoE gives them a personal assignment when they need more time.)
- **Complete.** A module assignment is complete once the person has passed the module's quiz
  (any attempt); a track assignment while the person holds a valid certificate of the track (the
  rule of ``training.selectors.certification.valid_certificate``) — so an expired or revoked
  certificate makes it open again.
- **Live.** Only active assignments of a published module or an active track count: a module taken
  out of the catalogue stops its assignments (nobody is reminded of what they cannot take).

Counts are aggregate queries: a page's query count does not grow with people, modules, attempts
or assignments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from coe.models import Department
from coe.roles import Role
from training import permissions
from training.models import (
    Assignment,
    AssignmentReminder,
    Attempt,
    Certificate,
    CertificationTrack,
    Module,
    ModuleStatus,
    TrackModule,
)

User = get_user_model()
Membership = Department.members.through
RoleHolding = User.groups.through


def due_soon_days() -> int:
    return settings.TRAINING_DUE_SOON_DAYS


class Standing:
    DONE = "done"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    TO_DO = "to_do"

    LABELS = {DONE: "Done", OVERDUE: "Overdue", DUE_SOON: "Due soon", TO_DO: "To do"}
    BADGES = {
        DONE: "text-bg-success",
        OVERDUE: "text-bg-danger",
        DUE_SOON: "text-bg-warning",
        TO_DO: "text-bg-light border",
    }
    ORDER = {OVERDUE: 0, DUE_SOON: 1, TO_DO: 2, DONE: 3}


# --- the clock ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """``now`` and the day it falls on in the company's time zone (due dates are days)."""

    now: datetime

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    def start_of(self, day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time.min))

    def newcomer_cutoffs(self, days_values) -> Case:
        """For each assignment's ``days_for_newcomers``: someone who joined before this moment has
        had their days by today (one When per distinct value; portable, no date arithmetic in SQL)."""
        whens = [
            When(days_for_newcomers=days, then=Value(self.start_of(self.today - timedelta(days=days))))
            for days in sorted(set(days_values))
        ]
        return Case(*whens, default=Value(self.start_of(self.today)), output_field=DateTimeField())


def clock(now: datetime | None = None) -> Clock:
    return Clock(now or timezone.now())


def audience_label(assignment: Assignment) -> str:
    """Who an assignment is for, in words: "everyone in Marketing", "everyone with the Liaison role", a name."""
    if assignment.department_id:
        return f"everyone in {assignment.department}"
    if assignment.role_id:
        role = Role.from_group_name(assignment.role.name)
        return f"everyone with the {role.label if role else assignment.role.name} role"
    return str(assignment.user)


def personal_due_on(assignment: Assignment, person) -> date:
    """The rule of the module docstring, for one person."""
    joined = getattr(person, "date_joined", None)
    if joined is not None and joined > assignment.created_at:
        return max(assignment.due_on, timezone.localdate(joined) + timedelta(days=assignment.days_for_newcomers))
    return assignment.due_on


def standing_of(*, done: bool, due_on: date, today: date) -> str:
    if done:
        return Standing.DONE
    if due_on < today:
        return Standing.OVERDUE
    if due_on <= today + timedelta(days=due_soon_days()):
        return Standing.DUE_SOON
    return Standing.TO_DO


# --- query building blocks ------------------------------------------------------------------------


def _deeper(ref):
    """The same person (or value) seen from one subquery further in."""
    return OuterRef(ref) if isinstance(ref, F) else ref


def count_of(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of ``queryset`` as an integer expression (0 when empty)."""
    counted = queryset.order_by().annotate(counted=Func(F("pk"), function="COUNT")).values("counted")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def live_assignments() -> QuerySet[Assignment]:
    """Active assignments whose module is published or whose track is offered."""
    return Assignment.objects.filter(is_active=True).filter(
        Q(module__status=ModuleStatus.PUBLISHED) | Q(track__is_active=True)
    )


def applies_to_q(person) -> Q:
    """For an Assignment queryset: the assignments that apply to ``person`` (an id, or an OuterRef
    to a person's id)."""
    inner = _deeper(person)
    return (
        Q(user_id=person)
        | Q(department_id__in=Membership.objects.filter(user_id=inner).values("department_id"))
        | Q(role_id__in=RoleHolding.objects.filter(user_id=inner).values("group_id"))
    )


def audience_q(assignment: Assignment | None = None) -> Q:
    """For a User queryset: the people ``assignment`` applies to; without one, the people the
    assignment of the outer query applies to (a correlated subquery)."""
    if assignment is None:
        return (
            Q(pk=OuterRef("user_id"))
            | Q(pk__in=Membership.objects.filter(department_id=OuterRef(OuterRef("department_id"))).values("user_id"))
            | Q(pk__in=RoleHolding.objects.filter(group_id=OuterRef(OuterRef("role_id"))).values("user_id"))
        )
    if assignment.user_id:
        return Q(pk=assignment.user_id)
    if assignment.department_id:
        return Q(pk__in=Membership.objects.filter(department_id=assignment.department_id).values("user_id"))
    return Q(pk__in=RoleHolding.objects.filter(group_id=assignment.role_id).values("user_id"))


def done_q(*, person, module, track, now: datetime) -> Q:
    """Complete: the module passed, or a valid certificate of the track. Each argument is a value
    or a reference as seen from inside the Attempt and Certificate subqueries; ``None`` leaves
    that half out."""
    parts = []
    if module is not None:
        parts.append(Q(Exists(Attempt.objects.filter(user_id=person, module_id=module, passed=True))))
    if track is not None:
        parts.append(
            Q(
                Exists(
                    Certificate.objects.filter(
                        user_id=person, track_id=track, status=Certificate.Status.VALID, expires_at__gt=now
                    )
                )
            )
        )
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


def overdue_q(*, date_joined, today: date) -> Q:
    """For an Assignment queryset aliased with ``newcomer_cutoff``: its due date has passed for a
    person who joined at ``date_joined`` (a reference)."""
    return Q(due_on__lt=today) & (Q(created_at__gte=date_joined) | Q(newcomer_cutoff__gt=date_joined))


def with_cutoffs(assignments: QuerySet[Assignment], when: Clock) -> QuerySet[Assignment]:
    days = Assignment.objects.values_list("days_for_newcomers", flat=True).distinct()
    return assignments.alias(newcomer_cutoff=when.newcomer_cutoffs(days))


def open_for_q(person, when: Clock) -> Q:
    """For an Assignment queryset: not complete for ``person`` (a reference from this level)."""
    return ~done_q(person=_deeper(person), module=OuterRef("module_id"), track=OuterRef("track_id"), now=when.now)


def target_filter_q(*, module: Module | None = None, track: CertificationTrack | None = None) -> Q:
    """Assignments about a module (directly or through a track that contains it), or about a
    track (or one of its modules)."""
    q = Q()
    if module is not None:
        tracks_with_it = TrackModule.objects.filter(module=module).values("track_id")
        q &= Q(module=module) | Q(track_id__in=tracks_with_it) | Q(track__final_exam=module)
    if track is not None:
        module_ids = list(track.track_modules.values_list("module_id", flat=True))
        if track.final_exam_id:
            module_ids.append(track.final_exam_id)
        q &= Q(track=track) | Q(module_id__in=module_ids)
    return q


# --- one person -----------------------------------------------------------------------------------


@dataclass
class AssignedItem:
    """A module or track assigned to one person; when several assignments ask for the same thing
    (their department's and their role's), the earliest due date counts."""

    module: Module | None
    track: CertificationTrack | None
    due_on: date
    status: str
    assignments: list[Assignment] = field(default_factory=list)

    @property
    def target(self):
        return self.module or self.track

    @property
    def kind(self) -> str:
        return "module" if self.module is not None else "track"

    @property
    def label(self) -> str:
        return Standing.LABELS[self.status]

    @property
    def badge(self) -> str:
        return Standing.BADGES[self.status]

    @property
    def is_open(self) -> bool:
        return self.status != Standing.DONE

    @property
    def is_overdue(self) -> bool:
        return self.status == Standing.OVERDUE

    @property
    def notes(self) -> list[str]:
        return [a.note for a in self.assignments if a.note]


def assignments_applying_to(*, user) -> QuerySet[Assignment]:
    """The live assignments that apply to this person today."""
    if not permissions.can_learn(user):
        return Assignment.objects.none()
    return (
        live_assignments()
        .filter(applies_to_q(user.pk))
        .select_related("module", "track", "department", "role")
        .order_by("due_on", "pk")
    )


def assigned_to(*, user, now: datetime | None = None) -> list[AssignedItem]:
    """What this person has been asked to complete, what to do first first (overdue, due soon,
    to do, done). One query: completion is read with the assignments (``done_q``, the rule of
    ``modules_passed`` and ``valid_certificate``)."""
    when = clock(now)
    items: dict[tuple[str, int], AssignedItem] = {}
    done_here = done_q(person=user.pk, module=OuterRef("module_id"), track=OuterRef("track_id"), now=when.now)
    for assignment in assignments_applying_to(user=user).annotate(is_done=done_here):
        key = ("module", assignment.module_id) if assignment.module_id else ("track", assignment.track_id)
        due = personal_due_on(assignment, user)
        done = assignment.is_done
        item = items.get(key)
        if item is None:
            items[key] = AssignedItem(
                module=assignment.module,
                track=assignment.track,
                due_on=due,
                status=standing_of(done=done, due_on=due, today=when.today),
                assignments=[assignment],
            )
            continue
        item.assignments.append(assignment)
        if due < item.due_on:
            item.due_on = due
            item.status = standing_of(done=done, due_on=due, today=when.today)
    return sorted(items.values(), key=lambda item: (Standing.ORDER[item.status], item.due_on, str(item.target).lower()))


# --- the CoE's view -------------------------------------------------------------------------------


def assignments_visible_to(user) -> QuerySet[Assignment]:
    """Every assignment for CoE staff; for everyone else the live ones that apply to them."""
    if permissions.can_view_all_assignments(user):
        return Assignment.objects.all()
    if not permissions.can_learn(user):
        return Assignment.objects.none()
    return live_assignments().filter(applies_to_q(user.pk))


def with_completion(
    assignments: QuerySet[Assignment], *, now: datetime | None = None, department: Department | None = None
) -> QuerySet[Assignment]:
    """Each assignment with ``audience_count``, ``completed_count`` and ``overdue_count`` (active
    people it applies to today; ``department`` narrows them to its members). One query in all."""
    when = clock(now)
    people = User.objects.filter(audience_q(), is_active=True)
    if department is not None:
        people = people.filter(pk__in=Membership.objects.filter(department=department).values("user_id"))
    done = done_q(
        person=OuterRef("pk"),
        module=OuterRef(OuterRef("module_id")),
        track=OuterRef(OuterRef("track_id")),
        now=when.now,
    )
    newcomers_late = Q(date_joined__lt=OuterRef("newcomer_cutoff")) | Q(date_joined__lte=OuterRef("created_at"))
    overdue_people = people.exclude(done).filter(newcomers_late)
    return with_cutoffs(assignments, when).annotate(
        audience_count=count_of(people),
        completed_count=count_of(people.filter(done)),
        overdue_count=Case(
            When(due_on__lt=when.today, then=count_of(overdue_people)), default=Value(0), output_field=IntegerField()
        ),
    )


def assignments_list(
    *,
    user,
    status: str = "active",
    kind: str = "",
    department: Department | None = None,
    module: Module | None = None,
    track: CertificationTrack | None = None,
    search: str = "",
    now: datetime | None = None,
) -> QuerySet[Assignment]:
    """Assignments for the CoE's page and API, with completion; ``status`` is active, cancelled or
    "" (all)."""
    assignments = assignments_visible_to(user).select_related(
        "module", "track", "department", "role", "user", "created_by"
    )
    if status == "active":
        assignments = assignments.filter(is_active=True)
    elif status == "cancelled":
        assignments = assignments.filter(is_active=False)
    if kind == "module":
        assignments = assignments.filter(module__isnull=False)
    elif kind == "track":
        assignments = assignments.filter(track__isnull=False)
    if module is not None or track is not None:
        assignments = assignments.filter(target_filter_q(module=module, track=track))
    if department is not None:
        assignments = assignments.filter(department=department)
    if search:
        assignments = assignments.filter(
            Q(module__title__icontains=search) | Q(track__name__icontains=search) | Q(note__icontains=search)
        )
    return with_completion(assignments, now=now).order_by("-is_active", "due_on", "pk")


def assignment_get(*, user, pk: int, now: datetime | None = None) -> Assignment:
    return get_object_or_404(
        with_completion(
            assignments_visible_to(user).select_related("module", "track", "department", "role", "user", "created_by"),
            now=now,
        ),
        pk=pk,
    )


def is_live(assignment: Assignment) -> bool:
    if not assignment.is_active:
        return False
    if assignment.module_id:
        return assignment.module.status == ModuleStatus.PUBLISHED
    return assignment.track.is_active


@dataclass
class PersonStanding:
    person: object
    due_on: date
    status: str
    reminded_due_soon: datetime | None = None
    reminded_overdue: datetime | None = None

    @property
    def label(self) -> str:
        return Standing.LABELS[self.status]

    @property
    def badge(self) -> str:
        return Standing.BADGES[self.status]

    @property
    def departments(self) -> str:
        return ", ".join(d.name for d in self.person.departments.all())


def audience_of(assignment: Assignment, *, now: datetime | None = None) -> QuerySet:
    """The active people ``assignment`` applies to today, each with ``is_done``."""
    when = clock(now)
    done = done_q(person=OuterRef("pk"), module=assignment.module_id, track=assignment.track_id, now=when.now)
    return User.objects.filter(audience_q(assignment), is_active=True).annotate(is_done=done)


def people_standing(*, user, assignment: Assignment, status: str = "", now: datetime | None = None) -> QuerySet:
    """The people of an assignment (CoE staff only) with what the standing needs, ordered by name;
    turn rows into PersonStanding with ``standing_rows``. ``status`` narrows to done, open or
    overdue."""
    if not permissions.can_view_all_assignments(user):
        return User.objects.none()
    when = clock(now)
    people = audience_of(assignment, now=when.now)
    reminders = AssignmentReminder.objects.filter(assignment=assignment, user=OuterRef("pk"))
    people = people.annotate(
        reminded_due_soon=Subquery(reminders.filter(kind="due_soon").values("sent_at")[:1]),
        reminded_overdue=Subquery(reminders.filter(kind="overdue").values("sent_at")[:1]),
    ).prefetch_related(Prefetch("departments", queryset=Department.objects.only("pk", "name", "slug")))
    if status == Standing.DONE:
        people = people.filter(is_done=True)
    elif status in {"open", Standing.OVERDUE}:
        people = people.filter(is_done=False)
    if status == Standing.OVERDUE:
        if assignment.due_on >= when.today:
            return people.none()
        cutoff = when.start_of(when.today - timedelta(days=assignment.days_for_newcomers))
        people = people.filter(Q(date_joined__lte=assignment.created_at) | Q(date_joined__lt=cutoff))
    return people.order_by("last_name", "first_name", "username")


def standing_rows(assignment: Assignment, people, *, now: datetime | None = None) -> list[PersonStanding]:
    today = clock(now).today
    rows = []
    for person in people:
        due = personal_due_on(assignment, person)
        rows.append(
            PersonStanding(
                person=person,
                due_on=due,
                status=standing_of(done=person.is_done, due_on=due, today=today),
                reminded_due_soon=person.reminded_due_soon,
                reminded_overdue=person.reminded_overdue,
            )
        )
    return rows


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None
