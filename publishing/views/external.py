"""Outside reviewers (agency, client, counsel) decide through a signed, expiring link."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from coe.errors import DomainError
from coe.forms import form_add_domain_error
from publishing.forms import ExternalDecisionForm
from publishing.services import workflow


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def external_review(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = workflow.external_invite_from_token(token)
    except DomainError as error:
        return render(request, "publishing/external_review.html", {"error": error.message}, status=410)
    form = ExternalDecisionForm(request.POST or None, initial={"name": invite.name})
    done = None
    if request.method == "POST" and form.is_valid():
        try:
            review = workflow.external_review_decide(invite=invite, **form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            done = review
    post = invite.post
    context = {
        "invite": invite,
        "post": post,
        "media": post.media.all(),
        "form": form,
        "done": done,
        "channels": post.channels.all(),
        "token": token,
    }
    return render(request, "publishing/external_review.html", context)


@login_not_required
@require_http_methods(["GET"])
def external_media(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """An image of the post the link is for, for its outside reviewer only."""
    from django.http import FileResponse, Http404

    try:
        invite = workflow.external_invite_from_token(token)
    except DomainError as error:
        raise Http404(error.message) from error
    item = invite.post.media.filter(pk=pk).first()
    if item is None:
        raise Http404("No such image.")
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
