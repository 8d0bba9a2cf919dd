"""Campaigns and content themes: the list everyone who writes, reviews or reports on posts may read,
and the forms the CoE keeps them with."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe.errors import DomainError
from coe.forms import form_add_domain_error
from publishing import permissions
from publishing.forms import CampaignForm, ThemeForm
from publishing.services import campaigns as campaign_services
from publishing.views.common import show_error


def _require_viewer(user) -> None:
    if not permissions.can_view_campaigns(user):
        raise PermissionDenied("Campaigns and themes are for people who write, review or report on posts.")


@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_viewer(user)
    context = {
        "campaigns": permissions.campaigns_visible_to(user).order_by("-is_active", "name"),
        "themes": permissions.themes_visible_to(user).order_by("name"),
        "can_manage_campaigns": permissions.can_manage_campaigns(user),
        "can_manage_themes": permissions.can_manage_themes(user),
        "can_see_posts": permissions.can_use_calendar(user),
    }
    return render(request, "publishing/campaign_list.html", context)


@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_viewer(request.user)
    campaign = get_object_or_404(permissions.campaigns_visible_to(request.user), pk=pk) if pk else None
    if not permissions.can_manage_campaigns(request.user):
        raise PermissionDenied("Only the CoE team creates and edits campaigns.")
    title = f"Edit {campaign.name}" if campaign else "New campaign"  # before the form touches it
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in CampaignForm.Meta.fields}
        try:
            saved = campaign_services.campaign_save(actor=request.user, campaign=campaign, fields=fields)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Campaign “{saved}” saved.")
            return redirect("publishing:campaign_list")
    context = {
        "form": form,
        "campaign": campaign,
        "title": title,
        "can_delete": bool(campaign) and permissions.can_delete_campaign(request.user),
    }
    return render(request, "publishing/campaign_form.html", context)


@require_POST
def campaign_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_viewer(request.user)
    campaign = get_object_or_404(permissions.campaigns_visible_to(request.user), pk=pk)
    if not permissions.can_delete_campaign(request.user):
        raise PermissionDenied("Only the CoE team deletes campaigns.")
    try:
        campaign_services.campaign_delete(actor=request.user, campaign=campaign)
    except DomainError as error:
        show_error(request, error)
        return redirect("publishing:campaign_edit", pk=campaign.pk)
    messages.success(request, f"Campaign “{campaign}” deleted.")
    return redirect("publishing:campaign_list")


@require_http_methods(["GET", "POST"])
def theme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_viewer(request.user)
    theme = get_object_or_404(permissions.themes_visible_to(request.user), pk=pk) if pk else None
    if not permissions.can_manage_themes(request.user):
        raise PermissionDenied("Only the CoE team creates and edits content themes.")
    title = f"Edit {theme.name}" if theme else "New content theme"
    form = ThemeForm(request.POST or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        try:
            saved = campaign_services.theme_save(
                actor=request.user, theme=theme, fields={"name": form.cleaned_data["name"]}
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Content theme “{saved}” saved.")
            return redirect("publishing:campaign_list")
    context = {
        "form": form,
        "theme": theme,
        "title": title,
        "can_delete": bool(theme) and permissions.can_delete_theme(request.user),
    }
    return render(request, "publishing/theme_form.html", context)


@require_POST
def theme_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_viewer(request.user)
    theme = get_object_or_404(permissions.themes_visible_to(request.user), pk=pk)
    if not permissions.can_delete_theme(request.user):
        raise PermissionDenied("Only the CoE team deletes content themes.")
    try:
        campaign_services.theme_delete(actor=request.user, theme=theme)
    except DomainError as error:
        show_error(request, error)
        return redirect("publishing:theme_edit", pk=theme.pk)
    messages.success(request, f"Content theme “{theme}” deleted.")
    return redirect("publishing:campaign_list")
