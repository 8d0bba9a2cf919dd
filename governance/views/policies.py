"""Policy pages: the policies that apply to me and accepting them; a policy with its versions and
diffs; writing, publishing and retiring versions (the CoE); the compliance report and its CSV."""

from __future__ import annotations

from datetime import UTC

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe import permissions as coe_permissions
from coe.errors import DomainError
from coe.exports import csv_response
from coe.forms import form_add_domain_error
from governance import permissions
from governance.forms.policies import PolicyForm, VersionForm
from governance.models import PolicyVersion
from governance.policy_text import diff_texts, render_markdown, rendered
from governance.selectors import policies as selectors
from governance.services import policies as services

OVERDUE_SHOWN = 100
PREVIEW_MAX_CHARS = 200_000


def _require_reader(user) -> None:
    if not permissions.can_view_policies(user):
        raise PermissionDenied("Sign in to read the policies.")


def _require_compliance(user) -> None:
    if not permissions.can_view_compliance(user):
        raise PermissionDenied("The compliance report is for the CoE team and leadership.")


def _owners(user):
    return coe_permissions.people_visible_to(user).filter(is_active=True).order_by("first_name", "last_name")


# --- reading ------------------------------------------------------------------------------------


@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    mine = selectors.policies_for_person(user=user)
    context = {
        "mine": mine,
        "open_count": sum(1 for row in mine if row.is_open),
        "can_create": permissions.can_create_policies(user),
        "can_view_compliance": permissions.can_view_compliance(user),
    }
    if permissions.can_edit_policies(user) or permissions.can_view_compliance(user):
        completion = {c.policy.pk: c for c in selectors.completion_by_policy(user=user)}
        all_policies = (
            permissions.policies_visible_to(user)
            .select_related("current_version", "owner")
            .prefetch_related("audience_departments", "audience_roles")
            .order_by("title")
        )
        drafts = set(
            permissions.versions_visible_to(user)
            .filter(status=PolicyVersion.Status.DRAFT)
            .values_list("policy_id", flat=True)
        )
        context["all_policies"] = [
            {
                "policy": policy,
                "completion": completion.get(policy.pk),
                "has_draft": policy.pk in drafts,
                "audience": services.audience_label(policy),
            }
            for policy in all_policies
        ]
        context["today"] = timezone.localdate()
    return render(request, "governance/policy_list.html", context)


def _version_context(request: HttpRequest, policy, version) -> dict:
    user = request.user
    history = selectors.version_history(user=user, policy=policy)
    draft = next((v for v in history if v.status == PolicyVersion.Status.DRAFT), None)
    text = rendered(version) if version is not None else None
    return {
        "policy": policy,
        "version": version,
        "text": text,
        "history": history,
        "draft": draft,
        "audience": services.audience_label(policy),
        "status": selectors.policy_status(user=user, policy=policy),
        "can_edit": permissions.can_edit_policy(user, policy),
        "can_edit_settings": bool(permissions.policy_fields_writable_by(user, policy)),
        "can_publish": permissions.can_publish_policies(user),
        "can_view_compliance": permissions.can_view_compliance(user),
        "completion": selectors.policy_completion(user=user, policy=policy),
        "today": timezone.localdate(),
    }


@require_GET
def policy_detail(request: HttpRequest, slug: str) -> HttpResponse:
    _require_reader(request.user)
    policy = selectors.policy_get(user=request.user, slug=slug)
    context = _version_context(request, policy, policy.current_version)
    return render(request, "governance/policy_detail.html", context)


@require_GET
def version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    _require_reader(request.user)
    policy = selectors.policy_get(user=request.user, slug=slug)
    version = selectors.version_get(user=request.user, policy=policy, number=number)
    if version.pk == policy.current_version_id:
        return redirect(policy)
    context = _version_context(request, policy, version)
    return render(request, "governance/policy_detail.html", context)


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_GET
def policy_diff(request: HttpRequest, slug: str) -> HttpResponse:
    """Two versions side by side in one column: what was removed and what came in, word by word.
    Without ``from``/``to``: the current version against the one before it."""
    _require_reader(request.user)
    policy = selectors.policy_get(user=request.user, slug=slug)
    versions = selectors.version_history(user=request.user, policy=policy)
    if len(versions) < 2:
        messages.info(request, "This policy has only one version: there is nothing to compare yet.")
        return redirect(policy)
    by_number = {v.number: v for v in versions}
    to_number = _number(request.GET.get("to")) or (
        policy.current_version.number if policy.current_version else versions[0].number
    )
    newer = by_number.get(to_number)
    if newer is None:
        raise Http404("No such version.")
    older_numbers = [n for n in by_number if n < newer.number]
    from_number = _number(request.GET.get("from")) or (max(older_numbers) if older_numbers else None)
    older = by_number.get(from_number) if from_number is not None else None
    if older is None:
        older = by_number[min(n for n in by_number if n != newer.number)]
    context = {
        "policy": policy,
        "older": older,
        "newer": newer,
        "versions": versions,
        "diff": diff_texts(older.body, newer.body),
    }
    return render(request, "governance/policy_diff.html", context)


