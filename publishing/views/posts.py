"""Compose, edit, list and look at posts; every workflow action a person takes on one."""

from __future__ import annotations

import difflib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coe.errors import DomainError
from coe.forms import form_add_domain_error
from publishing import permissions, selectors
from publishing.adapters.base import PostContent
from publishing.forms import CommentForm, DecisionForm, ExternalInviteForm, MediaForm, PostForm, RescheduleForm
from publishing.models import Campaign, Channel, Post, PostStage, Publication
from publishing.services import dispatch, eligibility, workflow
from publishing.validation import check_channels, duplicate_warnings, is_sponsored, with_rules
from publishing.views.common import int_or_none, query_without_page, show_error, show_outcome

POSTS_PER_PAGE = 30


def word_diff(before: str, after: str) -> str:
    """The text's changes word by word, as HTML with <del> and <ins> (everything escaped)."""
    a, b = before.split(" "), after.split(" ")
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(a[i1:i2])))
            continue
        if op in {"delete", "replace"}:
            parts.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if op in {"insert", "replace"}:
            parts.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return mark_safe(" ".join(parts).replace("\n", "<br>"))  # noqa: S308 - every part is escaped above


@require_GET
def post_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_use_calendar(user):
        raise PermissionDenied("Posts are for liaisons, reviewers and the CoE.")
    filters = selectors.PostFilters(
        status=request.GET.get("status", ""),
        department=request.GET.get("department", ""),
        channel=int_or_none(request.GET.get("channel")),
        campaign=int_or_none(request.GET.get("campaign")),
        search=request.GET.get("q", "").strip(),
        mine=request.GET.get("mine") == "1",
    )
    page = Paginator(selectors.posts_list(user=user, filters=filters), POSTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "statuses": Post.Status.choices,
        "channels": permissions.channels_visible_to(user).order_by("name"),
        "campaigns": Campaign.objects.all(),
        "can_compose": permissions.can_compose(user),
        "query": query_without_page(request),
    }
    template = "publishing/partials/_post_table.html" if request.htmx else "publishing/post_list.html"
    return render(request, template, context)


def _compose_context(request, form, media_form, post=None):
    return {
        "form": form,
        "media_form": media_form,
        "post": post,
        "preview": _preview_context(request.user, form.data or form.initial, post),
    }


