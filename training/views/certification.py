"""Certification pages: tracks with the person's progress (and, for the CoE, creating and
changing them), certificates (a person's own, printable; the CoE's list with its CSV and the
manager's revocation) and the public verification page."""

from __future__ import annotations

import re
import time
from datetime import UTC

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe.errors import DomainError
from coe.exports import csv_response
from coe.forms import form_add_domain_error
from coe.http import client_ip
from coe.models import Department
from training import permissions
from training.forms.certification import CertificateFilterForm, RevokeForm, TrackForm
from training.models import Certificate
from training.selectors import certification as selectors
from training.services import certification as services
from training.views.quizzes import query_without_page

CERTIFICATES_PER_PAGE = 50
# Public lookups per client address and minute: enough for any verifier, too few to guess codes
# (which are 128-bit random anyway).
VERIFY_PER_MINUTE = 30


def _require_learner(user) -> None:
    if not permissions.can_learn(user):
        raise PermissionDenied("Sign in to see certification tracks.")


# --- tracks -------------------------------------------------------------------------------------


@require_GET
def track_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_learner(user)
    tracks = list(selectors.tracks_for(user=user))
    progress = selectors.track_progress(user=user, tracks=tracks)
    holders = selectors.holders_count(user=user, tracks=tracks)
    context = {
        "rows": [(track, progress[track.pk], holders.get(track.pk, 0)) for track in tracks],
        "can_manage": permissions.can_manage_tracks(user),
        "can_view_all": permissions.can_view_all_certificates(user),
        "can_view_attempts": permissions.can_view_all_attempts(user),
        "can_grant": permissions.can_grant_accommodation(user),
    }
    return render(request, "training/track_list.html", context)


@require_GET
def track_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The track's modules in order with the person's progress, the final exam, the validity and
    their certificate, if any."""
    user = request.user
    _require_learner(user)
    track = selectors.track_get(user=user, slug=slug)
    progress = selectors.track_progress(user=user, tracks=[track])[track.pk]
    context = {
        "track": track,
        "progress": progress,
        "holders": selectors.holders_count(user=user, tracks=[track]).get(track.pk),
        "can_manage": permissions.can_manage_tracks(user),
        "can_view_all": permissions.can_view_all_certificates(user),
        "now": timezone.now(),
    }
    return render(request, "training/track_detail.html", context)


def _catalogue(user):
    return permissions.modules_visible_to(user).order_by("position", "title")


@require_http_methods(["GET", "POST"])
def track_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_manage_tracks(user):
        raise PermissionDenied("Only the CoE team creates certification tracks.")
    form = TrackForm(request.POST or None, modules=_catalogue(user))
    if request.method == "POST" and form.is_valid():
        try:
            track = services.track_create(actor=user, fields=form.settings())
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Track “{track}” created.")
            return redirect(track)
    return render(
        request, "training/track_form.html", {"form": form, "track": None, "title": "New certification track"}
    )


@require_http_methods(["GET", "POST"])
def track_edit(request: HttpRequest, slug: str) -> HttpResponse:
    user = request.user
    if not permissions.can_manage_tracks(user):
        raise PermissionDenied("Only the CoE team changes certification tracks.")
    track = selectors.track_get(user=user, slug=slug)
    form = TrackForm(request.POST or None, modules=_catalogue(user), track=track)
    if request.method == "POST" and form.is_valid():
        try:
            track = services.track_update(actor=user, track=track, changes=form.settings())
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"Track “{track}” saved.")
            return redirect(track)
    return render(request, "training/track_form.html", {"form": form, "track": track, "title": f"Edit {track.name}"})


# --- certificates -------------------------------------------------------------------------------


def _filtered(request: HttpRequest):
    user = request.user
    everyone = permissions.can_view_all_certificates(user)
    form = CertificateFilterForm(
        request.GET or None,
        tracks=selectors.tracks_for(user=user),
        departments=Department.objects.order_by("name") if everyone else Department.objects.none(),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    certificates = selectors.certificates_list(
        user=user,
        track=filters.get("track", ""),
        state=filters.get("state", ""),
        holder=filters.get("holder", "") if everyone else "",
        department=filters.get("department", "") if everyone else "",
    )
    return form, certificates, everyone


@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    """A person's own certificates; everyone's for CoE staff, filtered by track, state (expiring
    soon too), holder and department."""
    _require_learner(request.user)
    form, certificates, everyone = _filtered(request)
    page = Paginator(certificates, CERTIFICATES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "everyone": everyone,
        "now": timezone.now(),
        "query": query_without_page(request),
    }
    template = "training/partials/_certificate_table.html" if request.htmx else "training/certificate_list.html"
    return render(request, template, context)


CSV_COLUMNS = [
    "track",
    "holder",
    "username",
    "email",
    "state",
    "issued at (UTC)",
    "expires at (UTC)",
    "revoked at (UTC)",
    "verification url",
]


def _utc(value) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else ""


@require_GET
def certificate_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV (CoE staff), streamed."""
    if not permissions.can_view_all_certificates(request.user):
        raise PermissionDenied("The certificate export is for the CoE team.")
    _, certificates, _ = _filtered(request)
    verify_base = request.build_absolute_uri(reverse("training:verify", kwargs={"code": "CODE"}))
    rows = (
        [
            c.track.name,
            c.holder_name,
            c.user.username,
            c.user.email,
            c.state,
            _utc(c.issued_at),
            _utc(c.expires_at),
            _utc(c.revoked_at),
            verify_base.replace("CODE", c.code),
        ]
        for c in certificates.iterator(chunk_size=500)
    )
    return csv_response(CSV_COLUMNS, rows, f"certificates-{timezone.localdate():%Y-%m-%d}.csv")