# --- accepting ----------------------------------------------------------------------------------


@require_POST
def policy_acknowledge(request: HttpRequest, slug: str) -> HttpResponse:
    """“I have read and accept” the version the person read (its id comes with the form, so a
    version published meanwhile is not accepted unseen)."""
    _require_reader(request.user)
    policy = selectors.policy_get(user=request.user, slug=slug)
    version_id = _number(request.POST.get("version"))
    version = (
        permissions.versions_visible_to(request.user).filter(policy=policy, pk=version_id).first()
        if version_id
        else None
    )
    error = outcome = None
    if version is None:
        error = "Choose the version you read: reload the page and try again."
    else:
        try:
            outcome = services.acknowledgment_record(actor=request.user, version=version)
        except DomainError as exc:
            error = exc.message
    if request.htmx:
        context = {
            "policy": policy,
            "version": policy.current_version,
            "status": selectors.policy_status(user=request.user, policy=policy),
            "audience": services.audience_label(policy),
            "error": error,
            "just_accepted": outcome.message if outcome else "",
        }
        return render(request, "governance/partials/_acknowledge_panel.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, outcome.message)
    return redirect(policy)


# --- writing (CoE staff, and a policy's owner) ---------------------------------------------------


@require_http_methods(["GET", "POST"])
def policy_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    writable = permissions.policy_fields_writable_by(user, None)
    if not writable:
        raise PermissionDenied("Only the CoE team creates policies.")
    form = PolicyForm(request.POST or None, writable=writable, owners=_owners(user), creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_create(actor=user, fields=form.settings(), body=form.cleaned_data["body"])
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Policy “{policy}” created with its first draft. Read it over, then publish it.")
            return redirect("governance:policy_version_edit", slug=policy.slug, number=1)
    return render(request, "governance/policy_form.html", {"form": form, "policy": None, "title": "New policy"})


@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, slug: str) -> HttpResponse:
    user = request.user
    _require_reader(user)
    policy = selectors.policy_get(user=user, slug=slug)
    writable = permissions.policy_fields_writable_by(user, policy)
    if not writable:
        raise PermissionDenied("Only the CoE team and the policy's owner change a policy.")
    title = f"Settings of {policy.title}"
    form = PolicyForm(request.POST or None, instance=policy, writable=writable, owners=_owners(user))
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_update(actor=user, policy=policy, changes=form.settings())
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Policy “{policy}” saved.")
            return redirect(policy)
    return render(request, "governance/policy_form.html", {"form": form, "policy": policy, "title": title})


@require_POST
def version_draft(request: HttpRequest, slug: str) -> HttpResponse:
    _require_reader(request.user)
    policy = selectors.policy_get(user=request.user, slug=slug)
    if not permissions.can_edit_policy(request.user, policy):
        raise PermissionDenied("Only the CoE team and the policy's owner write new versions.")
    try:
        version = services.policy_version_draft(actor=request.user, policy=policy)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(policy)
    messages.success(request, f"{version.label} started from the current text.")
    return redirect("governance:policy_version_edit", slug=policy.slug, number=version.number)


@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    _require_reader(request.user)
    policy = selectors.policy_get(user=request.user, slug=slug)
    version = selectors.version_get(user=request.user, policy=policy, number=number)
    if not permissions.can_edit_policy(request.user, policy):
        raise PermissionDenied("Only the CoE team and the policy's owner edit drafts.")
    if version.status != PolicyVersion.Status.DRAFT:
        messages.info(
            request, f"{version.label} is {version.get_status_display().lower()}; start a new draft to change it."
        )
        return redirect("governance:policy_version_detail", slug=policy.slug, number=version.number)
    form = VersionForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in VersionForm.Meta.fields}
        try:
            services.policy_version_update(actor=request.user, version=version, changes=changes)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Draft {version.label} saved.")
            return redirect("governance:policy_version_detail", slug=policy.slug, number=version.number)
    context = {
        "form": form,
        "policy": policy,
        "version": version,
        "preview": rendered(version),
        "can_publish": permissions.can_publish_policies(request.user),
        "is_first": policy.acknowledgment_version_id is None,
    }
    return render(request, "governance/policy_version_form.html", context)


