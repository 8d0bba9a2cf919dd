"""The charter pages: the current charter with its objectives' KPI status, each version, the diff
between two versions, drafting and approving (CoE manager), and the objectives (CoE staff)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe import permissions
from coe.errors import DomainError
from coe.forms import form_add_domain_error
from coe.forms.charter import CharterVersionForm, ObjectiveForm
from coe.models import CharterVersion, Objective
from coe.selectors import charter as selectors
from coe.services import charter as services


def _version_or_404(user, number: int) -> CharterVersion:
    try:
        return selectors.charter_version_get(user=user, number=number)
    except CharterVersion.DoesNotExist as missing:
        raise Http404("No such charter version.") from missing


def _objective_or_404(user, pk: int) -> Objective:
    try:
        return selectors.objective_get(user=user, pk=pk)
    except Objective.DoesNotExist as missing:
        raise Http404("No such objective.") from missing


def _require_view(user) -> None:
    if not permissions.can_view_charter(user):
        raise PermissionDenied("You do not have access to the charter.")


def _sections(version: CharterVersion | None) -> list[tuple[str, str]]:
    if version is None:
        return []
    return [(label, getattr(version, name)) for name, label in CharterVersion.SECTIONS]


@require_GET
def charter(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_view(user)
    versions = list(selectors.charter_versions(user=user))
    current = next((v for v in versions if v.status == CharterVersion.Status.APPROVED), None)
    draft = next((v for v in versions if v.status == CharterVersion.Status.DRAFT), None)
    previous = next((v for v in versions if current and v.number < current.number and v.status != "draft"), None)
    return render(
        request,
        "coe/charter.html",
        {
            "current": current,
            "sections": _sections(current),
            "draft": draft,
            "previous": previous,
            "versions": versions,
            "objectives": selectors.objectives_with_status(
                user=user, objectives=selectors.objectives_list(user=user, active_only=True)
            ),
            "can_edit": permissions.can_edit_charter(user),
            "can_approve": permissions.can_approve_charter(user),
            "can_manage_objectives": permissions.can_manage_objectives(user),
        },
    )


@require_GET
def charter_version(request: HttpRequest, number: int) -> HttpResponse:
    _require_view(request.user)
    version = _version_or_404(request.user, number)
    return render(
        request,
        "coe/charter_version.html",
        {
            "version": version,
            "sections": _sections(version),
            "can_edit": permissions.can_edit_charter(request.user) and version.status == CharterVersion.Status.DRAFT,
            "can_approve": permissions.can_approve_charter(request.user)
            and version.status == CharterVersion.Status.DRAFT,
        },
    )


@require_GET
def charter_diff(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_view(user)
    versions = list(selectors.charter_versions(user=user))
    if not versions:
        raise Http404("The charter has no versions yet.")
    try:
        to_number = int(request.GET.get("to") or versions[0].number)
        from_number = int(request.GET.get("from") or next((v.number for v in versions if v.number < to_number), 0))
    except ValueError as bad:
        raise Http404("Versions are numbers.") from bad
    by_number = {v.number: v for v in versions}
    new, old = by_number.get(to_number), by_number.get(from_number)
    if new is None or old is None:
        raise Http404("Pick two versions you can see.")
    return render(
        request,
        "coe/charter_diff.html",
        {"old": old, "new": new, "sections": selectors.charter_diff(old=old, new=new), "versions": versions},
    )


@require_POST
def charter_version_start(request: HttpRequest) -> HttpResponse:
    if not permissions.can_edit_charter(request.user):
        raise PermissionDenied("Only the CoE manager writes the charter.")
    try:
        version = services.charter_version_start(actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("coe:charter")
    messages.success(request, f"Charter v{version.number} started from the current version.")
    return redirect("coe:charter_version_edit", number=version.number)


@require_http_methods(["GET", "POST"])
def charter_version_edit(request: HttpRequest, number: int) -> HttpResponse:
    if not permissions.can_edit_charter(request.user):
        raise PermissionDenied("Only the CoE manager writes the charter.")
    version = _version_or_404(request.user, number)
    if version.status != CharterVersion.Status.DRAFT:
        messages.error(request, f"Charter v{version.number} is history and never changes: start a new version.")
        return redirect("coe:charter_version", number=version.number)
    form = CharterVersionForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.charter_version_update(
                actor=request.user, version=version, changes={name: form.cleaned_data[name] for name in form.fields}
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Draft v{version.number} saved.")
            return redirect("coe:charter_version", number=version.number)
    return render(request, "coe/charter_form.html", {"form": form, "version": version})


@require_POST
def charter_version_approve(request: HttpRequest, number: int) -> HttpResponse:
    if not permissions.can_approve_charter(request.user):
        raise PermissionDenied("Only the CoE manager approves the charter.")
    version = _version_or_404(request.user, number)
    try:
        services.charter_version_approve(actor=request.user, version=version)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("coe:charter_version", number=version.number)
    messages.success(request, f"Charter v{version.number} is now the current charter.")
    return redirect("coe:charter")


# --- objectives -----------------------------------------------------------------------------------


def _require_objectives(user) -> None:
    if not permissions.can_manage_objectives(user):
        raise PermissionDenied("Only the CoE keeps the objectives.")


def _owners(user):
    return permissions.people_visible_to(user).filter(is_active=True).order_by("first_name", "last_name")


@require_GET
def objective_list(request: HttpRequest) -> HttpResponse:
    _require_objectives(request.user)
    objectives = selectors.objectives_list(user=request.user).order_by("-is_active", "-period_start", "title")
    return render(request, "coe/objective_list.html", {"objectives": objectives})


@require_http_methods(["GET", "POST"])
def objective_create(request: HttpRequest) -> HttpResponse:
    _require_objectives(request.user)
    form = ObjectiveForm(request.POST or None, owners=_owners(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            objective = services.objective_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Objective “{objective}” added.")
            return redirect("coe:objective_list")
    return render(request, "coe/objective_form.html", {"form": form, "objective": None})


@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_objectives(request.user)
    objective = _objective_or_404(request.user, pk)
    form = ObjectiveForm(request.POST or None, instance=objective, owners=_owners(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_update(actor=request.user, objective=objective, changes=dict(form.cleaned_data))
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Objective “{objective}” saved.")
            return redirect("coe:objective_list")
    return render(request, "coe/objective_form.html", {"form": form, "objective": objective})


@require_POST
def objective_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    _require_objectives(request.user)
    objective = _objective_or_404(request.user, pk)
    services.objective_update(
        actor=request.user, objective=objective, changes={"is_active": request.POST.get("active") == "1"}
    )
    messages.success(
        request, f"Objective “{objective}” {'reactivated' if request.POST.get('active') == '1' else 'deactivated'}."
    )
    return redirect("coe:objective_list")
