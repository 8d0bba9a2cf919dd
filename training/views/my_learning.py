"""My learning (/training/): one person's assigned training first, then the rest of the catalogue,
the certification tracks and their certificates."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from training import permissions
from training.selectors.my_learning import my_learning as my_learning_of


@require_GET
def my_learning(request: HttpRequest) -> HttpResponse:
    if not permissions.can_learn(request.user):
        raise PermissionDenied("Sign in to see your training.")
    return render(request, "training/my_learning.html", {"learning": my_learning_of(user=request.user)})
