"""One JSON error shape for the whole API:

{"error": {"code": "invalid", "message": "…a sentence a person can act on…", "fields": {…}}}
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from coe.errors import DomainError

_MESSAGES = {
    "not_authenticated": "Sign in or send a valid token (Authorization: Token <key>).",
    "authentication_failed": "The token or credentials were not accepted.",
    "permission_denied": "You may not do this.",
    "not_found": "Nothing here: it does not exist or you may not see it.",
    "method_not_allowed": "This endpoint does not accept that method.",
    "throttled": "Too many requests; wait a moment and try again.",
}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return {key: _flatten_value(value) for key, value in detail.items()}
    return {"non_field_errors": _flatten_value(detail)}


def _flatten_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _flatten_value(inner) for key, inner in value.items()}
    if isinstance(value, list):
        if value and all(isinstance(item, dict) for item in value):
            return [_flatten_value(item) for item in value]
        return [str(item) for item in value]
    return [str(value)]


def _first_message(fields: dict[str, Any]) -> str:
    for name, messages in fields.items():
        while isinstance(messages, (list, dict)) and messages:
            messages = messages[0] if isinstance(messages, list) else next(iter(messages.values()))
        if messages:
            label = "" if name in {"non_field_errors", "__all__"} else f"{name}: "
            return f"{label}{messages}"
    return "The request is not valid."


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        response.data = error_body("invalid", _first_message(fields), fields)
        return response

    code = getattr(exc, "default_code", "error")
    detail = str(getattr(exc, "detail", "") or "")
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        message = f"Too many requests; try again in {int(exc.wait) + 1} seconds."
    elif detail and detail != str(getattr(exc, "default_detail", "")):
        message = detail  # a specific message raised on purpose
    else:
        message = _MESSAGES.get(code) or detail or "The request failed."
    response.data = error_body(code, message)
    return response


def api_not_found(request, exception=None) -> JsonResponse:
    """Unknown URLs under /api/ answer in the API's shape, not with the HTML 404 page."""
    return JsonResponse(error_body("not_found", _MESSAGES["not_found"]), status=status.HTTP_404_NOT_FOUND)
