"""The best-practice library pages: the list (search, filters, featured first), a practice, the
submit form, the CoE's curation queue, and the curation, vote and adoption actions. Attachments
are served through a view that checks the person may see the practice (never as public media)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe import permissions
from coe.errors import DomainError
from coe.forms import form_add_domain_error
from coe.forms.library import DeclineForm, PracticeForm, TagsForm
from coe.models import Department, Practice, PracticeAttachment
from coe.selectors import library as selectors
from coe.services import library as services

PRACTICES_PER_PAGE = 20


def _practice_or_404(user, pk: int) -> Practice:
    try:
        return selectors.practice_get(user=user, pk=pk)
    except Practice.DoesNotExist as missing:
        raise Http404("No such practice.") from missing


def _require_library(user) -> None:
    if not permissions.can_view_library(user):
        raise PermissionDenied("You do not have access to the library.")


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_library(user)
    filters = {
        "search": request.GET.get("q", "").strip()[:200],
        "tag": request.GET.get("tag", ""),
        "department": request.GET.get("department", ""),
        "kind": request.GET.get("kind", ""),
        "channel": request.GET.get("channel", ""),
        "sort": request.GET.get("sort", "featured") if request.GET.get("sort") in selectors.SORTS else "featured",
    }
    practices = selectors.practices_list(user=user, **filters)
    page = Paginator(practices, PRACTICES_PER_PAGE).get_page(request.GET.get("page"))
    template = "coe/partials/_practice_list.html" if request.htmx else "coe/library.html"
    return render(
        request,
        template,
        {
            "page": page,
            "filters": filters,
            "tags": selectors.practice_tags(user=user),
            "departments": Department.objects.order_by("name"),
            "channels": selectors.practice_channels(user=user),
            "kinds": Practice.Kind.choices,
            "sorts": selectors.SORTS.items(),
            "mine": selectors.my_practices(user=user),
            "can_submit": permissions.can_submit_practice(user),
            "can_curate": permissions.can_curate_practices(user),
            "queue_count": selectors.review_queue(user=user).count() if permissions.can_curate_practices(user) else 0,
        },
    )


@require_GET
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_library(user)
    practice = _practice_or_404(user, pk)
    my_departments = list(user.departments.all())
    adoptions = list(selectors.practice_adoptions(practice=practice))
    adopted = {a.department_id for a in adoptions}
    return render(
        request,
        "coe/practice_detail.html",
        {
            "practice": practice,
            "adoptions": adoptions,
            "adoptable_departments": [d for d in my_departments if d.pk not in adopted],
            "can_vote": permissions.can_vote_practice(user) and practice.status == Practice.Status.APPROVED,
            "can_adopt": permissions.can_adopt_practice(user) and practice.status == Practice.Status.APPROVED,
            "can_curate": permissions.can_curate_practices(user),
            "decline_form": DeclineForm(),
            "tags_form": TagsForm(initial={"tags": ", ".join(t.name for t in practice.tags.all())}),
        },
    )


@require_http_methods(["GET", "POST"])
def practice_submit(request: HttpRequest) -> HttpResponse:
    if not permissions.can_submit_practice(request.user):
        raise PermissionDenied("You cannot submit practices.")
    departments = Department.objects.order_by("name")
    form = PracticeForm(request.POST or None, request.FILES or None, departments=departments)
    mine = list(request.user.departments.all())
    if request.method == "GET" and len(mine) == 1:
        form.initial["department"] = mine[0].pk
    if request.method == "POST" and form.is_valid():
        try:
            practice = services.practice_submit(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, "Thank you — the CoE will review it and tell you when it is in the library.")
            return redirect("coe:practice_detail", pk=practice.pk)
    return render(request, "coe/practice_form.html", {"form": form})


@require_GET
def practice_review(request: HttpRequest) -> HttpResponse:
    if not permissions.can_curate_practices(request.user):
        raise PermissionDenied("Only the CoE curates the library.")
    return render(
        request,
        "coe/practice_review.html",
        {"practices": selectors.review_queue(user=request.user), "decline_form": DeclineForm()},
    )


def _back(request: HttpRequest, practice: Practice):
    if request.POST.get("next") == "review":
        return redirect("coe:practice_review")
    return redirect("coe:practice_detail", pk=practice.pk)


@require_POST
def practice_curate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """approve / decline / feature / unfeature / tag — one service each."""
    user = request.user
    if not permissions.can_curate_practices(user):
        raise PermissionDenied("Only the CoE curates the library.")
    practice = _practice_or_404(user, pk)
    try:
        if action == "approve":
            services.practice_approve(actor=user, practice=practice)
            messages.success(request, f"“{practice.title}” is in the library.")
        elif action == "decline":
            form = DeclineForm(request.POST)
            if not form.is_valid():
                raise DomainError("Tell the submitter why: a note is required.")
            services.practice_decline(actor=user, practice=practice, note=form.cleaned_data["note"])
            messages.success(request, f"“{practice.title}” was declined; the submitter was told why.")
        elif action in {"feature", "unfeature"}:
            services.practice_feature(actor=user, practice=practice, featured=action == "feature")
            messages.success(
                request, f"“{practice.title}” {'is featured' if action == 'feature' else 'is no longer featured'}."
            )
        elif action == "tag":
            form = TagsForm(request.POST)
            if not form.is_valid():
                raise DomainError("Tags are comma-separated names.")
            services.practice_tag(actor=user, practice=practice, tag_names=form.cleaned_data["tags"])
            messages.success(request, "Tags saved.")
        else:
            raise Http404("No such action.")
    except DomainError as error:
        messages.error(request, error.message)
    return _back(request, practice)


@require_POST
def practice_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Toggle one's vote."""
    practice = _practice_or_404(request.user, pk)
    try:
        if practice.voted:
            services.practice_unvote(actor=request.user, practice=practice)
        else:
            services.practice_vote(actor=request.user, practice=practice)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("coe:practice_detail", pk=practice.pk)


@require_POST
def practice_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _practice_or_404(request.user, pk)
    department = None
    if request.POST.get("department"):
        department = Department.objects.filter(pk=request.POST["department"]).first()
        if department is None:
            raise Http404("No such department.")
    try:
        adoption = services.practice_adopt(
            actor=request.user, practice=practice, department=department, note=request.POST.get("note", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Marked as adopted by {adoption.department}.")
    return redirect("coe:practice_detail", pk=practice.pk)


@require_GET
def practice_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """The file, for people who may see the practice; a download, never rendered inline as HTML."""
    practice = _practice_or_404(request.user, pk)
    attachment = PracticeAttachment.objects.filter(practice=practice, pk=attachment_pk).first()
    if attachment is None:
        raise Http404("No such attachment.")
    content_type = services.ATTACHMENT_TYPES.get(
        "." + attachment.name.rsplit(".", 1)[-1].lower(), "application/octet-stream"
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing.") from missing
    response = FileResponse(handle, content_type=content_type, as_attachment=True, filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
