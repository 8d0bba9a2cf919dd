"""Reading policies: a person's own policies and what they still have to accept, a policy's
versions, completion per policy and department for the CoE, and the questions other apps ask
(has this person accepted the current social media policy?).

Counts are aggregate queries: a page's query count grows with the number of policies (a
handful), never with the number of people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from coe.models import Department
from governance import permissions
from governance.models import Acknowledgment, AcknowledgmentReminder, Policy, PolicyCategory, PolicyVersion
from governance.policy_text import Clause, rendered
from governance.services.policies import compliant_q

User = get_user_model()


class Status:
    OVERDUE = "overdue"
    PENDING = "pending"
    ACKNOWLEDGED = "acknowledged"
    NOT_IN_AUDIENCE = "not_in_audience"

    LABELS = {
        OVERDUE: "Overdue",
        PENDING: "To accept",
        ACKNOWLEDGED: "Accepted",
        NOT_IN_AUDIENCE: "Not asked",
    }
    BADGES = {
        OVERDUE: "text-bg-danger",
        PENDING: "text-bg-warning",
        ACKNOWLEDGED: "text-bg-success",
        NOT_IN_AUDIENCE: "text-bg-light border",
    }
    ORDER = {OVERDUE: 0, PENDING: 1, ACKNOWLEDGED: 2, NOT_IN_AUDIENCE: 3}


@dataclass
class PolicyStatus:
    """One policy as one person stands with it."""

    policy: Policy
    status: str
    due_on: date | None = None
    acknowledged_number: int | None = None
    acknowledged_at: datetime | None = None
    earlier_number: int | None = None  # an older acceptance a major change superseded

    @property
    def label(self) -> str:
        return Status.LABELS[self.status]

    @property
    def badge(self) -> str:
        return Status.BADGES[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in {Status.PENDING, Status.OVERDUE}


def _due_on(policy: Policy, user) -> date | None:
    required = policy.acknowledgment_version
    if required is None or required.published_at is None:
        return None
    start = (
        max(required.published_at, user.date_joined) if getattr(user, "date_joined", None) else required.published_at
    )
    return timezone.localdate(start + timedelta(days=policy.acknowledge_within_days))


def _with_personal_status(policies: QuerySet[Policy], user) -> QuerySet[Policy]:
    mine = Acknowledgment.objects.filter(user=user, version__policy=OuterRef("pk"))
    counting = mine.filter(version__number__gte=OuterRef("acknowledgment_version__number")).order_by("-version__number")
    return policies.annotate(
        in_audience=Exists(Policy.objects.filter(pk=OuterRef("pk")).filter(permissions.policy_audience_q(user))),
        my_number=Subquery(counting.values("version__number")[:1], output_field=IntegerField()),
        my_at=Subquery(counting.values("acknowledged_at")[:1]),
        my_earlier=Subquery(
            mine.order_by("-version__number").values("version__number")[:1], output_field=IntegerField()
        ),
    )


def _status_of(policy: Policy, user, now: datetime) -> PolicyStatus:
    if policy.my_number is not None:
        return PolicyStatus(
            policy, Status.ACKNOWLEDGED, acknowledged_number=policy.my_number, acknowledged_at=policy.my_at
        )
    if not policy.in_audience or policy.acknowledgment_version_id is None:
        return PolicyStatus(policy, Status.NOT_IN_AUDIENCE)
    due = _due_on(policy, user)
    overdue = due is not None and due < timezone.localdate(now)
    return PolicyStatus(
        policy, Status.OVERDUE if overdue else Status.PENDING, due_on=due, earlier_number=policy.my_earlier
    )


def _published_for(user) -> QuerySet[Policy]:
    return (
        permissions.policies_visible_to(user)
        .filter(current_version__isnull=False)
        .select_related("current_version", "acknowledgment_version", "owner")
    )


def policies_for_person(*, user, now: datetime | None = None) -> list[PolicyStatus]:
    """The published policies with this person's own standing, what they must do first first."""
    now = now or timezone.now()
    policies = _with_personal_status(_published_for(user), user).prefetch_related(
        "audience_departments", "audience_roles"
    )
    rows = [_status_of(policy, user, now) for policy in policies]
    return sorted(rows, key=lambda row: (Status.ORDER[row.status], row.due_on or date.max, row.policy.title))


def _open_first(rows: list[PolicyStatus]) -> list[PolicyStatus]:
    return sorted(rows, key=lambda row: (Status.ORDER[row.status], row.due_on or date.max, row.policy.title))


def pending_acknowledgments(*, user, now: datetime | None = None) -> list[PolicyStatus]:
    """What this person still has to accept, overdue first."""
    now = now or timezone.now()
    policies = _with_personal_status(_published_for(user).filter(acknowledgment_version__isnull=False), user)
    rows = [_status_of(policy, user, now) for policy in policies.filter(in_audience=True, my_number__isnull=True)]
    return _open_first(rows)


