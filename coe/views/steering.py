"""Pages of the steering committee: the committee page, a meeting (agenda, minutes, decisions,
attendance, action items), seats, the series and its ICS invite, and the action items list.
CoE staff edit; leadership reads; everyone else sees only the action items they own."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe import permissions
from coe.errors import DomainError
from coe.forms import form_add_domain_error
from coe.forms.steering import (
    ActionItemForm,
    SteeringDecisionForm,
    SteeringMeetingForm,
    SteeringMemberForm,
    SteeringSeriesForm,
)
from coe.models import ActionItem, SteeringAttendance
from coe.selectors import steering as selectors
from coe.services import steering as services

ITEMS_PER_PAGE = 50
NEW_ITEM_FIELDS = frozenset({"title", "detail", "owner", "department", "due_on"})  # a new item starts open


def _require_editor(user) -> None:
    if not permissions.can_edit_steering(user):
        raise PermissionDenied("Only the CoE keeps the steering committee's records.")


@require_GET
def steering(request: HttpRequest) -> HttpResponse:
    overview = selectors.steering_overview(user=request.user)
    return render(
        request,
        "coe/steering.html",
        {"overview": overview, "can_edit": permissions.can_edit_steering(request.user)},
    )


@require_GET
def steering_invite(request: HttpRequest) -> HttpResponse:
    """The series as an ICS invite (CoE staff and leadership)."""
    selectors.require_view_steering(request.user)
    series = selectors.steering_series_current(user=request.user)
    if series is None:
        raise Http404("There is no meeting series yet.")
    body = services.steering_invite_ics(series=series, members=list(selectors.steering_members(user=request.user)))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="steering-committee.ics"'
    return response


@require_http_methods(["GET", "POST"])
def steering_series_edit(request: HttpRequest) -> HttpResponse:
    selectors.require_view_steering(request.user)
    _require_editor(request.user)
    series = selectors.steering_series_current(user=request.user)
    form = SteeringSeriesForm(request.POST or None, instance=series)
    if request.method == "POST" and form.is_valid():
        try:
            services.steering_series_save(
                actor=request.user, series=series, **{name: form.cleaned_data[name] for name in form.fields}
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, "The meeting series was saved.")
            return redirect("coe:steering")
    return render(request, "coe/steering_form.html", {"form": form, "title": "Meeting series"})


@require_POST
def steering_meetings_plan(request: HttpRequest) -> HttpResponse:
    selectors.require_view_steering(request.user)
    _require_editor(request.user)
    series = selectors.steering_series_current(user=request.user)
    if series is None:
        messages.error(request, "Set up the meeting series first.")
        return redirect("coe:steering")
    try:
        count = int(request.POST.get("count", 3))
        created = services.steering_meetings_plan(actor=request.user, series=series, count=count)
    except (ValueError, DomainError) as error:
        messages.error(request, getattr(error, "message", "Give a number of meetings."))
    else:
        messages.success(
            request, f"{created} meeting{'s' if created != 1 else ''} planned." if created else "Already planned."
        )
    return redirect("coe:steering")


@require_http_methods(["GET", "POST"])
def steering_member_add(request: HttpRequest) -> HttpResponse:
    selectors.require_view_steering(request.user)
    _require_editor(request.user)
    form = SteeringMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.steering_member_add(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"{member.user} joined the committee.")
            return redirect("coe:steering")
    return render(request, "coe/steering_form.html", {"form": form, "title": "Add a member"})


@require_POST
def steering_member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_view_steering(request.user)
    _require_editor(request.user)
    member = get_object_or_404(selectors.steering_members(user=request.user), pk=pk)
    try:
        services.steering_member_leave(actor=request.user, member=member)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{member.user} left the committee.")
    return redirect("coe:steering")


@require_http_methods(["GET", "POST"])
def steering_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting; CoE staff add decisions, record attendance and give out action items here."""
    meeting = selectors.steering_meeting_get(user=request.user, pk=pk)
    can_edit = permissions.can_edit_steering(request.user)
    decision_form = SteeringDecisionForm(prefix="decision")
    item_form = ActionItemForm(prefix="item", writable=NEW_ITEM_FIELDS)
    if request.method == "POST":
        _require_editor(request.user)
        action = request.POST.get("action")
        try:
            if action == "decision":
                decision_form = SteeringDecisionForm(request.POST, prefix="decision")
                if decision_form.is_valid():
                    services.steering_decision_add(actor=request.user, meeting=meeting, **decision_form.cleaned_data)
                    messages.success(request, "The decision was recorded.")
                    return redirect("coe:steering_meeting", pk=meeting.pk)
            elif action == "attendance":
                statuses = {
                    int(key.removeprefix("attendance-")): value
                    for key, value in request.POST.items()
                    if key.startswith("attendance-") and key.removeprefix("attendance-").isdigit()
                }
                allowed = {m.user_id for m in selectors.steering_members(user=request.user, current=False)}
                services.steering_attendance_set(
                    actor=request.user,
                    meeting=meeting,
                    statuses={pk: status for pk, status in statuses.items() if pk in allowed},
                )
                messages.success(request, "Attendance was saved.")
                return redirect("coe:steering_meeting", pk=meeting.pk)
            elif action == "item":
                item_form = ActionItemForm(request.POST, prefix="item", writable=NEW_ITEM_FIELDS)
                if item_form.is_valid():
                    services.action_item_create(actor=request.user, meeting=meeting, **item_form.cleaned_data)
                    messages.success(request, "The action item was added and its owner told.")
                    return redirect("coe:steering_meeting", pk=meeting.pk)
        except DomainError as error:
            form = item_form if action == "item" else decision_form
            form_add_domain_error(form, error)
    attendance = {row.user_id: row.status for row in meeting.attendance.all()}
    roster = []
    if can_edit or attendance:
        members = [
            m
            for m in selectors.steering_members(user=request.user, current=False)
            if m.joined_on <= meeting.scheduled_at.date()
            and (m.left_on is None or m.left_on >= meeting.scheduled_at.date())
        ]
        roster = [{"member": m, "status": attendance.get(m.user_id, "")} for m in members]
    return render(
        request,
        "coe/steering_meeting.html",
        {
            "meeting": meeting,
            "can_edit": can_edit,
            "decision_form": decision_form,
            "item_form": item_form,
            "roster": roster,
            "attendance_choices": SteeringAttendance.Status.choices,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def steering_meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.steering_meeting_get(user=request.user, pk=pk)
    _require_editor(request.user)
    form = SteeringMeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.steering_meeting_update(
                actor=request.user,
                meeting=meeting,
                changes={name: form.cleaned_data[name] for name in form.changed_data},
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, "The meeting was saved.")
            return redirect("coe:steering_meeting", pk=meeting.pk)
    return render(request, "coe/steering_form.html", {"form": form, "title": f"Edit {meeting}", "meeting": meeting})


@require_GET
def steering_action_items(request: HttpRequest) -> HttpResponse:
    """Action items with filters; CoE staff and leadership see all, others their own."""
    filters = {
        "status": request.GET.get("status", "open"),
        "department": request.GET.get("department", ""),
        "overdue": request.GET.get("overdue") == "1",
        "mine": request.GET.get("mine") == "1",
    }
    items = selectors.action_items(
        user=request.user,
        status=filters["status"],
        department=filters["department"],
        overdue=filters["overdue"],
        owner=request.user.pk if filters["mine"] else None,
    )
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "coe/steering_action_items.html",
        {
            "page": page,
            "filters": filters,
            "statuses": ActionItem.Status.choices,
            "departments": permissions.departments_visible_to(request.user).only("name", "slug"),
            "today": timezone.localdate(),
            "sees_all": permissions.can_view_all_action_items(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def steering_action_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """CoE staff change anything; the owner only the status."""
    item = selectors.action_item_get(user=request.user, pk=pk)
    writable = permissions.action_item_fields_writable_by(request.user, item)
    if not writable:
        raise PermissionDenied("You may not change this action item.")
    form = ActionItemForm(request.POST or None, instance=item, writable=writable)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_update(
                actor=request.user, item=item, changes={name: form.cleaned_data[name] for name in form.changed_data}
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, "The action item was saved.")
            return redirect("coe:steering_action_items")
    return render(
        request, "coe/steering_form.html", {"form": form, "title": f"Action item: {item.title}", "item": item}
    )
