"""Channels with their health panel, the pause-all switch, approval policies, and the list of
publications that need a person (failed, unknown, held)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe.errors import DomainError
from coe.forms import form_add_domain_error
from publishing import permissions, selectors
from publishing.adapters import ADAPTERS
from publishing.forms import ChannelForm, PauseForm, PolicyForm, StageFormSet
from publishing.models import ApprovalPolicy, PublishingControl, PublishingControlEvent
from publishing.services import channels as channel_services
from publishing.services import dispatch, policies
from publishing.views.common import show_error


@require_GET
def channel_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (permissions.can_change_channel(user) or permissions.can_view_all_posts(user)):
        raise PermissionDenied("Channels are managed by the CoE.")
    control = PublishingControl.current()
    context = {
        "channels": selectors.channels_list(user=user),
        "control": control,
        "control_events": PublishingControlEvent.objects.select_related("actor")[:5],
        "can_pause": permissions.can_pause_publishing(user),
        "can_add": permissions.can_add_channel(user),
        "can_manage_policies": permissions.can_manage_policies(user),
        "pause_form": PauseForm(),
    }
    return render(request, "publishing/channel_list.html", context)


@require_GET
def channel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    channel = selectors.channel_get(user=request.user, pk=pk)
    context = {
        "channel": channel,
        "can_change": permissions.can_change_channel(request.user, channel),
        "recent": channel.publications.select_related("post").order_by("-updated_at")[:20],
        "policies": channel.approval_policies.all(),
    }
    return render(request, "publishing/channel_detail.html", context)


def _channel_form_context(form, channel=None):
    return {
        "form": form,
        "channel": channel,
        "networks": [
            {
                "key": key,
                "label": adapter.label,
                "settings": form.network_fields(key, "setting"),
                "secrets": form.network_fields(key, "secret"),
            }
            for key, adapter in ADAPTERS.items()
        ],
    }


@require_http_methods(["GET", "POST"])
def channel_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_add_channel(request.user):
        raise PermissionDenied("Only the CoE connects channels.")
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ChannelForm.Meta.fields}
        try:
            channel = channel_services.channel_create(
                actor=request.user, settings=form.adapter_settings(), credentials=form.adapter_credentials(), **fields
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"{channel} is connected. Check its connection before the first post.")
            return redirect(channel)
    return render(request, "publishing/channel_form.html", _channel_form_context(form))


@require_http_methods(["GET", "POST"])
def channel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    channel = selectors.channel_get(user=request.user, pk=pk)
    if not permissions.can_change_channel(request.user, channel):
        raise PermissionDenied("Only the CoE changes channels.")
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in ChannelForm.Meta.fields}
        changes["settings"] = form.adapter_settings()
        try:
            # A fresh copy: validating the form already wrote the new values onto ``channel``, and
            # the service compares against the stored ones to audit what changed.
            channel = channel_services.channel_update(
                actor=request.user,
                channel=selectors.channel_get(user=request.user, pk=pk),
                changes=changes,
                credentials=form.adapter_credentials(),
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"{channel} was saved.")
            return redirect(channel)
    return render(request, "publishing/channel_form.html", _channel_form_context(form, channel))


@require_POST
def channel_check(request: HttpRequest, pk: int) -> HttpResponse:
    channel = selectors.channel_get(user=request.user, pk=pk)
    try:
        account = channel_services.channel_check(actor=request.user, channel=channel)
    except DomainError as error:
        show_error(request, error)
    else:
        messages.success(request, f"Connected as {account}. Held publications are back on the schedule.")
    return redirect(channel)


@require_POST
def publishing_pause(request: HttpRequest) -> HttpResponse:
    form = PauseForm(request.POST)
    try:
        if request.POST.get("resume"):
            channel_services.publishing_resume(actor=request.user)
            messages.success(request, "Publishing resumed: due posts go out at the next sweep.")
        else:
            channel_services.publishing_pause(
                actor=request.user, reason=form.data.get("reason", "") if form.is_bound else ""
            )
            messages.warning(request, "All publishing is paused. Nothing goes out until you resume.")
    except DomainError as error:
        show_error(request, error)
    return redirect("publishing:channel_list")


@require_GET
def attention(request: HttpRequest) -> HttpResponse:
    """Failed, unknown and held publications this person may act on, with bulk retry."""
    items = selectors.publications_needing_attention(user=request.user)
    return render(request, "publishing/attention.html", {"items": items[:200]})


@require_POST
def attention_retry(request: HttpRequest) -> HttpResponse:
    ids = [int(value) for value in request.POST.getlist("publications") if value.isdigit()]
    chosen = selectors.publications_needing_attention(user=request.user).filter(pk__in=ids)
    done, problems = dispatch.publications_retry_many(actor=request.user, publications=chosen)
    if done:
        messages.success(request, f"{done} publication{'s' if done != 1 else ''} will be sent again shortly.")
    for problem in problems:
        messages.error(request, problem)
    if not ids:
        messages.warning(request, "Tick the publications to retry first.")
    return redirect("publishing:attention")


# --- approval policies --------------------------------------------------------------------------


@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_all_posts(request.user):
        raise PermissionDenied("Approval policies are the CoE's.")
    policies_qs = (
        permissions.policies_visible_to(request.user)
        .select_related("channel", "department")
        .prefetch_related("stages__group", "stages__people")
    )
    return render(
        request,
        "publishing/policy_list.html",
        {"policies": policies_qs, "can_manage": permissions.can_manage_policies(request.user)},
    )


def _stage_rows(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        if not form.has_changed() or form.cleaned_data.get("DELETE"):
            continue
        data = {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        data["people"] = list(data.get("people") or [])
        rows.append(data)
    return rows


@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not permissions.can_manage_policies(request.user):
        raise PermissionDenied("Only a CoE manager edits approval policies.")
    policy = get_object_or_404(ApprovalPolicy, pk=pk) if pk else None
    initial_stages = (
        [
            {
                "position": s.position,
                "name": s.name,
                "kind": s.kind,
                "group": s.group,
                "people": list(s.people.all()),
                "department_lead": s.department_lead,
                "required_approvals": s.required_approvals,
                "turnaround_hours": s.turnaround_hours,
                "external_reviewers": s.external_reviewers,
            }
            for s in policy.stages.all()
        ]
        if policy
        else []
    )
    form = PolicyForm(request.POST or None, instance=policy)
    formset = StageFormSet(request.POST or None, initial=initial_stages, prefix="stages")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = {name: form.cleaned_data[name] for name in PolicyForm.Meta.fields}
        try:
            policy = policies.policy_save(actor=request.user, policy=policy, fields=fields, stages=_stage_rows(formset))
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Policy “{policy}” saved. Posts already in review keep their route.")
            return redirect("publishing:policy_list")
    return render(request, "publishing/policy_form.html", {"form": form, "formset": formset, "policy": policy})
