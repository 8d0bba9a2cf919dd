"""Pages of the CoE app: home, profile, people, departments, health and error pages.

Each view parses input, reads through a selector, calls one service and renders; htmx requests
get the partial they asked for.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.authtoken.models import Token

from coe import permissions, selectors, services
from coe.api.errors import api_not_found, error_body
from coe.errors import DomainError
from coe.extensions import home_panels_for
from coe.forms import DepartmentForm, PersonForm, ProfileForm, form_add_domain_error
from coe.health import system_health
from coe.models import Department, Notification
from coe.roles import Role

PEOPLE_PER_PAGE = 50


def home(request: HttpRequest) -> HttpResponse:
    """Role-aware landing page: each section appears when the person may use what it shows."""
    user = request.user
    context = {
        "my_departments": selectors.departments_of(user=user),
        "role": user.role,
    }
    if permissions.can_view_all_people(user):
        context["role_counts"] = selectors.role_counts(user=user)
        context["departments"] = selectors.departments_list(user=user)
    if permissions.can_manage_roles(user):
        context["people_without_department"] = selectors.people_list(user=user).filter(
            is_active=True, departments=None
        )[:10]
    if permissions.can_view_operations(user):
        context["heartbeats"] = selectors.worker_heartbeats(user=user)[:5]
        context["heartbeat_max_age"] = settings.HEALTHZ_HEARTBEAT_MAX_AGE_SECONDS
    context["panels"] = home_panels_for(user)
    return render(request, "coe/home.html", context)


NOTIFICATIONS_PER_PAGE = 30


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread"):
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "coe/notifications.html", {"page": page, "only_unread": bool(request.GET.get("unread"))})


@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go where it points (one's own notifications only)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    target = notification.url if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None) else ""
    return redirect(target or "notifications")


@require_http_methods(["POST"])
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_read(user=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("notifications")


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, broker and worker heartbeat as JSON: 200 when all are healthy, else 503."""
    healthy, report = system_health()
    return JsonResponse(report, status=200 if healthy else 503)


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(instance=user)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "regenerate_token":
            token = services.api_token_regenerate(user=user)
            # Shown once on the next page, never again (the session entry is popped there).
            request.session["new_api_token"] = token.key
            messages.success(request, "A new API token was created; any old one no longer works.")
            return redirect("profile")
        if action == "revoke_token":
            services.api_token_revoke(user=user)
            messages.success(request, "Your API token was revoked.")
            return redirect("profile")
        form = ProfileForm(request.POST, instance=user)
        if form.is_valid():
            try:
                services.person_update(
                    actor=user, person=user, changes={name: form.cleaned_data[name] for name in form.changed_data}
                )
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, "Your profile was saved.")
                return redirect("profile")
    token = Token.objects.filter(user=user).first()
    return render(
        request,
        "coe/profile.html",
        {
            "form": form,
            "departments": selectors.departments_of(user=user),
            "token": token,
            "new_token": request.session.pop("new_api_token", None),
        },
    )


@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_all_people(request.user):
        raise PermissionDenied("Only the CoE and leadership see the people directory.")
    filters = {
        "search": request.GET.get("q", "").strip(),
        "role": request.GET.get("role", ""),
        "department": request.GET.get("department", ""),
    }
    people = selectors.people_list(user=request.user, **filters)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "roles": Role.choices,
        "departments": selectors.departments_list(user=request.user),
        "can_manage_roles": permissions.can_manage_roles(request.user),
    }
    template = "coe/partials/_people_table.html" if request.htmx else "coe/people_list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    if not permissions.can_manage_roles(request.user):
        raise PermissionDenied("Only a CoE manager can change people's roles and departments.")
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.person_update(actor=request.user, person=person, changes=changes)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"{person} was updated.")
            return redirect("coe:people_list")
    return render(request, "coe/person_edit.html", {"form": form, "person": person})


@require_GET
def department_list(request: HttpRequest) -> HttpResponse:
    """The directory; CoE staff and leadership also see each department's figures (silos flagged)."""
    from coe.selectors.directory import department_directory

    directory = department_directory(user=request.user, sort=request.GET.get("sort", "name"))
    return render(
        request,
        "coe/department_list.html",
        {
            "directory": directory,
            "departments": [row.department for row in directory.rows],
            "can_add_department": permissions.can_add_department(request.user),
        },
    )


@require_GET
def department_detail(request: HttpRequest, slug: str) -> HttpResponse:
    from coe.selectors.directory import department_directory

    department = selectors.department_get(user=request.user, slug=slug)
    directory = department_directory(user=request.user, departments=Department.objects.filter(pk=department.pk))
    return render(
        request,
        "coe/department_detail.html",
        {
            "department": department,
            "row": directory.rows[0] if directory.rows else None,
            "with_figures": directory.with_figures,
            "members": selectors.department_members(user=request.user, department=department),
            "can_change": permissions.can_change_department(request.user, department),
        },
    )


def _lead_choices(user):
    return permissions.people_visible_to(user).filter(is_active=True).order_by("first_name", "last_name")


@require_http_methods(["GET", "POST"])
def department_create(request: HttpRequest) -> HttpResponse:
    writable = permissions.department_fields_writable_by(request.user, None)
    if not writable:
        raise PermissionDenied("Only a CoE manager can add departments.")
    form = DepartmentForm(request.POST or None, writable=writable, lead_queryset=_lead_choices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            department = services.department_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"{department} was added.")
            return redirect(department)
    return render(request, "coe/department_form.html", {"form": form, "department": None})


@require_http_methods(["GET", "POST"])
def department_edit(request: HttpRequest, slug: str) -> HttpResponse:
    department = selectors.department_get(user=request.user, slug=slug)
    writable = permissions.department_fields_writable_by(request.user, department)
    if not writable:
        raise PermissionDenied("Only a CoE manager or the department's lead can edit it.")
    form = DepartmentForm(
        request.POST or None, instance=department, writable=writable, lead_queryset=_lead_choices(request.user)
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            department = services.department_update(actor=request.user, department=department, changes=changes)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"{department} was saved.")
            return redirect(department)
    return render(request, "coe/department_form.html", {"form": form, "department": department})


# --- Error pages and lockout, in the site's layout (or the API's JSON shape under /api/) -------


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


@login_not_required
def bad_request(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body("bad_request", "The request could not be understood."), status=400)
    return TemplateResponse(request, "400.html", status=400).render()


@login_not_required
def permission_denied(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body("permission_denied", "You may not do this."), status=403)
    message = str(exception) if exception and str(exception) else ""
    return TemplateResponse(request, "403.html", {"message": message}, status=403).render()


@login_not_required
def page_not_found(request, exception=None):
    if _is_api(request):
        return api_not_found(request, exception)
    return TemplateResponse(request, "404.html", status=404).render()


@login_not_required
def server_error(request):
    if _is_api(request):
        return JsonResponse(
            error_body("server_error", "Something went wrong on our side; it has been logged."), status=500
        )
    # Rendered without context processors: the database may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({"request_path": request.path}), status=500)


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """django-axes: what a locked-out person sees (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = f"Too many failed sign-in attempts. Try again in {minutes} minutes, or reset your password."
    if _is_api(request):
        return JsonResponse(error_body("locked_out", message), status=429)
    return TemplateResponse(request, "registration/locked_out.html", {"message": message}, status=429).render()
