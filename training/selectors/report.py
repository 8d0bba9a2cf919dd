"""The CoE's training report: completion and overdue people per assignment, per module and per
department; average score and pass rate (overall and at the first attempt) per module and per
department; the hardest questions; the overdue people.

Every section is one aggregate query (filters narrow it, never multiply it): the report's query
count does not grow with people, modules, attempts or assignments. Who an assignment applies to,
due dates and completion follow training.selectors.assignments.

Scores and pass rates count closed attempts (submitted, or closed when time ran out) in the
period; completion and overdue are as of now. People in two departments count in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from coe.errors import NotAllowed
from coe.models import Department
from training import permissions
from training.models import (
    Assignment,
    Attempt,
    AttemptQuestion,
    CertificationTrack,
    Module,
    ModuleStatus,
    TrackModule,
)
from training.selectors.assignments import (
    Clock,
    Membership,
    applies_to_q,
    audience_label,
    clock,
    count_of,
    live_assignments,
    open_for_q,
    overdue_q,
    percent,
    personal_due_on,
    target_filter_q,
    with_completion,
    with_cutoffs,
)

User = get_user_model()

PERIODS = [("", "All time"), ("30", "Last 30 days"), ("90", "Last 90 days"), ("365", "Last 12 months")]
# A question's correct rate means little on a handful of answers.
MIN_ANSWERS = 5
HARDEST_SHOWN = 10
OVERDUE_SHOWN = 100
REPORT_AUDIENCE = "The training report is for the CoE team and leadership."


@dataclass(frozen=True)
class ReportFilters:
    department: Department | None = None
    module: Module | None = None
    track: CertificationTrack | None = None
    period: str = ""

    def since(self, now: datetime) -> datetime | None:
        return now - timedelta(days=int(self.period)) if self.period else None

    @property
    def period_label(self) -> str:
        return dict(PERIODS).get(self.period, "All time")

    def as_query(self) -> dict[str, str]:
        return {
            "department": self.department.slug if self.department else "",
            "module": self.module.slug if self.module else "",
            "track": self.track.slug if self.track else "",
            "period": self.period,
        }


def filters_from(params, *, user) -> ReportFilters:
    """Filters from query parameters (slugs); an unknown value is ignored rather than failing the
    report."""
    department = Department.objects.filter(slug=params.get("department") or "").first()
    module = permissions.modules_visible_to(user).filter(slug=params.get("module") or "").first()
    track = permissions.tracks_visible_to(user).filter(slug=params.get("track") or "").first()
    period = params.get("period") or ""
    return ReportFilters(
        department=department, module=module, track=track, period=period if period in dict(PERIODS) else ""
    )


# --- scope ----------------------------------------------------------------------------------------


def _members(department: Department | None) -> QuerySet | None:
    return Membership.objects.filter(department=department).values("user_id") if department else None


def _module_ids(filters: ReportFilters) -> list[int] | None:
    """The modules the filters are about (None: every module)."""
    ids: set[int] | None = None
    if filters.track is not None:
        ids = set(TrackModule.objects.filter(track=filters.track).values_list("module_id", flat=True))
        if filters.track.final_exam_id:
            ids.add(filters.track.final_exam_id)
    if filters.module is not None:
        ids = {filters.module.pk} if ids is None else ids & {filters.module.pk}
    return None if ids is None else sorted(ids)


def closed_attempts(filters: ReportFilters, now: datetime, module_ids: list[int] | None) -> QuerySet[Attempt]:
    """The scored attempts the report counts."""
    attempts = Attempt.objects.filter(passed__isnull=False)
    since = filters.since(now)
    if since is not None:
        attempts = attempts.filter(submitted_at__gte=since)
    members = _members(filters.department)
    if members is not None:
        attempts = attempts.filter(user_id__in=members)
    if module_ids is not None:
        attempts = attempts.filter(module_id__in=module_ids)
    return attempts


def _relevant_assignments(filters: ReportFilters, when: Clock) -> QuerySet[Assignment]:
    assignments = live_assignments()
    if filters.module is not None or filters.track is not None:
        assignments = assignments.filter(target_filter_q(module=filters.module, track=filters.track))
    return with_cutoffs(assignments, when)


def _avg(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(
        queryset.order_by().annotate(average=Func(F(field), function="AVG")).values("average"),
        output_field=FloatField(),
    )


def _distinct_people(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(DISTINCT user_id) of ``queryset`` (0 when empty)."""
    counted = queryset.order_by().annotate(
        people=Func(F("user_id"), function="COUNT", template="COUNT(DISTINCT %(expressions)s)")
    )
    return Coalesce(Subquery(counted.values("people"), output_field=IntegerField()), 0)


