"""The domain error every service raises; views, forms and the API each turn it into their own
shape in one place (coe.views_helpers, coe.api.errors)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the operation. ``message`` is written for the person who tried it."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class NotAllowed(DomainError):
    """The person may see the object but not do this to it."""

    code = "permission_denied"
    status = 403


class Conflict(DomainError):
    """The object's state changed under the request (e.g. a double click)."""

    code = "conflict"
    status = 409
