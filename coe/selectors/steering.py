"""Reading the steering committee, scoped to the person asking: CoE staff and leadership see the
committee, its meetings and every action item; everyone else only the action items they own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from coe import permissions
from coe.models import (
    ActionItem,
    Department,
    SteeringAttendance,
    SteeringMeeting,
    SteeringMember,
    SteeringSeries,
    User,
)

RECENT_MEETINGS = 4


def steering_members(*, user: User, current: bool = True) -> QuerySet[SteeringMember]:
    if not permissions.can_view_steering(user):
        return SteeringMember.objects.none()
    members = SteeringMember.objects.select_related("user", "department").order_by(
        "department__name", "user__first_name", "user__last_name"
    )
    return members.filter(left_on__isnull=True) if current else members


def steering_series_current(*, user: User) -> SteeringSeries | None:
    if not permissions.can_view_steering(user):
        return None
    return SteeringSeries.objects.filter(is_active=True).order_by("-created_at").first()


def steering_meetings(*, user: User) -> QuerySet[SteeringMeeting]:
    if not permissions.can_view_steering(user):
        return SteeringMeeting.objects.none()
    return (
        SteeringMeeting.objects.select_related("series")
        .annotate(
            decision_count=Count("decisions", distinct=True),
            item_count=Count("action_items", distinct=True),
        )
        .order_by("-scheduled_at")
    )


def steering_meeting_get(*, user: User, pk: int) -> SteeringMeeting:
    """A meeting with its decisions, attendance and action items (a query each)."""
    meetings = steering_meetings(user=user).prefetch_related(
        "decisions",
        Prefetch("attendance", queryset=SteeringAttendance.objects.select_related("user")),
        Prefetch("action_items", queryset=ActionItem.objects.select_related("owner", "department")),
    )
    return get_object_or_404(meetings, pk=pk)


def action_items(
    *,
    user: User,
    status: str = "",
    department: str = "",
    owner: int | None = None,
    overdue: bool = False,
    meeting: int | None = None,
) -> QuerySet[ActionItem]:
    """Action items the person may see, filtered; ``status="open"`` means open or in progress."""
    items = permissions.action_items_visible_to(user).select_related("owner", "department", "meeting")
    if status == "open":
        items = items.filter(status__in=ActionItem.OPEN_STATUSES)
    elif status in ActionItem.Status.values:
        items = items.filter(status=status)
    if department:
        items = items.filter(department__slug=department)
    if owner:
        items = items.filter(owner_id=owner)
    if overdue:
        items = items.filter(status__in=ActionItem.OPEN_STATUSES, due_on__lt=timezone.localdate())
    if meeting:
        items = items.filter(meeting_id=meeting)
    return items.order_by("due_on", "pk")


def action_item_get(*, user: User, pk: int) -> ActionItem:
    return get_object_or_404(action_items(user=user), pk=pk)


@dataclass
class DepartmentSeats:
    department: Department | None
    members: list[SteeringMember] = field(default_factory=list)


@dataclass
class SteeringOverview:
    can_view: bool
    seats: list[DepartmentSeats]
    series: SteeringSeries | None
    next_meeting: SteeringMeeting | None
    recent_meetings: list[SteeringMeeting]
    open_items: list[ActionItem]
    my_items: list[ActionItem]
    today: date
    departments_without_seat: list[Department] = field(default_factory=list)

    @property
    def represented(self) -> int:
        return sum(1 for seat in self.seats if seat.department is not None)


def steering_overview(*, user: User) -> SteeringOverview:
    """The committee page: seats by department, the next meeting, recent meetings, open action
    items and the person's own. A fixed number of queries."""
    today = timezone.localdate()
    my_items = list(action_items(user=user, status="open").filter(owner=user))
    if not permissions.can_view_steering(user):
        return SteeringOverview(False, [], None, None, [], [], my_items, today)
    seats: dict[int | None, DepartmentSeats] = {}
    for member in steering_members(user=user):
        seats.setdefault(member.department_id, DepartmentSeats(member.department)).members.append(member)
    with_seat = {pk for pk in seats if pk is not None}
    without = list(permissions.departments_visible_to(user).exclude(pk__in=with_seat).order_by("name"))
    meetings = steering_meetings(user=user)
    now = timezone.now()
    next_meeting = (
        meetings.filter(scheduled_at__gte=now, status=SteeringMeeting.Status.PLANNED).order_by("scheduled_at").first()
    )
    recent = list(
        meetings.filter(Q(scheduled_at__lt=now) | Q(status=SteeringMeeting.Status.HELD)).order_by("-scheduled_at")[
            :RECENT_MEETINGS
        ]
    )
    return SteeringOverview(
        can_view=True,
        seats=sorted(seats.values(), key=lambda s: (s.department is None, s.department.name if s.department else "")),
        series=steering_series_current(user=user),
        next_meeting=next_meeting,
        recent_meetings=recent,
        open_items=list(action_items(user=user, status="open")[:50]),
        my_items=my_items,
        today=today,
        departments_without_seat=without,
    )


def require_view_steering(user: User) -> None:
    """Pages of the committee itself (not one's own action items): hidden from others (404)."""
    if not permissions.can_view_steering(user):
        raise Http404("No such page.")


HOME_PANEL_ITEMS = 5


def home_panel(user: User) -> dict | None:
    """The person's open steering action items (soonest first) for the home page; nothing when
    they own none. Two queries."""
    if not (user and user.is_authenticated):
        return None
    items = list(action_items(user=user, status="open").filter(owner=user)[: HOME_PANEL_ITEMS + 1])
    if not items:
        return None
    today = timezone.localdate()
    return {
        "items": items[:HOME_PANEL_ITEMS],
        "more": len(items) > HOME_PANEL_ITEMS,
        "overdue": sum(1 for item in items if item.due_on < today),
        "today": today,
    }


def register_home_panel() -> None:
    from coe.extensions import HomePanel
    from coe.extensions import register_home_panel as register

    register(HomePanel(key="steering", template="coe/partials/_home_action_items.html", context=home_panel, order=8))
