"""KPI pages: the list with each KPI's actual against target (everyone who sees figures), and
creating, changing, deactivating KPIs and setting their targets (CoE staff)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from analytics import permissions
from analytics.forms.kpis import KpiForm, KpiTargetForm
from analytics.models import Kpi
from analytics.selectors import kpis as selectors
from analytics.services import kpis as services
from coe.errors import DomainError
from coe.forms import form_add_domain_error


def _require_viewer(user) -> None:
    if not permissions.can_view_dashboard(user):
        raise PermissionDenied("KPIs are for the CoE team, leadership and department liaisons.")


def _require_manager(user) -> None:
    if not permissions.can_manage_analytics(user):
        raise PermissionDenied("Only the CoE team defines KPIs and their targets.")


def _kpi(user, pk: int) -> Kpi:
    try:
        return selectors.kpi_for(user=user, pk=pk)
    except Kpi.DoesNotExist as exc:
        raise Http404("No such KPI.") from exc


@require_GET
def kpi_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_viewer(user)
    show = request.GET.get("show", "active")
    kpis = selectors.kpis_visible_to(user)
    if show != "all":
        kpis = kpis.filter(is_active=True)
    statuses = selectors.kpi_statuses(user=user, on=timezone.localdate(), periods_back=5, kpis=kpis)
    context = {
        "kpi_statuses": statuses,
        "status_labels": selectors.STATUS_LABELS,
        "show": show,
        "can_manage": permissions.can_manage_analytics(user),
        "at_risk_margin": int(selectors.AT_RISK_MARGIN * 100),
    }
    return render(request, "analytics/kpi_list.html", context)


@require_http_methods(["GET", "POST"])
def kpi_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_manager(user)
    form = KpiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kpi = services.kpi_create(actor=user, fields=form.settings())
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"KPI “{kpi}” created. Now set its targets.")
            return redirect("analytics:kpi_edit", pk=kpi.pk)
    return render(request, "analytics/kpi_form.html", {"form": form, "kpi": None, "title": "New KPI"})


@require_http_methods(["GET", "POST"])
def kpi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_manager(user)
    kpi = _kpi(user, pk)
    form = KpiForm(request.POST or None, instance=kpi)
    if request.method == "POST" and form.is_valid():
        try:
            kpi = services.kpi_update(actor=user, kpi=kpi, changes=form.settings())
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"KPI “{kpi}” saved.")
            return redirect("analytics:kpi_edit", pk=kpi.pk)
    return _edit_page(request, kpi, form=form, target_form=KpiTargetForm())


def _edit_page(request, kpi: Kpi, *, form, target_form) -> HttpResponse:
    statuses = selectors.kpi_statuses(user=request.user, on=timezone.localdate(), periods_back=11, kpis=[kpi])
    context = {
        "form": form,
        "target_form": target_form,
        "kpi": kpi,
        "title": f"Edit {kpi.name}",
        "status": statuses[0] if statuses else None,
        "targets": kpi.targets.order_by("-period_start")[:24],
        "status_labels": selectors.STATUS_LABELS,
    }
    return render(request, "analytics/kpi_form.html", context)


@require_POST
def kpi_target_set(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_manager(user)
    kpi = _kpi(user, pk)
    target_form = KpiTargetForm(request.POST)
    if target_form.is_valid():
        try:
            services.kpi_target_set(
                actor=user,
                kpi=kpi,
                period_start_on=target_form.cleaned_data["period_start"],
                target=target_form.cleaned_data["target"],
            )
        except DomainError as error:
            form_add_domain_error(target_form, error)
        else:
            messages.success(request, "Target saved.")
            return redirect(reverse("analytics:kpi_edit", kwargs={"pk": kpi.pk}) + "#targets")
    return _edit_page(request, kpi, form=KpiForm(instance=kpi), target_form=target_form)


@require_POST
def kpi_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_manager(user)
    kpi = _kpi(user, pk)
    try:
        services.kpi_deactivate(actor=user, kpi=kpi)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"KPI “{kpi}” is no longer tracked.")
    return redirect("analytics:kpis")