@require_POST
def policy_preview(request: HttpRequest) -> HttpResponse:
    """The draft's text as it will read, while it is typed (htmx)."""
    if not (
        permissions.can_edit_policies(request.user)
        or permissions.policies_visible_to(request.user).filter(owner=request.user).exists()
    ):
        raise PermissionDenied("Previews are for people who write policies.")
    text = request.POST.get("body", "")[:PREVIEW_MAX_CHARS]
    return render(request, "governance/partials/_policy_text.html", {"text": render_markdown(text)})


def _transition(request: HttpRequest, slug: str, number: int, service, done: str) -> HttpResponse:
    _require_reader(request.user)
    policy = selectors.policy_get(user=request.user, slug=slug)
    version = selectors.version_get(user=request.user, policy=policy, number=number)
    try:
        service(actor=request.user, version=version)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("governance:policy_version_detail", slug=policy.slug, number=version.number)
    messages.success(request, done.format(label=version.label, policy=policy))
    return redirect(policy)


@require_POST
def version_publish(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _transition(request, slug, number, services.policy_version_publish, "{label} of “{policy}” is published.")


@require_POST
def version_retire(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _transition(
        request,
        slug,
        number,
        services.policy_version_retire,
        "{label} of “{policy}” is retired; the policy is withdrawn until a new version is published.",
    )


@require_POST
def version_delete(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _transition(request, slug, number, services.policy_version_delete, "The draft {label} was deleted.")


# --- compliance ---------------------------------------------------------------------------------


def _report_policy(request: HttpRequest):
    policies = list(selectors.policies_with_published_acknowledgment(user=request.user))
    wanted = request.GET.get("policy", "")
    chosen = next((p for p in policies if p.slug == wanted), None)
    if chosen is None and wanted:
        raise Http404("No such policy in the report.")
    if chosen is None and policies:
        chosen = next((p for p in policies if p.category == "social_media"), policies[0])
    return policies, chosen


@require_GET
def policy_compliance(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_compliance(user)
    policies, chosen = _report_policy(request)
    context = {
        "completions": selectors.completion_by_policy(user=user),
        "policies": policies,
        "chosen": chosen,
        "departments": [],
        "overdue": [],
        "overdue_total": 0,
        "overdue_shown": OVERDUE_SHOWN,
    }
    if chosen is not None:
        context["chosen_completion"] = selectors.policy_completion(user=user, policy=chosen)
        context["departments"] = selectors.completion_by_department(user=user, policy=chosen)
        context["overdue"], context["overdue_total"] = selectors.overdue_people(
            user=user, policy=chosen, limit=OVERDUE_SHOWN
        )
    template = "governance/partials/_compliance_policy.html" if request.htmx else "governance/policy_compliance.html"
    return render(request, template, context)


PEOPLE_COLUMNS = [
    "policy",
    "version to accept",
    "person",
    "username",
    "email",
    "departments",
    "status",
    "due on",
    "accepted version",
    "accepted at (UTC)",
    "reminded at (UTC)",
    "escalated at (UTC)",
]
DEPARTMENT_COLUMNS = [
    "policy",
    "version to accept",
    "department",
    "people",
    "accepted",
    "to accept",
    "overdue",
    "% accepted",
]


def _utc(value) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else ""


@require_GET
def policy_compliance_export(request: HttpRequest) -> HttpResponse:
    """The chosen policy's audience, one row per person (``by=person``, the default) or per
    department (``by=department``), streamed."""
    user = request.user
    _require_compliance(user)
    _, policy = _report_policy(request)
    if policy is None:
        raise Http404("No published policy asks for acceptance yet.")
    label = policy.acknowledgment_version.label
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    if request.GET.get("by") == "department":
        rows = (
            [policy.title, label, c.department, c.audience, c.acknowledged, c.pending, c.overdue, c.percent]
            for c in selectors.completion_by_department(user=user, policy=policy)
        )
        return csv_response(DEPARTMENT_COLUMNS, rows, f"{policy.slug}-departments-{stamp}.csv")
    rows = (
        [
            policy.title,
            label,
            str(row.person),
            row.person.username,
            row.person.email,
            row.departments,
            row.label,
            row.due_on.isoformat() if row.due_on else "",
            f"v{row.acknowledged_number}" if row.acknowledged_number else "",
            _utc(row.acknowledged_at),
            _utc(row.reminded_at),
            _utc(row.escalated_at),
        ]
        for row in selectors.compliance_rows(user=user, policy=policy, department=request.GET.get("department", ""))
    )
    return csv_response(PEOPLE_COLUMNS, rows, f"{policy.slug}-acceptance-{stamp}.csv")