@require_GET
def certificate_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The printable certificate (A4 landscape, nothing else on paper), for its holder and the
    CoE; anyone else gets a 404 (the verification page is the public view)."""
    user = request.user
    certificate = selectors.certificate_get(user=user, code=code)
    can_revoke = permissions.can_revoke_certificate(user) and certificate.status != Certificate.Status.REVOKED
    context = {
        "certificate": certificate,
        "verification": selectors.verify_code(code=certificate.code),
        "verify_url": request.build_absolute_uri(reverse("training:verify", kwargs={"code": certificate.code})),
        "is_holder": certificate.user_id == user.pk,
        "can_revoke": can_revoke,
        "revoke_form": RevokeForm() if can_revoke else None,
    }
    return render(request, "training/certificate_detail.html", context)


@require_POST
def certificate_revoke(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    certificate = selectors.certificate_get(user=user, code=code)
    if not permissions.can_revoke_certificate(user):
        raise PermissionDenied("Only a CoE manager revokes certificates.")
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_revoke(actor=user, certificate=certificate, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, f"The certificate of {certificate.holder_name} is revoked; they have been told.")
            return redirect("training:certificate_detail", code=certificate.code)
    context = {
        "certificate": certificate,
        "verification": selectors.verify_code(code=certificate.code),
        "verify_url": request.build_absolute_uri(reverse("training:verify", kwargs={"code": certificate.code})),
        "is_holder": certificate.user_id == user.pk,
        "can_revoke": True,
        "revoke_form": form,
    }
    return render(request, "training/certificate_detail.html", context, status=400)


# --- public verification ------------------------------------------------------------------------


def _too_many_lookups(request: HttpRequest) -> bool:
    """A fixed window per client address in the shared cache."""
    address = client_ip(request) or "unknown"
    key = f"training:verify:{address}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    return count > VERIFY_PER_MINUTE


def _public(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required
@never_cache
@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone, signed in or not: the holder, the track, when it was issued and expires, and
    whether it is valid, expired or revoked (with the date). An unknown code reveals nothing."""
    if _too_many_lookups(request):
        response = render(request, "training/verify.html", {"throttled": True}, status=429)
        response["Retry-After"] = "60"
        return _public(response)
    verification = selectors.verify_code(code=code)
    status = 200 if verification.found else 404
    return _public(render(request, "training/verify.html", {"verification": verification}, status=status))


@login_not_required
@never_cache
@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """A form to type a code from a printed certificate; sends to its verification page."""
    code = re.sub(r"[^A-Za-z0-9_-]", "", request.GET.get("code") or "")
    if code:
        return redirect("training:verify", code=code[:64])
    return _public(render(request, "training/verify.html", {"lookup": True}))
