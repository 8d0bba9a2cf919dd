"""A published post's evidence pack: a printable page and the same pack as JSON."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from coe.errors import DomainError, NotAllowed
from publishing import selectors
from publishing.services import evidence
from publishing.views.common import show_error


@require_GET
def post_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_get(user=request.user, pk=pk)
    try:
        pack = evidence.post_evidence_pack(actor=request.user, post=post)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        show_error(request, error)
        return redirect(post)
    if request.GET.get("format") == "json":
        response = HttpResponse(pack.json, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{pack.filename}"'
        return response
    return render(request, "publishing/evidence.html", {"post": post, "pack": pack.data})
