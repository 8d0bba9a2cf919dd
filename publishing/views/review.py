"""The review queue: what waits on me, what changed since I last looked, one-click decisions,
bulk approval for routine posts; and stand-ins while I am away."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe.errors import DomainError
from coe.forms import form_add_domain_error
from coe.selectors import departments_list
from publishing import permissions, selectors
from publishing.forms import DecisionForm, DelegationForm
from publishing.models import Campaign, Delegation
from publishing.services import workflow
from publishing.views.common import int_or_none, query_without_page
from publishing.views.posts import word_diff


@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_use_review_queue(user):
        raise PermissionDenied("The review queue is for reviewers and the CoE.")
    filters = selectors.QueueFilters(
        channel=int_or_none(request.GET.get("channel")),
        department=request.GET.get("department", ""),
        stage=request.GET.get("stage", ""),
        campaign=int_or_none(request.GET.get("campaign")),
        overdue=request.GET.get("overdue") == "1",
    )
    page = selectors.review_queue(user=user, filters=filters, page=request.GET.get("page"))
    for item in page.object_list:
        item.diff = word_diff(item.seen_text, item.post.text) if item.changed_since_seen and item.seen_text else None
    context = {
        "page": page,
        "items": page.object_list,
        "query": query_without_page(request),
        "filters": filters,
        "stages": selectors.review_stage_names(user=user),
        "channels": permissions.channels_visible_to(user).order_by("name"),
        "departments": departments_list(user=user),
        "campaigns": Campaign.objects.all(),
        "decision_form": DecisionForm(),
        "delegations": Delegation.objects.filter(approver=user, ends_at__gt=timezone.now()).select_related("delegate"),
    }
    template = "publishing/partials/_review_items.html" if request.htmx else "publishing/review_queue.html"
    return render(request, template, context)


@require_POST
def review_bulk_approve(request: HttpRequest) -> HttpResponse:
    """Approve several routine posts at once; each is approved (or refused) on its own."""
    user = request.user
    ids = [int(value) for value in request.POST.getlist("posts") if value.isdigit()]
    if not ids:
        messages.warning(request, "Tick the posts to approve first.")
        return redirect("publishing:review_queue")
    comment = request.POST.get("comment", "")
    approved, problems = 0, []
    for post in permissions.posts_visible_to(user).filter(pk__in=ids).order_by("pk"):
        try:
            workflow.review_approve(actor=user, post=post, comment=comment)
            approved += 1
        except DomainError as error:
            problems.append(f"#{post.pk}: {error.message}")
    if approved:
        messages.success(request, f"Approved {approved} post{'s' if approved != 1 else ''}.")
    for problem in problems:
        messages.error(request, problem)
    return redirect("publishing:review_queue")


@require_http_methods(["GET", "POST"])
def delegations(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_use_review_queue(user):
        raise PermissionDenied("Stand-ins are for reviewers.")
    people = get_user_model().objects.filter(is_active=True).exclude(pk=user.pk).order_by("first_name", "last_name")
    form = DelegationForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            delegation = workflow.delegation_create(actor=user, **form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"{delegation.delegate} stands in for you in that period.")
            return redirect("publishing:delegations")
    context = {
        "form": form,
        "given": Delegation.objects.filter(approver=user).select_related("delegate")[:20],
        "held": Delegation.objects.filter(delegate=user, ends_at__gt=timezone.now()).select_related("approver"),
    }
    return render(request, "publishing/delegations.html", context)


@require_POST
def delegation_end(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = get_object_or_404(Delegation, pk=pk, approver=request.user)
    workflow.delegation_end(actor=request.user, delegation=delegation)
    messages.success(request, f"{delegation.delegate} no longer stands in for you.")
    return redirect("publishing:delegations")
