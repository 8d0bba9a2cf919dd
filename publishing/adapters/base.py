"""The one small interface every channel adapter implements.

The publishing service never talks to a network directly: it builds a ``PublishRequest`` and calls
``adapter.publish()``. Adapters turn every network failure into one of the errors below, so the
service can decide — retry, fail, hold the channel, or record that the outcome is unknown —
without knowing the network.

Exactly-once rules adapters help keep (see publishing.services.dispatch):
- ``idempotency_key`` is stable for a publication across all its attempts. Networks that honour
  it (Mastodon's Idempotency-Key header, for about an hour; a webhook relay that dedupes; a
  Bluesky record key derived from it) make a resend after a lost answer harmless.
- ``find_existing()`` looks on the account for a post this request already created. The service
  calls it before resending whenever an earlier attempt may have reached the network.
- ``OutcomeUnknown`` is raised when the request may have been received (timeout after sending,
  connection reset) and ``resend_is_safe`` says whether the same request can be sent again
  without risk of a duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar


@dataclass(frozen=True)
class MediaFile:
    path: Path
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None
    alt_text: str = ""


@dataclass(frozen=True)
class PostContent:
    """What a person wrote, as adapters validate it."""

    text: str
    link: str = ""
    media: tuple[MediaFile, ...] = ()

    @property
    def full_text(self) -> str:
        """The text as published: the link, when given and not already in the text, on its own line."""
        if self.link and self.link not in self.text:
            return f"{self.text.rstrip()}\n\n{self.link}" if self.text.strip() else self.link
        return self.text


@dataclass(frozen=True)
class PublishRequest:
    content: PostContent
    idempotency_key: str  # stable per publication; a UUID4 string
    first_attempt_at: datetime  # when the first attempt of this publication started (aware, UTC)
    publication_id: int = 0


@dataclass(frozen=True)
class PublishResult:
    external_id: str
    external_url: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ValidationIssue:
    """A problem with a post for one network, shown next to the composer."""

    code: str  # e.g. "too_long", "too_many_media", "media_type", "media_too_large", "empty"
    message: str  # for the liaison: "Mastodon allows 500 characters; this post has 512."
    blocking: bool = True


@dataclass(frozen=True)
class LengthInfo:
    used: int
    limit: int
    unit: str  # "characters" or "graphemes"


class AdapterError(Exception):
    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status


class TransientError(AdapterError):
    """Passing trouble (429, 5xx, connection refused before sending): retry later."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message, status=status)
        self.retry_after = retry_after


class PermanentError(AdapterError):
    """The network refused this post (validation, forbidden content): retrying will not help."""


class CredentialError(PermanentError):
    """The account's credentials were refused (revoked or expired token): the channel needs
    reconnecting; its publications are held, not failed."""


class OutcomeUnknown(AdapterError):
    """The request may have reached the network (timeout after sending, connection reset)."""

    def __init__(self, message: str, *, resend_is_safe: bool):
        super().__init__(message)
        self.resend_is_safe = resend_is_safe


class ChannelAdapter:
    """Base class. Subclasses set ``network`` and implement the methods below.

    An adapter is built per channel with its settings (non-secret, e.g. the instance URL) and its
    decrypted credentials (e.g. an access token); it keeps no other state between calls.
    """

    network: ClassVar[str]
    label: ClassVar[str]
    max_media: ClassVar[int] = 4
    media_types: ClassVar[frozenset[str]] = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
    max_media_bytes: ClassVar[int] = 8 * 1024 * 1024
    # Field names (and help) of the settings and credentials a CoE member fills in for this network.
    settings_fields: ClassVar[dict[str, str]] = {}
    credential_fields: ClassVar[dict[str, str]] = {}
    required_settings: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, *, settings: dict[str, Any], credentials: dict[str, str], timeout: float = 20.0):
        self.settings = settings
        self.credentials = credentials
        self.timeout = timeout

    # --- validation, before submission and again before sending -------------------------------
    def length(self, content: PostContent) -> LengthInfo:
        raise NotImplementedError

    def validate(self, content: PostContent) -> list[ValidationIssue]:
        """Every problem the network would refuse this post for. Empty means it may be sent."""
        raise NotImplementedError

    # --- the network ------------------------------------------------------------------------------
    def publish(self, request: PublishRequest) -> PublishResult:
        raise NotImplementedError

    def find_existing(self, request: PublishRequest) -> PublishResult | None:
        """The post this request created earlier, if the account shows it; None if it does not.
        Raises TransientError when the network cannot be asked right now."""
        raise NotImplementedError

    def check_credentials(self) -> str:
        """Ask the network who we are; return the account's handle. Raises CredentialError."""
        raise NotImplementedError

    def fetch_metrics(self, external_id: str) -> dict[str, int]:
        """Cumulative counters for one published post (likes, shares, replies …); {} if none."""
        return {}