def _rate(part: int, whole: int) -> int | None:
    return percent(part, whole)


def _score(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


# --- the sections ---------------------------------------------------------------------------------


@dataclass
class Summary:
    people: int
    assigned: int
    up_to_date: int
    overdue: int
    attempts: int
    passed_attempts: int
    average_score: Decimal | None

    @property
    def completion(self) -> int | None:
        return _rate(self.up_to_date, self.assigned)

    @property
    def pass_rate(self) -> int | None:
        return _rate(self.passed_attempts, self.attempts)


@dataclass
class AssignmentRow:
    assignment: Assignment
    audience: int
    completed: int
    overdue: int

    @property
    def completion(self) -> int | None:
        return _rate(self.completed, self.audience)

    @property
    def audience_label(self) -> str:
        return audience_label(self.assignment)


@dataclass
class ModuleRow:
    module: Module
    learners: int
    passed_people: int
    assigned: int
    assigned_done: int
    attempts: int
    passed_attempts: int
    first_attempts: int
    first_passed: int
    average_score: Decimal | None

    @property
    def completion(self) -> int | None:
        return _rate(self.assigned_done, self.assigned)

    @property
    def pass_rate(self) -> int | None:
        return _rate(self.passed_attempts, self.attempts)

    @property
    def first_pass_rate(self) -> int | None:
        return _rate(self.first_passed, self.first_attempts)


@dataclass
class DepartmentRow:
    department: Department
    members: int
    assigned: int
    open: int
    overdue: int
    attempts: int
    passed_attempts: int
    average_score: Decimal | None

    @property
    def up_to_date(self) -> int:
        return self.assigned - self.open

    @property
    def completion(self) -> int | None:
        return _rate(self.up_to_date, self.assigned)

    @property
    def pass_rate(self) -> int | None:
        return _rate(self.passed_attempts, self.attempts)


@dataclass
class QuestionRow:
    question_id: int
    text: str
    module_title: str
    module_slug: str
    answered: int
    correct: int

    @property
    def correct_rate(self) -> int | None:
        return _rate(self.correct, self.answered)


@dataclass
class OverduePerson:
    person: object
    overdue_count: int
    first: Assignment | None

    @property
    def departments(self) -> str:
        return ", ".join(d.name for d in self.person.departments.all())

    @property
    def due_on(self):
        return personal_due_on(self.first, self.person) if self.first is not None else None

    @property
    def what(self) -> str:
        return str(self.first.module or self.first.track) if self.first is not None else ""


def _people(filters: ReportFilters) -> QuerySet:
    people = User.objects.filter(is_active=True)
    members = _members(filters.department)
    return people.filter(pk__in=members) if members is not None else people


def summary(filters: ReportFilters, *, now: datetime | None = None) -> Summary:
    """Two queries: the people, and the attempts."""
    when = clock(now)
    assignments = _relevant_assignments(filters, when)
    person = OuterRef("pk")
    applying = assignments.filter(applies_to_q(person))
    open_ones = applying.filter(open_for_q(person, when))
    totals = _people(filters).aggregate(
        people=Count("pk"),
        assigned=Count("pk", filter=Q(Exists(applying))),
        open=Count("pk", filter=Q(Exists(open_ones))),
        overdue=Count(
            "pk", filter=Q(Exists(open_ones.filter(overdue_q(date_joined=OuterRef("date_joined"), today=when.today))))
        ),
    )
    attempts = closed_attempts(filters, when.now, _module_ids(filters)).aggregate(
        n=Count("pk"), passed=Count("pk", filter=Q(passed=True)), average=Avg("score_percent")
    )
    return Summary(
        people=totals["people"],
        assigned=totals["assigned"],
        up_to_date=totals["assigned"] - totals["open"],
        overdue=totals["overdue"],
        attempts=attempts["n"],
        passed_attempts=attempts["passed"],
        average_score=_score(attempts["average"]),
    )


def assignment_rows(filters: ReportFilters, *, now: datetime | None = None) -> list[AssignmentRow]:
    """The active assignments (of the module or track chosen) with completion and overdue people
    among the department chosen. One query."""
    when = clock(now)
    assignments = live_assignments().select_related("module", "track", "department", "role", "user")
    if filters.module is not None or filters.track is not None:
        assignments = assignments.filter(target_filter_q(module=filters.module, track=filters.track))
    rows = with_completion(assignments, now=when.now, department=filters.department).order_by("due_on", "pk")
    return [AssignmentRow(a, a.audience_count, a.completed_count, a.overdue_count) for a in rows]


def module_rows(filters: ReportFilters, *, now: datetime | None = None) -> list[ModuleRow]:
    """Published modules (and others with attempts in the period): learners, passes, completion
    among the people they are assigned to (directly or through a track), attempts, average score,
    pass rate overall and at the first attempt. One query."""
    when = clock(now)
    module_ids = _module_ids(filters)
    attempts = closed_attempts(filters, when.now, None).filter(module_id=OuterRef("pk"))
    modules = Module.objects.filter(Q(status=ModuleStatus.PUBLISHED) | Q(Exists(attempts)))
    if module_ids is not None:
        modules = modules.filter(pk__in=module_ids)
    module_here = OuterRef(OuterRef("pk"))
    about_module = (
        Q(module_id=module_here)
        | Q(track_id__in=TrackModule.objects.filter(module_id=OuterRef(module_here)).values("track_id"))
        | Q(track__final_exam_id=module_here)
    )
    assigned_people = _people(filters).filter(
        Exists(live_assignments().filter(about_module).filter(applies_to_q(OuterRef("pk"))))
    )
    passed_it = Exists(Attempt.objects.filter(user_id=OuterRef("pk"), module_id=OuterRef(OuterRef("pk")), passed=True))
    modules = modules.annotate(
        learners_n=_distinct_people(attempts),
        passed_people_n=_distinct_people(attempts.filter(passed=True)),
        assigned_n=count_of(assigned_people),
        assigned_done_n=count_of(assigned_people.filter(passed_it)),
        attempts_n=count_of(attempts),
        passed_attempts_n=count_of(attempts.filter(passed=True)),
        first_n=count_of(attempts.filter(number=1)),
        first_passed_n=count_of(attempts.filter(number=1, passed=True)),
        average=_avg(attempts, "score_percent"),
    ).order_by("position", "title")
    return [
        ModuleRow(
            module=m,
            learners=m.learners_n,
            passed_people=m.passed_people_n,
            assigned=m.assigned_n,
            assigned_done=m.assigned_done_n,
            attempts=m.attempts_n,
            passed_attempts=m.passed_attempts_n,
            first_attempts=m.first_n,
            first_passed=m.first_passed_n,
            average_score=_score(m.average),
        )
        for m in modules
    ]


def department_rows(filters: ReportFilters, *, now: datetime | None = None) -> list[DepartmentRow]:
    """Each department (or the one chosen): members, people with assigned training, how many are
    up to date and how many overdue, and their attempts' average score and pass rate. One query;
    lowest completion first."""
    when = clock(now)
    assignments = _relevant_assignments(filters, when)
    members = Membership.objects.filter(department_id=OuterRef("pk"), user__is_active=True)
    person = OuterRef("user_id")
    applying = assignments.filter(applies_to_q(person))
    open_ones = applying.filter(open_for_q(person, when))
    overdue_ones = open_ones.filter(overdue_q(date_joined=OuterRef("user__date_joined"), today=when.today))
    attempts = closed_attempts(ReportFilters(period=filters.period), when.now, _module_ids(filters)).filter(
        user_id__in=Membership.objects.filter(department_id=OuterRef(OuterRef("pk"))).values("user_id")
    )
    departments = Department.objects.all()
    if filters.department is not None:
        departments = departments.filter(pk=filters.department.pk)
    departments = departments.annotate(
        members_n=count_of(members),
        assigned_n=count_of(members.filter(Exists(applying))),
        open_n=count_of(members.filter(Exists(open_ones))),
        overdue_n=count_of(members.filter(Exists(overdue_ones))),
        attempts_n=count_of(attempts),
        passed_attempts_n=count_of(attempts.filter(passed=True)),
        average=_avg(attempts, "score_percent"),
    )
    rows = [
        DepartmentRow(
            department=d,
            members=d.members_n,
            assigned=d.assigned_n,
            open=d.open_n,
            overdue=d.overdue_n,
            attempts=d.attempts_n,
            passed_attempts=d.passed_attempts_n,
            average_score=_score(d.average),
        )
        for d in departments
    ]
    return sorted(rows, key=lambda r: (r.completion if r.completion is not None else 101, r.department.name))


def hardest_questions(
    filters: ReportFilters, *, now: datetime | None = None, limit: int = HARDEST_SHOWN
) -> list[QuestionRow]:
    """The questions answered correctly least often in closed attempts (at least MIN_ANSWERS
    answers each), lowest rate first; ties go to the question answered more often. One query."""
    when = clock(now)
    attempts = closed_attempts(filters, when.now, _module_ids(filters))
    rows = (
        AttemptQuestion.objects.filter(attempt__in=attempts.values("pk"))
        .values("question_id", "question__text", "question__module__title", "question__module__slug")
        .annotate(answered=Count("pk"), correct=Count("pk", filter=Q(is_correct=True)))
        .filter(answered__gte=MIN_ANSWERS)
        .annotate(rate=Cast(F("correct"), FloatField()) / Cast(F("answered"), FloatField()))
        .order_by("rate", "-answered", "question_id")
    )
    if limit:
        rows = rows[:limit]
    return [
        QuestionRow(
            question_id=row["question_id"],
            text=row["question__text"],
            module_title=row["question__module__title"],
            module_slug=row["question__module__slug"],
            answered=row["answered"],
            correct=row["correct"],
        )
        for row in rows
    ]


def overdue_people_queryset(filters: ReportFilters, *, now: datetime | None = None) -> QuerySet:
    """People with at least one overdue assignment (of the module or track chosen), the longest
    overdue first, each with ``overdue_n`` and ``first_overdue_id``."""
    when = clock(now)
    person = OuterRef("pk")
    overdue_ones = (
        _relevant_assignments(filters, when)
        .filter(applies_to_q(person))
        .filter(open_for_q(person, when))
        .filter(overdue_q(date_joined=OuterRef("date_joined"), today=when.today))
    )
    return (
        _people(filters)
        .annotate(
            overdue_n=count_of(overdue_ones),
            first_overdue_id=Subquery(overdue_ones.order_by("due_on", "pk").values("pk")[:1]),
            first_due_on=Subquery(overdue_ones.order_by("due_on", "pk").values("due_on")[:1]),
        )
        .filter(overdue_n__gt=0)
        .prefetch_related(Prefetch("departments", queryset=Department.objects.only("pk", "name", "slug")))
        .order_by("first_due_on", "last_name", "first_name", "username")
    )


def overdue_people(
    filters: ReportFilters, *, now: datetime | None = None, limit: int | None = OVERDUE_SHOWN
) -> list[OverduePerson]:
    """The overdue people with their first overdue training. Three queries."""
    people = overdue_people_queryset(filters, now=now)
    if limit:
        people = people[:limit]
    people = list(people)
    first = (
        Assignment.objects.select_related("module", "track").in_bulk({p.first_overdue_id for p in people})
        if people
        else {}
    )
    return [OverduePerson(person=p, overdue_count=p.overdue_n, first=first.get(p.first_overdue_id)) for p in people]


@dataclass
class Report:
    filters: ReportFilters
    summary: Summary
    assignments: list[AssignmentRow]
    modules: list[ModuleRow]
    departments: list[DepartmentRow]
    questions: list[QuestionRow]
    overdue: list[OverduePerson]
    overdue_total: int
    generated_at: datetime


def training_report(*, user, filters: ReportFilters, now: datetime | None = None) -> Report:
    """The whole report for CoE staff and leadership (``None`` for anyone else is the caller's
    403). A fixed number of queries."""
    if not permissions.can_view_report(user):
        raise NotAllowed(REPORT_AUDIENCE)
    now = now or timezone.now()
    overdue = overdue_people(filters, now=now)
    total = len(overdue) if len(overdue) < OVERDUE_SHOWN else overdue_people_queryset(filters, now=now).count()
    return Report(
        filters=filters,
        summary=summary(filters, now=now),
        assignments=assignment_rows(filters, now=now),
        modules=module_rows(filters, now=now),
        departments=department_rows(filters, now=now),
        questions=hardest_questions(filters, now=now),
        overdue=overdue,
        overdue_total=total,
        generated_at=now,
    )