def home_panel(*, user, now: datetime | None = None) -> dict | None:
    """The home page's panel in one query: what is left to accept, or None while nothing is
    published for this person at all."""
    now = now or timezone.now()
    rows = [_status_of(policy, user, now) for policy in _with_personal_status(_published_for(user), user)]
    if not rows:
        return None
    return {"pending": _open_first([row for row in rows if row.is_open])}


def policy_status(*, user, policy: Policy, now: datetime | None = None) -> PolicyStatus | None:
    """This person's standing with one policy (None while nothing is published)."""
    if policy.current_version_id is None:
        return None
    annotated = _with_personal_status(Policy.objects.filter(pk=policy.pk), user).select_related(
        "acknowledgment_version"
    )
    row = annotated.first()
    return _status_of(row, user, now or timezone.now()) if row is not None else None


def policy_get(*, user, slug: str) -> Policy:
    """The policy at this address, if this person may see it (404 otherwise)."""
    return get_object_or_404(
        permissions.policies_visible_to(user)
        .select_related("current_version__published_by", "acknowledgment_version", "owner")
        .prefetch_related("audience_departments", "audience_roles"),
        slug=slug,
    )


def version_get(*, user, policy: Policy, number: int) -> PolicyVersion:
    return get_object_or_404(
        permissions.versions_visible_to(user).select_related("published_by", "created_by"), policy=policy, number=number
    )


def version_history(*, user, policy: Policy) -> list[PolicyVersion]:
    """Newest first, with how many people accepted each (for those who may see compliance)."""
    versions = (
        permissions.versions_visible_to(user)
        .filter(policy=policy)
        .select_related("published_by", "created_by")
        .order_by("-number")
    )
    if permissions.can_view_compliance(user):
        versions = versions.annotate(acknowledgment_count=Count("acknowledgments"))
    return list(versions)


def policy_clauses(*, policy: Policy) -> list[Clause]:
    """The headings of the published text, each with the anchor a content rule links to
    (``policy.get_absolute_url() + "#" + clause.anchor``)."""
    version = policy.current_version
    return list(rendered(version).clauses) if version is not None else []


# --- what other apps ask ------------------------------------------------------------------------


def _current_policy(category: str) -> Policy | None:
    return (
        Policy.objects.filter(category=category, current_version__isnull=False, acknowledgment_version__isnull=False)
        .select_related("acknowledgment_version")
        .order_by("-acknowledgment_version__published_at")
        .first()
    )


def acknowledged_version(*, user, category: str = PolicyCategory.SOCIAL_MEDIA) -> PolicyVersion | None:
    """The version of the current policy of this category that the person accepted and that still
    counts (the newest they accepted, at or after the version that last asked everyone), or None.
    Training gates certifications on it; publishing's evidence pack records it."""
    if not getattr(user, "pk", None):
        return None
    policy = _current_policy(category)
    if policy is None:
        return None
    return (
        PolicyVersion.objects.filter(
            policy=policy, number__gte=policy.acknowledgment_version.number, acknowledgments__user=user
        )
        .select_related("policy")
        .order_by("-number")
        .first()
    )


def has_acknowledged_current(*, user, category: str = PolicyCategory.SOCIAL_MEDIA) -> bool:
    return acknowledged_version(user=user, category=category) is not None


# --- completion (CoE staff and leadership) ------------------------------------------------------


@dataclass
class Completion:
    """How far an audience (a policy's, or one department's part of it) has got."""

    audience: int
    acknowledged: int
    overdue: int
    policy: Policy | None = None
    department: str = ""
    department_slug: str = ""

    @property
    def pending(self) -> int:
        return self.audience - self.acknowledged

    @property
    def waiting(self) -> int:
        """Still to accept and not yet overdue."""
        return self.pending - self.overdue

    @property
    def percent(self) -> int | None:
        return round(100 * self.acknowledged / self.audience) if self.audience else None


def _counts(policy: Policy, now: datetime) -> dict:
    required = policy.acknowledgment_version
    cutoff = now - timedelta(days=policy.acknowledge_within_days)
    late = required.published_at is not None and required.published_at <= cutoff
    # (never an empty ``pk__in=[]``: Django would then skip the whole aggregate query and count 0)
    overdue = Q(done=False, date_joined__lte=cutoff) if late else Q(pk__isnull=True)
    return {
        "audience": Count("pk", distinct=True),
        "acknowledged": Count("pk", filter=Q(done=True), distinct=True),
        "overdue": Count("pk", filter=overdue, distinct=True),
    }


def _audience_with_done(policy: Policy) -> QuerySet:
    return permissions.policy_audience(policy).annotate(done=compliant_q(policy))


def policy_completion(*, user, policy: Policy, now: datetime | None = None) -> Completion | None:
    """One aggregate query. None when nothing published asks for acceptance."""
    if not permissions.can_view_compliance(user) or policy.acknowledgment_version_id is None:
        return None
    if policy.current_version_id is None:
        return None
    totals = _audience_with_done(policy).aggregate(**_counts(policy, now or timezone.now()))
    return Completion(policy=policy, **totals)


