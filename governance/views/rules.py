"""Content rules: the list (CoE staff and approvers read it), the form the CoE keeps them with,
and the rule tester — any text, as if posted to a channel or by a department, its findings
highlighted where they are."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe.errors import DomainError
from coe.forms import form_add_domain_error
from governance import permissions
from governance.forms.rules import KIND_FIELDS, RuleForm, TesterForm
from governance.models import AuditEntry, RuleKind, RuleSeverity
from governance.rules import segments
from governance.selectors import rules as selectors
from governance.services import rules as services

RULES_PER_PAGE = 50


def _require_viewer(user) -> None:
    if not permissions.can_view_rules(user):
        raise PermissionDenied("Content rules are for the CoE team and the reviewers their warnings call in.")


def _filters(request: HttpRequest) -> selectors.RuleFilters:
    get = request.GET
    return selectors.RuleFilters(
        search=get.get("q", "").strip(),
        kind=get.get("kind", "") if get.get("kind") in RuleKind.values else "",
        severity=get.get("severity", "") if get.get("severity") in RuleSeverity.values else "",
        status=get.get("status", "") if get.get("status") in {"active", "inactive"} else "",
    )


@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_viewer(user)
    filters = _filters(request)
    page = Paginator(selectors.rules_list(user=user, filters=filters), RULES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "kinds": RuleKind.choices,
        "counts": selectors.rule_counts(user=user),
        "can_add": permissions.can_add_rules(user),
        "can_edit": permissions.can_edit_rules(user),
        "can_test": permissions.can_test_rules(user),
    }
    template = "governance/partials/_rule_table.html" if request.htmx else "governance/rule_list.html"
    return render(request, template, context)


@require_GET
def rule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_viewer(user)
    rule = selectors.rule_get(user=user, pk=pk)
    history = []
    if permissions.can_view_audit(user):
        history = list(
            AuditEntry.objects.filter(object_type="contentrule", object_id=str(rule.pk)).order_by("-created_at")[:10]
        )
    context = {
        "rule": rule,
        "clause_url": selectors.clause_url(rule),
        "history": history,
        "can_edit": permissions.can_edit_rules(user),
        "can_delete": permissions.can_delete_rules(user),
        "can_test": permissions.can_test_rules(user),
    }
    return render(request, "governance/rule_detail.html", context)


def _place_config_error(form: RuleForm, error: DomainError) -> None:
    """A problem with the settings shows next to the first setting of the chosen kind."""
    if "config" in error.fields and form.is_bound and form.cleaned_data.get("kind") in KIND_FIELDS:
        first = KIND_FIELDS[form.cleaned_data["kind"]][0]
        error.fields = {**{k: v for k, v in error.fields.items() if k != "config"}, first: error.fields["config"]}
    form_add_domain_error(form, error)


@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    _require_viewer(user)
    rule = selectors.rule_get(user=user, pk=pk) if pk else None
    if not (permissions.can_edit_rules(user) if rule else permissions.can_add_rules(user)):
        raise PermissionDenied("Only the CoE team writes and changes content rules.")
    title = f"Edit {rule.name}" if rule else "New content rule"
    initial = None if rule else {"applies_everywhere": True, "severity": RuleSeverity.BLOCK, "ignore_case": True}
    form = RuleForm(request.POST or None, rule=rule, **({"initial": initial} if initial else {}))
    if request.method == "POST" and form.is_valid():
        try:
            if rule is None:
                saved = services.rule_create(actor=user, fields=form.service_fields())
            else:
                saved = services.rule_update(actor=user, rule=rule, changes=form.service_fields())
        except DomainError as error:
            _place_config_error(form, error)
        else:
            messages.success(request, f"Rule “{saved}” saved; posts are checked against it from now on.")
            return redirect("governance:rule_detail", pk=saved.pk)
    return render(request, "governance/rule_form.html", {"form": form, "rule": rule, "title": title})


@require_POST
def rule_switch(request: HttpRequest, pk: int, on: bool) -> HttpResponse:
    user = request.user
    _require_viewer(user)
    rule = selectors.rule_get(user=user, pk=pk)
    if not permissions.can_edit_rules(user):
        raise PermissionDenied("Only the CoE team switches content rules on and off.")
    try:
        if on:
            services.rule_activate(actor=user, rule=rule)
            messages.success(request, f"“{rule}” is checked again.")
        else:
            services.rule_deactivate(actor=user, rule=rule)
            messages.success(request, f"“{rule}” is switched off; posts are no longer checked against it.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("governance:rule_detail", pk=rule.pk)


@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_viewer(user)
    rule = selectors.rule_get(user=user, pk=pk)
    if not permissions.can_delete_rules(user):
        raise PermissionDenied("Only the CoE team deletes content rules.")
    try:
        services.rule_delete(actor=user, rule=rule)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("governance:rule_detail", pk=rule.pk)
    messages.success(request, f"Rule “{rule}” deleted.")
    return redirect("governance:rule_list")


@require_http_methods(["GET", "POST"])
def rule_tester(request: HttpRequest) -> HttpResponse:
    """Try the active rules on any text. htmx posts as the text changes and gets the findings."""
    user = request.user
    if not permissions.can_test_rules(user):
        raise PermissionDenied("The rule tester is for the CoE team.")
    form = TesterForm(request.POST or None)
    context: dict = {"form": form, "tested": False}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        channel, department = data["channel"], data["department"]
        result = services.content_check(
            text=data["text"],
            link=data["link"],
            channel_ids=[channel.pk] if channel else [],
            department_id=department.pk if department else (channel.department_id if channel else None),
            sponsored=data["sponsored"],
        )
        findings = list(result.findings)
        context.update(
            tested=True,
            result=result,
            findings=findings,
            text_segments=segments(data["text"], findings),
            link_segments=segments(data["link"], findings, offsets={"link": 0}),
            link=data["link"],
        )
    template = "governance/partials/_rule_tester_result.html" if request.htmx else "governance/rule_tester.html"
    return render(request, template, context)
