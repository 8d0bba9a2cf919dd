"""The content calendar (week and month, in the viewer's time zone), its JSON events, drag to
reschedule, the personal ICS feed, CSV export and CSV import of drafts."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe.errors import DomainError
from coe.forms import form_add_domain_error
from coe.selectors import departments_list
from publishing import permissions, selectors
from publishing.forms import ImportForm
from publishing.models import CalendarFeed, Campaign, Post, Publication
from publishing.services import calendar as calendar_services
from publishing.services import workflow
from publishing.views.common import int_or_none

# Colours per state (Bootstrap's palette, readable with white text).
STATUS_COLOURS = {
    "draft": "#6c757d",
    "in_review": "#0d6efd",
    "changes_requested": "#fd7e14",
    "approved": "#198754",
    "scheduled": "#198754",
    "published": "#146c43",
    "failed": "#dc3545",
    "unknown": "#d63384",
    "held": "#b58105",
    "expired": "#495057",
    "rejected": "#842029",
}
MAX_RANGE = timedelta(days=62)


def _require_calendar(user) -> None:
    if not permissions.can_use_calendar(user):
        raise PermissionDenied("The calendar is for liaisons, reviewers and the CoE.")


def _filters(request) -> selectors.CalendarFilters:
    return selectors.CalendarFilters(
        channel=int_or_none(request.GET.get("channel")),
        department=request.GET.get("department", ""),
        status=request.GET.get("status", ""),
        campaign=int_or_none(request.GET.get("campaign")),
    )


def _range(request) -> tuple[datetime, datetime]:
    """start/end from FullCalendar: wall-clock times in the viewer's zone (no offset)."""
    zone = timezone.get_current_timezone()
    now = timezone.localtime()
    start = parse_datetime(request.GET.get("start", "")[:19]) or now.replace(day=1, hour=0, minute=0)
    end = parse_datetime(request.GET.get("end", "")[:19]) or start + timedelta(days=42)
    start = timezone.make_aware(start.replace(tzinfo=None), zone)
    end = timezone.make_aware(end.replace(tzinfo=None), zone)
    if end <= start or end - start > MAX_RANGE:
        end = start + MAX_RANGE
    return start, end


@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    _require_calendar(request.user)
    feed = CalendarFeed.objects.filter(user=request.user).first()
    context = {
        "filters": _filters(request),
        "channels": permissions.channels_visible_to(request.user).order_by("name"),
        "departments": departments_list(user=request.user),
        "campaigns": Campaign.objects.all(),
        "statuses": [(key, key.replace("_", " ").capitalize()) for key in STATUS_COLOURS],
        "colours": STATUS_COLOURS,
        "feed_url": request.build_absolute_uri(reverse("publishing:calendar_feed", args=[feed.token])) if feed else "",
        "time_zone": str(timezone.get_current_timezone()),
        "events_url": reverse("publishing:calendar_events"),
        "initial_view": "timeGridWeek" if request.GET.get("view") == "week" else "dayGridMonth",
    }
    return render(request, "publishing/calendar.html", context)