def completion_by_policy(*, user, now: datetime | None = None) -> list[Completion]:
    """Every published policy that asks for acceptance, with its completion (a query each)."""
    if not permissions.can_view_compliance(user):
        return []
    now = now or timezone.now()
    policies = _published_for(user).filter(acknowledgment_version__isnull=False).order_by("title")
    return [completion for policy in policies if (completion := policy_completion(user=user, policy=policy, now=now))]


def completion_by_department(*, user, policy: Policy, now: datetime | None = None) -> list[Completion]:
    """Completion per department (people in two departments count in both), lowest first."""
    if not permissions.can_view_compliance(user) or policy.acknowledgment_version_id is None:
        return []
    rows = (
        _audience_with_done(policy)
        .values("departments__name", "departments__slug")
        .annotate(**_counts(policy, now or timezone.now()))
        .order_by("departments__name")
    )
    result = [
        Completion(
            policy=policy,
            department=row["departments__name"] or "No department",
            department_slug=row["departments__slug"] or "",
            audience=row["audience"],
            acknowledged=row["acknowledged"],
            overdue=row["overdue"],
        )
        for row in rows
    ]
    return sorted(result, key=lambda c: (c.percent if c.percent is not None else 101, c.department))


def _people_with_standing(policy: Policy) -> QuerySet:
    required = policy.acknowledgment_version
    counting = Acknowledgment.objects.filter(
        user=OuterRef("pk"), version__policy=policy, version__number__gte=required.number
    ).order_by("-version__number")
    reminders = AcknowledgmentReminder.objects.filter(user=OuterRef("pk"), version=required)
    return (
        permissions.policy_audience(policy)
        .annotate(
            ack_number=Subquery(counting.values("version__number")[:1], output_field=IntegerField()),
            ack_at=Subquery(counting.values("acknowledged_at")[:1]),
            reminded_at=Subquery(reminders.filter(kind=AcknowledgmentReminder.Kind.REMINDER).values("sent_at")[:1]),
            escalated_at=Subquery(reminders.filter(kind=AcknowledgmentReminder.Kind.ESCALATION).values("sent_at")[:1]),
        )
        .prefetch_related(Prefetch("departments", queryset=Department.objects.only("pk", "name", "slug")))
    )


@dataclass
class PersonStanding:
    person: object
    status: str
    due_on: date | None
    acknowledged_number: int | None
    acknowledged_at: datetime | None
    reminded_at: datetime | None
    escalated_at: datetime | None

    @property
    def label(self) -> str:
        return Status.LABELS[self.status]

    @property
    def badge(self) -> str:
        return Status.BADGES[self.status]

    @property
    def departments(self) -> str:
        return ", ".join(d.name for d in self.person.departments.all())


def _standing(policy: Policy, person, today: date) -> PersonStanding:
    due = _due_on(policy, person)
    if person.ack_number is not None:
        status = Status.ACKNOWLEDGED
    else:
        status = Status.OVERDUE if due is not None and due < today else Status.PENDING
    return PersonStanding(
        person=person,
        status=status,
        due_on=due,
        acknowledged_number=person.ack_number,
        acknowledged_at=person.ack_at,
        reminded_at=person.reminded_at,
        escalated_at=person.escalated_at,
    )


def overdue_people(*, user, policy: Policy, now: datetime | None = None, limit: int = 100) -> tuple[list, int]:
    """The people whose acceptance is overdue (longest overdue first), and how many there are."""
    if not permissions.can_view_compliance(user) or policy.acknowledgment_version_id is None:
        return [], 0
    from governance.services.policies import overdue_people as overdue_queryset

    now = now or timezone.now()
    overdue = overdue_queryset(policy, now=now)
    total = overdue.count()
    if not total:
        return [], 0
    people = (
        _people_with_standing(policy)
        .filter(pk__in=overdue.values("pk"))
        .order_by("date_joined", "last_name", "first_name")[:limit]
    )
    today = timezone.localdate(now)
    return [_standing(policy, person, today) for person in people], total


def compliance_rows(*, user, policy: Policy, now: datetime | None = None, department: str = ""):
    """Everyone in the audience with their standing, for the CSV export (streamed in chunks)."""
    if not permissions.can_view_compliance(user) or policy.acknowledgment_version_id is None:
        return
    people = _people_with_standing(policy).order_by("last_name", "first_name", "username")
    if department:
        people = people.filter(departments__slug=department)
    today = timezone.localdate(now or timezone.now())
    for person in people.iterator(chunk_size=1000):
        yield _standing(policy, person, today)


def policies_with_published_acknowledgment(*, user) -> QuerySet[Policy]:
    """The policies a compliance report can be about."""
    if not permissions.can_view_compliance(user):
        return Policy.objects.none()
    return _published_for(user).filter(acknowledgment_version__isnull=False).order_by("title")


def acknowledgments_of(*, user) -> QuerySet[Acknowledgment]:
    """Acceptances this person may see: their own; everyone's for compliance viewers."""
    return permissions.acknowledgments_visible_to(user).select_related("user", "version__policy")
