"""Investment (what each department spends on social, by month and category: read by the CoE team,
leadership and each department's liaisons; recorded, changed, deleted and imported by the CoE
team) and the value settings behind the ROI report."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from analytics import permissions
from analytics.forms.investment import InvestmentForm, InvestmentImportForm, ValueSettingsForm
from analytics.models import Investment, InvestmentCategory, ValueSettings
from analytics.selectors import investment as selectors
from analytics.services import investment as services
from coe.errors import DomainError
from coe.exports import csv_response
from coe.forms import form_add_domain_error

ENTRIES_PER_PAGE = 50
TEMPLATE_ROWS = [
    ["2026-01", "Marketing", "ads", "1500.00", "", "", "", "", "Paid social, January"],
    ["2026-01", "Marketing", "people", "", "40", "65.00", "", "", "Community management hours"],
    ["2026-01", "Customer Service", "people", "", "", "", "0.5", "72000", "Half an FTE on social care"],
    ["2026-01", "Customer Service", "tools", "320.00", "", "", "", "", "Social inbox licences"],
]


def _require_view(user) -> None:
    if not permissions.can_view_investment(user):
        raise PermissionDenied(selectors.INVESTMENT_AUDIENCE)


def _require_manage(user) -> None:
    if not permissions.can_manage_investment(user):
        raise PermissionDenied("Only the CoE team records investment.")


def _entry(user, pk: int) -> Investment:
    try:
        return selectors.investment_for(user=user, pk=pk)
    except Investment.DoesNotExist as exc:
        raise Http404("No such investment entry.") from exc


@require_GET
def investment(request: HttpRequest) -> HttpResponse:
    """Entries by month, department and category, with totals per month and category."""
    user = request.user
    _require_view(user)
    filters = selectors.InvestmentFilters.from_query(request.GET, user=user)
    entries = selectors.investments_list(user=user, filters=filters)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "totals": selectors.investments_totals(entries),
        "departments": selectors.departments_for_investment(user),
        "categories": InvestmentCategory.choices,
        "can_manage": permissions.can_manage_investment(user),
        "can_manage_values": permissions.can_manage_value_settings(user),
        "page_query": query.urlencode(),
    }
    return render(request, "analytics/investment.html", context)


@require_http_methods(["GET", "POST"])
def investment_create(request: HttpRequest) -> HttpResponse:
    _require_manage(request.user)
    departments = selectors.departments_for_investment(request.user)
    form = InvestmentForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.investment_create(actor=request.user, values=form.values())
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Recorded: {entry} ({entry.cost}).")
            if "another" in request.POST:
                return redirect("analytics:investment_create")
            return redirect("analytics:investment")
    return render(request, "analytics/investment_form.html", {"form": form, "entry": None})


@require_http_methods(["GET", "POST"])
def investment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request.user, pk)
    _require_manage(request.user)
    departments = selectors.departments_for_investment(request.user)
    initial = {name: getattr(entry, name) for name in services.FIELDS}
    form = InvestmentForm(request.POST or None, departments=departments, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.investment_update(actor=request.user, investment=entry, values=form.values())
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Saved: {entry} ({entry.cost}).")
            return redirect("analytics:investment")
    return render(request, "analytics/investment_form.html", {"form": form, "entry": entry})


@require_POST
def investment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request.user, pk)
    _require_manage(request.user)
    label = str(entry)
    try:
        services.investment_delete(actor=request.user, investment=entry)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Deleted: {label}.")
    return redirect("analytics:investment")


@require_http_methods(["GET", "POST"])
def investment_import(request: HttpRequest) -> HttpResponse:
    _require_manage(request.user)
    form = InvestmentImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.investments_import(
                actor=request.user, file=form.cleaned_data["file"], mode=form.cleaned_data["mode"]
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            if report.created:
                messages.success(request, f"{report.created} entr{'ies' if report.created != 1 else 'y'} imported.")
            elif report.errors:
                messages.error(request, "Nothing was imported: fix the rows below and upload the file again.")
    context = {
        "form": form,
        "report": report,
        "columns": services.IMPORT_COLUMNS,
        "categories": InvestmentCategory.choices,
    }
    return render(request, "analytics/investment_import.html", context)


@require_GET
def investment_import_template(request: HttpRequest) -> HttpResponse:
    """A CSV with the columns and a few example rows to fill in."""
    _require_manage(request.user)
    return csv_response(services.IMPORT_COLUMNS, TEMPLATE_ROWS, "investment-template.csv")


@require_http_methods(["GET", "POST"])
def value_settings(request: HttpRequest) -> HttpResponse:
    """What an engagement and a lead are worth (CoE staff; leadership reads them on the ROI page)."""
    if not permissions.can_manage_value_settings(request.user):
        raise PermissionDenied("Only the CoE team sets what results are worth.")
    current = ValueSettings.current()
    initial = {
        "currency": current.currency,
        "value_per_engagement": current.value_per_engagement,
        "value_per_lead": current.value_per_lead,
    }
    form = ValueSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.value_settings_update(actor=request.user, values=form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, "Value settings saved; the ROI report uses them from now on.")
            return redirect("analytics:roi")
    return render(request, "analytics/value_settings.html", {"form": form, "current": current})
