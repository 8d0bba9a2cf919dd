"""Assignments (the CoE's page: audience and completion of each, making, changing and cancelling
them, and who stands where on one) and the training report with its CSV exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe.errors import DomainError
from coe.exports import csv_response
from coe.forms import form_add_domain_error
from coe.models import Department
from training import permissions
from training.forms.assignments import AssignmentChangeForm, AssignmentForm, CancelForm
from training.models import CertificationTrack, Module, ModuleStatus
from training.selectors import assignments as selectors
from training.selectors import report as report_selectors
from training.services import assignments as services

PEOPLE_PER_PAGE = 50


def _require_staff(user) -> None:
    if not permissions.can_view_all_assignments(user):
        raise PermissionDenied("Assignments are the CoE team's; yours are on My learning.")


def _require_report(user) -> None:
    if not permissions.can_view_report(user):
        raise PermissionDenied(report_selectors.REPORT_AUDIENCE)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- assignments ------------------------------------------------------------------------------------


@require_GET
def assignment_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_staff(user)
    status = request.GET.get("status", "active")
    status = status if status in {"active", "cancelled", "all"} else "active"
    kind = request.GET.get("kind", "")
    search = request.GET.get("q", "").strip()
    assignments = selectors.assignments_list(
        user=user, status="" if status == "all" else status, kind=kind, search=search
    )
    page = Paginator(assignments, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [
            (
                a,
                selectors.is_live(a),
                services.audience_label(a),
                selectors.percent(a.completed_count, a.audience_count),
            )
            for a in page
        ],
        "due_soon_days": selectors.due_soon_days(),
        "status": status,
        "kind": kind,
        "search": search,
        "can_assign": permissions.can_assign(user),
        "can_view_report": permissions.can_view_report(user),
        "query": _query_without_page(request),
        "today": timezone.localdate(),
    }
    template = "training/partials/_assignment_table.html" if request.htmx else "training/assignment_list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_assign(user):
        raise PermissionDenied("Only the CoE team assigns training.")
    initial = {}
    if slug := request.GET.get("module"):
        module = Module.objects.filter(slug=slug, status=ModuleStatus.PUBLISHED).first()
        initial["target"] = f"module:{module.pk}" if module else ""
    elif slug := request.GET.get("track"):
        track = CertificationTrack.objects.filter(slug=slug, is_active=True).first()
        initial["target"] = f"track:{track.pk}" if track else ""
    if slug := request.GET.get("department"):
        department = Department.objects.filter(slug=slug).first()
        initial["audience"] = f"department:{department.pk}" if department else ""
    form = AssignmentForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assignment_create(actor=user, **form.service_arguments())
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(
                request,
                f"{assignment.module or assignment.track} is assigned to {services.audience_label(assignment)}, "
                f"due {assignment.due_on:%-d %b %Y}. The people it applies to were told.",
            )
            return redirect("training:assignment_detail", pk=assignment.pk)
    return render(request, "training/assignment_form.html", {"form": form, "assignment": None})


@require_GET
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_staff(user)
    assignment = selectors.assignment_get(user=user, pk=pk)
    status = request.GET.get("status", "")
    status = status if status in {"done", "open", "overdue"} else ""
    people = selectors.people_standing(user=user, assignment=assignment, status=status)
    if request.GET.get("format") == "csv":
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        target = assignment.module or assignment.track
        rows = (
            (
                row.person.get_full_name() or row.person.username,
                row.person.username,
                row.person.email,
                row.departments,
                row.due_on.isoformat(),
                row.label,
                row.reminded_due_soon.isoformat() if row.reminded_due_soon else "",
                row.reminded_overdue.isoformat() if row.reminded_overdue else "",
            )
            for chunk in _chunks(people.iterator(chunk_size=500), 500)
            for row in selectors.standing_rows(assignment, chunk)
        )
        return csv_response(
            ["name", "username", "email", "departments", "due_on", "status", "reminded_due_soon", "reminded_overdue"],
            rows,
            f"assignment-{assignment.pk}-{getattr(target, 'slug', 'training')}-{stamp}.csv",
        )
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "assignment": assignment,
        "audience": services.audience_label(assignment),
        "live": selectors.is_live(assignment),
        "completion": selectors.percent(assignment.completed_count, assignment.audience_count),
        "page": page,
        "standings": selectors.standing_rows(assignment, page),
        "status": status,
        "query": _query_without_page(request),
        "can_change": permissions.can_change_assignment(user) and assignment.is_active,
        "can_cancel": permissions.can_cancel_assignment(user) and assignment.is_active,
        "cancel_form": CancelForm(),
    }
    template = "training/partials/_assignment_people.html" if request.htmx else "training/assignment_detail.html"
    return render(request, template, context)


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@require_http_methods(["GET", "POST"])
def assignment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_staff(user)
    assignment = selectors.assignment_get(user=user, pk=pk)
    if not permissions.can_change_assignment(user):
        raise PermissionDenied("Only the CoE team changes assignments.")
    initial = {
        "due_on": assignment.due_on,
        "days_for_newcomers": assignment.days_for_newcomers,
        "note": assignment.note,
    }
    form = AssignmentChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.assignment_update(actor=user, assignment=assignment, changes=changes)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, "The assignment was saved." if changes else "Nothing changed.")
            return redirect("training:assignment_detail", pk=assignment.pk)
    context = {"form": form, "assignment": assignment, "audience": services.audience_label(assignment)}
    return render(request, "training/assignment_form.html", context)


@require_POST
def assignment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_staff(user)
    assignment = selectors.assignment_get(user=user, pk=pk)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.assignment_cancel(actor=user, assignment=assignment, reason=reason)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The assignment was cancelled; nobody is reminded of it any more.")
    return redirect("training:assignment_detail", pk=assignment.pk)


# --- the report -----------------------------------------------------------------------------------


def _report_choices(user) -> dict:
    return {
        "departments": Department.objects.order_by("name").only("pk", "name", "slug"),
        "modules": permissions.modules_visible_to(user)
        .exclude(status=ModuleStatus.DRAFT)
        .order_by("position", "title"),
        "tracks": permissions.tracks_visible_to(user).order_by("name"),
        "periods": report_selectors.PERIODS,
    }


@require_GET
def report(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_report(user)
    filters = report_selectors.filters_from(request.GET, user=user)
    context = {
        "report": report_selectors.training_report(user=user, filters=filters),
        "filters": filters,
        "min_answers": report_selectors.MIN_ANSWERS,
        "export_query": "&".join(f"{key}={value}" for key, value in filters.as_query().items() if value),
        "can_assign": permissions.can_view_all_assignments(user),
        **_report_choices(user),
    }
    template = "training/partials/_report_body.html" if request.htmx else "training/report.html"
    return render(request, template, context)


def _pct(value) -> str:
    return "" if value is None else str(value)


EXPORTS = {
    "assignments": [
        "what",
        "kind",
        "assigned_to",
        "due_on",
        "people",
        "completed",
        "completion_percent",
        "overdue",
    ],
    "modules": [
        "module",
        "level",
        "status",
        "learners",
        "passed_people",
        "assigned_people",
        "assigned_completed",
        "completion_percent",
        "attempts",
        "average_score",
        "pass_rate_percent",
        "first_attempts",
        "first_attempt_pass_rate_percent",
    ],
    "departments": [
        "department",
        "members",
        "with_assigned_training",
        "up_to_date",
        "completion_percent",
        "overdue_people",
        "attempts",
        "average_score",
        "pass_rate_percent",
    ],
    "questions": ["module", "question", "answered", "correct", "correct_rate_percent"],
    "overdue": ["name", "username", "email", "departments", "overdue_trainings", "first_overdue", "was_due_on"],
}


def _export_rows(section: str, filters, now):
    if section == "assignments":
        for row in report_selectors.assignment_rows(filters, now=now):
            a = row.assignment
            yield [
                a.module or a.track,
                "module" if a.module_id else "track",
                services.audience_label(a),
                a.due_on.isoformat(),
                row.audience,
                row.completed,
                _pct(row.completion),
                row.overdue,
            ]
    elif section == "modules":
        for row in report_selectors.module_rows(filters, now=now):
            yield [
                row.module.title,
                row.module.get_level_display(),
                row.module.get_status_display(),
                row.learners,
                row.passed_people,
                row.assigned,
                row.assigned_done,
                _pct(row.completion),
                row.attempts,
                _pct(row.average_score),
                _pct(row.pass_rate),
                row.first_attempts,
                _pct(row.first_pass_rate),
            ]
    elif section == "departments":
        for row in report_selectors.department_rows(filters, now=now):
            yield [
                row.department.name,
                row.members,
                row.assigned,
                row.up_to_date,
                _pct(row.completion),
                row.overdue,
                row.attempts,
                _pct(row.average_score),
                _pct(row.pass_rate),
            ]
    elif section == "questions":
        for row in report_selectors.hardest_questions(filters, now=now, limit=0):
            yield [row.module_title, row.text, row.answered, row.correct, _pct(row.correct_rate)]
    else:
        for row in report_selectors.overdue_people(filters, now=now, limit=None):
            person = row.person
            yield [
                person.get_full_name() or person.username,
                person.username,
                person.email,
                row.departments,
                row.overdue_count,
                row.what,
                row.due_on.isoformat() if row.due_on else "",
            ]


@require_GET
def report_export(request: HttpRequest) -> HttpResponse:
    """One section of the report as CSV, with the page's filters (every row, not only those shown)."""
    user = request.user
    _require_report(user)
    section = request.GET.get("section", "")
    if section not in EXPORTS:
        section = "departments"
    filters = report_selectors.filters_from(request.GET, user=user)
    now = timezone.now()
    stamp = now.strftime("%Y%m%d-%H%M")
    return csv_response(EXPORTS[section], _export_rows(section, filters, now), f"training-{section}-{stamp}.csv")