@require_http_methods(["GET", "POST"])
def post_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_compose(request.user):
        raise PermissionDenied("Your role does not write posts; your department's liaison does.")
    channels = permissions.channels_for_submission(request.user)
    initial = {"channels": list(channels[:1])} if channels.count() == 1 else {}
    form = PostForm(request.POST or None, channels=channels, initial=initial)
    media_form = MediaForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and media_form.is_valid():
        data = form.cleaned_data
        try:
            outcome = workflow.post_create(
                actor=request.user,
                text=data["text"],
                link=data["link"],
                channels=list(data["channels"]),
                campaign=data["campaign"],
                theme=data["theme"],
                scheduled_at=data["scheduled_at"],
                media=media_form.uploads(),
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            return _after_save(request, outcome, submit="submit" in request.POST)
    return render(request, "publishing/post_form.html", _compose_context(request, form, media_form))


def _after_save(request, outcome, *, submit: bool) -> HttpResponse:
    post = outcome.post
    if not submit:
        show_outcome(request, f"Draft #{post.pk} saved.", outcome.warnings)
        return redirect(post)
    try:
        submitted = workflow.post_submit(actor=request.user, post=post)
    except DomainError as error:
        messages.error(request, f"Saved as a draft, but not submitted: {error.message}")
        return redirect("publishing:post_edit", pk=post.pk)
    show_outcome(request, f"Post #{post.pk} was submitted for review.", submitted.warnings)
    return redirect(post)


@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_get(user=request.user, pk=pk)
    if not permissions.can_edit_post(request.user, post):
        raise PermissionDenied("This post cannot be edited (by you, or in its present state).")
    channels = permissions.channels_for_submission(request.user) | Channel.objects.filter(pk__in=post.channels.all())
    initial = {
        "text": post.text,
        "link": post.link,
        "channels": list(post.channels.all()),
        "campaign": post.campaign,
        "theme": post.theme,
        "scheduled_at": post.scheduled_at,
    }
    form = PostForm(request.POST or None, channels=channels.distinct(), initial=initial)
    media = list(post.media.all())
    media_form = MediaForm(request.POST or None, request.FILES or None, existing=len(media))
    if request.method == "POST" and form.is_valid() and media_form.is_valid():
        data = form.cleaned_data
        changes = {name: data[name] for name in form.changed_data if name in workflow.EDITABLE_FIELDS}
        if "channels" in changes:
            changes["channels"] = list(changes["channels"])
        remove = [int(value) for value in request.POST.getlist("remove_media") if value.isdigit()]
        try:
            outcome = workflow.post_update(
                actor=request.user, post=post, changes=changes, media_add=media_form.uploads(), media_remove=remove
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            submit = "submit" in request.POST and outcome.post.status in {
                Post.Status.DRAFT,
                Post.Status.CHANGES_REQUESTED,
            }
            return _after_save(request, outcome, submit=submit)
    context = _compose_context(request, form, media_form, post)
    context["media"] = media
    return render(request, "publishing/post_form.html", context)


def _preview_context(user, data, post=None) -> dict:
    """Per-channel counters, problems, content-rule findings (marked in the text), what the person
    still needs to submit to a gated channel, and the duplicate warning for what is being typed."""
    get = data.get if hasattr(data, "get") else (lambda key, default=None: default)
    text = (get("text", "") or "").strip()  # as it will be saved
    link = (get("link", "") or "").strip()
    raw_channels = data.getlist("channels") if hasattr(data, "getlist") else get("channels", [])
    ids = [int_or_none(getattr(value, "pk", value)) for value in raw_channels or []]
    allowed = permissions.channels_for_submission(user)
    if post is not None:
        allowed = allowed | Channel.objects.filter(pk__in=post.channels.all())
    channels = list(allowed.filter(pk__in=[i for i in ids if i]).distinct())
    media = ()
    if post is not None:
        from publishing.validation import post_content

        media = post_content(post).media
    content = PostContent(text=text, link=link, media=media)
    checks = with_rules(  # the content rules, per channel, with what triggered them marked
        check_channels(content, channels),
        content,
        department_id=post.department_id if post is not None else None,
        sponsored=is_sponsored(getattr(get("campaign"), "pk", get("campaign"))),
    )
    # What the person still lacks to submit to each gated channel (a draft may keep the channel;
    # crisis statements are exempt).
    statement = post is not None and post.crisis_incident_id
    missing = {} if statement else eligibility.submission_requirements(user=user, channels=channels)
    return {
        "checks": checks,
        "cards": [(check, missing.get(check.channel.pk, [])) for check in checks],
        "duplicates": duplicate_warnings(
            text=text, link=link, channels=channels, exclude_post_id=post.pk if post else None
        ),
        "content": content,
    }


@require_POST
def post_preview(request: HttpRequest) -> HttpResponse:
    """The live preview (htmx): counters and problems per channel while composing."""
    if not permissions.can_compose(request.user):
        raise PermissionDenied
    post = None
    if post_id := int_or_none(request.POST.get("post_id")):
        post = selectors.post_get(user=request.user, pk=post_id)
    return render(
        request, "publishing/partials/_preview.html", {"preview": _preview_context(request.user, request.POST, post)}
    )


@require_GET
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    post = selectors.post_detail(user=user, pk=pk)
    decidable = permissions.stages_user_may_decide(user, post)
    if decidable:
        workflow.review_mark_seen(user=user, post=post)
    stages = [stage for stage in post.stages.all() if stage.review_round == post.review_round]
    previous_rounds = [stage for stage in post.stages.all() if stage.review_round != post.review_round]
    context = {
        "post": post,
        "stages": stages,
        "previous_rounds": previous_rounds,
        "decidable": decidable,
        "can_edit": permissions.can_edit_post(user, post),
        "can_submit": permissions.can_submit_post(user, post),
        "can_withdraw": permissions.can_withdraw_post(user, post),
        "can_reschedule": permissions.can_reschedule_post(user, post),
        "can_publish_now": permissions.can_publish_now(user, post)
        and any(p.status in {Publication.Status.SCHEDULED, Publication.Status.HELD} for p in post.publications.all()),
        "can_invite": permissions.can_invite_external_reviewer(user, post),
        "can_export_evidence": permissions.can_export_evidence(user, post)
        and any(p.status == Publication.Status.PUBLISHED for p in post.publications.all()),
        "can_retry": permissions.can_retry_publication(user, post.publications.first())
        if post.publications.all()
        else False,
        "decision_form": DecisionForm(),
        "comment_form": CommentForm(),
        "reschedule_form": RescheduleForm(initial={"scheduled_at": post.scheduled_at}),
        "invite_form": ExternalInviteForm(),
    }
    return render(request, "publishing/post_detail.html", context)


# --- actions ------------------------------------------------------------------------------------


def _stage_from(request, post) -> PostStage | None:
    stage_id = int_or_none(request.POST.get("stage"))
    return PostStage.objects.filter(pk=stage_id, post=post).first() if stage_id else None


@require_POST
def post_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Every button on a post: one service call each, the outcome shown as a message."""
    user = request.user
    post = selectors.post_get(user=user, pk=pk)
    comment = request.POST.get("comment", "")
    try:
        if action == "submit":
            outcome = workflow.post_submit(actor=user, post=post)
            show_outcome(request, "Submitted for review.", outcome.warnings)
        elif action == "approve":
            workflow.review_approve(actor=user, post=post, comment=comment, stage=_stage_from(request, post))
            show_outcome(request, f"You approved post #{post.pk}.")
        elif action == "request_changes":
            workflow.review_request_changes(actor=user, post=post, comment=comment, stage=_stage_from(request, post))
            show_outcome(request, f"Post #{post.pk} went back to its author with your comment.")
        elif action == "reject":
            workflow.review_reject(actor=user, post=post, comment=comment, stage=_stage_from(request, post))
            show_outcome(request, f"Post #{post.pk} was rejected.")
        elif action == "withdraw":
            workflow.post_withdraw(actor=user, post=post, comment=comment)
            show_outcome(request, f"Post #{post.pk} was withdrawn.")
        elif action == "publish_now":
            workflow.post_publish_now(actor=user, post=post)
            show_outcome(request, f"Post #{post.pk} goes out within the minute.")
        elif action == "reschedule":
            form = RescheduleForm(request.POST)
            if not form.is_valid():
                raise DomainError("Give a date and time like 2026-12-01 09:30.", code="invalid")
            workflow.post_reschedule(actor=user, post=post, scheduled_at=form.cleaned_data["scheduled_at"])
            show_outcome(request, f"Post #{post.pk} was moved.")
        elif action == "comment":
            workflow.comment_add(actor=user, post=post, body=request.POST.get("body", ""))
            show_outcome(request, "Comment added.")
        elif action == "invite":
            form = ExternalInviteForm(request.POST)
            if not form.is_valid():
                raise DomainError("Give the outside reviewer's e-mail address.", code="invalid")
            invite = workflow.external_invite_create(
                actor=user, post=post, email=form.cleaned_data["email"], name=form.cleaned_data["name"]
            )
            show_outcome(request, f"A review link was sent to {invite.email}.")
        elif action in {"retry", "mark_published"}:
            publication = post.publications.filter(pk=int_or_none(request.POST.get("publication"))).first()
            if publication is None:
                raise DomainError("Choose a publication.", code="invalid")
            if action == "retry":
                dispatch.publication_retry(actor=user, publication=publication)
                show_outcome(request, f"{publication.channel}: it will be sent again shortly.")
            else:
                dispatch.publication_mark_published(
                    actor=user, publication=publication, external_url=request.POST.get("external_url", "")
                )
                show_outcome(request, f"{publication.channel}: recorded as published.")
        else:
            raise DomainError("Unknown action.", code="invalid")
    except DomainError as error:
        show_error(request, error)
    if request.htmx and request.POST.get("from") == "queue":
        return redirect("publishing:review_queue")
    return redirect(request.POST.get("next") if _safe_next(request) else post.get_absolute_url())


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})


@require_GET
def post_media(request: HttpRequest, pk: int) -> HttpResponse:
    """An image of a post the person may see (media are not public files)."""
    from django.http import FileResponse
    from django.shortcuts import get_object_or_404

    from publishing.models import PostMedia

    item = get_object_or_404(PostMedia.objects.filter(post__in=permissions.posts_visible_to(request.user)), pk=pk)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