@require_GET
def calendar_events(request: HttpRequest) -> JsonResponse:
    """Events for FullCalendar: one per post and channel, times as wall-clock in the viewer's zone
    (the calendar runs in "UTC" mode, so it shows them as given). One query for the whole range."""
    user = request.user
    _require_calendar(user)
    start, end = _range(request)
    movable_departments = set(user.departments.values_list("pk", flat=True))
    coe = permissions.can_view_all_posts(user)
    events = []
    # One reverse() for the whole month, not one per event (thousands in a busy month).
    post_url = reverse("publishing:post_detail", args=[0]).removesuffix("0/") + "{}/"
    zone = timezone.get_current_timezone()
    for row in selectors.calendar_publications(user=user, start=start, end=end, filters=_filters(request)):
        when = row["published_at"] or row["scheduled_at"] or row["post__scheduled_at"]
        state = row["status"] if row["post__status"] == Post.Status.APPROVED else row["post__status"]
        if row["status"] in {Publication.Status.PUBLISHED, Publication.Status.FAILED, Publication.Status.UNKNOWN}:
            state = row["status"]
        movable = (
            row["status"] in {Publication.Status.PENDING, Publication.Status.SCHEDULED, Publication.Status.HELD}
            and row["post__status"] in Post.EDITABLE
            and (coe or row["post__author_id"] == user.pk or row["post__department_id"] in movable_departments)
        )
        events.append(
            {
                "id": row["pk"],
                "title": f"{row['channel__name']}: {calendar_services.summary_of(row['post__text'], 50)}",
                "start": when.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S"),
                "url": post_url.format(row["post_id"]),
                "color": STATUS_COLOURS.get(state, "#6c757d"),
                "editable": movable,
                "extendedProps": {
                    "post": row["post_id"],
                    "state": state.replace("_", " "),
                    "network": row["channel__network"],
                    "department": row["post__department__name"],
                },
            }
        )
    return JsonResponse(events, safe=False)


@require_POST
def calendar_move(request: HttpRequest) -> JsonResponse:
    """Drag and drop: move the post to the new wall-clock time in the viewer's zone."""
    post = selectors.post_get(user=request.user, pk=int_or_none(request.POST.get("post")) or 0)
    when = parse_datetime(request.POST.get("start", "")[:19])
    if when is None:
        return JsonResponse({"error": {"code": "invalid", "message": "That is not a time.", "fields": {}}}, status=400)
    when = timezone.make_aware(when.replace(tzinfo=None), timezone.get_current_timezone())
    try:
        workflow.post_reschedule(actor=request.user, post=post, scheduled_at=when)
    except DomainError as error:
        return JsonResponse(
            {"error": {"code": error.code, "message": error.message, "fields": error.fields}}, status=error.status
        )
    return JsonResponse(
        {"ok": True, "message": f"Post #{post.pk} moved to {timezone.localtime(when):%a %-d %b %H:%M}."}
    )


@require_POST
def calendar_feed_manage(request: HttpRequest) -> HttpResponse:
    if request.POST.get("revoke"):
        calendar_services.calendar_feed_revoke(user=request.user)
        messages.success(request, "Your calendar address was revoked; calendars using it stop updating.")
    else:
        try:
            calendar_services.calendar_feed_renew(user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Your private calendar address is ready; any old one no longer works.")
    return redirect("publishing:calendar")


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The ICS feed: the secret in the address is the only credential (calendar apps send no
    cookies); revoke it from the calendar page."""
    user = calendar_services.calendar_feed_user(token)
    if user is None:
        raise Http404("No such calendar.")
    with timezone.override(user.time_zone):
        body = calendar_services.calendar_feed_ics(user=user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="coe-hub.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def calendar_export(request: HttpRequest) -> HttpResponse:
    _require_calendar(request.user)
    start, end = _range(request)
    body = calendar_services.calendar_export_csv(user=request.user, start=start, end=end, filters=_filters(request))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="calendar-{start:%Y-%m-%d}.csv"'
    return response


@require_http_methods(["GET", "POST"])
def posts_import(request: HttpRequest) -> HttpResponse:
    if not permissions.can_compose(request.user):
        raise PermissionDenied("Your role does not write posts.")
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = calendar_services.posts_import_csv(
                actor=request.user, file=form.cleaned_data["file"], mode=form.cleaned_data["mode"]
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            if report.created:
                messages.success(request, f"{report.created} draft{'s' if report.created != 1 else ''} imported.")
            elif report.bad_rows:
                messages.error(request, "Nothing was imported: fix the rows below and upload the file again.")
    return render(
        request, "publishing/import.html", {"form": form, "report": report, "columns": calendar_services.IMPORT_COLUMNS}
    )
