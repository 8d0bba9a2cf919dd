"""Helpers shared by the publishing views."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from coe.errors import DomainError


def show_outcome(request: HttpRequest, message: str, warnings: list[str] | None = None) -> None:
    messages.success(request, message)
    for warning in warnings or []:
        messages.warning(request, warning)


def show_error(request: HttpRequest, error: DomainError) -> None:
    messages.error(request, error.message)


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def query_without_page(request: HttpRequest) -> str:
    """The filters of a list, for its page links (each adds its own ``page=``)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
