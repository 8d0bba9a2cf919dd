"""Mastodon, through Mastodon.py.

Length: Mastodon counts characters, but every link counts as 23 and a mention ``@user@domain`` as
``@user`` only; the limit is the instance's (500 unless configured). Up to 4 images.
Idempotency: Mastodon keeps an ``Idempotency-Key`` for about an hour, so a resend inside that
window returns the first status instead of a second one. Past it, ``find_existing`` looks for the
post among the account's recent statuses before anything is sent again.
"""

from __future__ import annotations

import html
import re
import time
from datetime import UTC, datetime, timedelta

from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from publishing.adapters._common import empty_issue, media_issues, nothing_was_sent
from publishing.adapters.base import (
    ChannelAdapter,
    CredentialError,
    LengthInfo,
    OutcomeUnknown,
    PermanentError,
    PostContent,
    PublishRequest,
    PublishResult,
    TransientError,
    ValidationIssue,
)

URL = re.compile(r"https?://[^\s<>\"]+")
MENTION = re.compile(r"(@[A-Za-z0-9_]+)@[A-Za-z0-9.\-]+[A-Za-z0-9]")
LINK_LENGTH = 23
# Mastodon remembers an Idempotency-Key for about an hour; stay inside with a margin.
IDEMPOTENCY_WINDOW = timedelta(minutes=55)
TAGS = re.compile(r"<[^>]+>")
FIND_EXISTING_PAGE_SIZE = 40  # Mastodon's largest page of statuses
FIND_EXISTING_PAGES = 10  # 400 statuses: a busy account's last hours
ASSUMED_SERVER_VERSION = "4.0.0"  # every endpoint used here exists since 3.1


class PlainMastodon(Mastodon):
    """Mastodon.py answering the server's JSON as plain dicts and lists.

    Mastodon.py casts every answer into typed objects, field by field; for a status that costs
    more than the HTTP request itself, and the adapter reads two or three fields. The cast is one
    private method, replaced here (the adapter tests run every call through a loopback server)."""

    def _Mastodon__try_cast_to_type(self, value, override_type=None):
        return value, None


def _created_at(status: dict) -> datetime | None:
    value = status.get("created_at")
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, datetime) and value.tzinfo else None


def mastodon_length(text: str) -> int:
    counted = URL.sub("x" * LINK_LENGTH, text)
    counted = MENTION.sub(r"\1", counted)
    return len(counted)


def _plain(text: str) -> str:
    """A status's HTML (or our text) as comparable plain words."""
    text = re.sub(r"<br\s*/?>|</p>\s*<p>", " ", text)
    return " ".join(html.unescape(TAGS.sub("", text)).split())


class MastodonAdapter(ChannelAdapter):
    network = "mastodon"
    label = "Mastodon"
    max_media = 4
    max_media_bytes = 16 * 1024 * 1024
    settings_fields = {
        "instance_url": "The server, e.g. https://mastodon.social.",
        "max_characters": "The server's limit (500 unless it says otherwise).",
        "visibility": "public, unlisted or private (default public).",
    }
    required_settings = frozenset({"instance_url"})
    credential_fields = {"access_token": "An access token of an application with write:statuses and write:media."}

    @property
    def limit(self) -> int:
        return int(self.settings.get("max_characters") or 500)

    def _client(self) -> Mastodon:
        return PlainMastodon(
            access_token=self.credentials.get("access_token"),
            api_base_url=self.settings.get("instance_url"),
            # Assume a current server instead of asking /api/v1/instance on every call (two extra
            # requests per post; and Mastodon.py 2.3 recurses forever when that request fails).
            mastodon_version=ASSUMED_SERVER_VERSION,
            version_check_mode="none",
            ratelimit_method="throw",
            request_timeout=self.timeout,
        )

    def length(self, content: PostContent) -> LengthInfo:
        return LengthInfo(used=mastodon_length(content.full_text), limit=self.limit, unit="characters")

    def validate(self, content: PostContent) -> list[ValidationIssue]:
        issues = empty_issue(content) + media_issues(self, content, "Mastodon")
        used = mastodon_length(content.full_text)
        if used > self.limit:
            issues.append(
                ValidationIssue(
                    "too_long", f"Mastodon allows {self.limit} characters (links count as 23); this post has {used}."
                )
            )
        return issues

    def publish(self, request: PublishRequest) -> PublishResult:
        client = self._client()
        with self._errors(client, request, sending=True):
            media_ids = [
                client.media_post(str(item.path), mime_type=item.content_type, description=item.alt_text or None)
                for item in request.content.media
            ]
            status = client.status_post(
                request.content.full_text,
                media_ids=media_ids or None,
                visibility=self.settings.get("visibility") or "public",
                idempotency_key=request.idempotency_key,
            )
        return PublishResult(
            external_id=str(status["id"]), external_url=status.get("url") or "", raw={"id": str(status["id"])}
        )

    def find_existing(self, request: PublishRequest) -> PublishResult | None:
        """The account's statuses, newest first, back to just before the first attempt."""
        client = self._client()
        wanted = _plain(html.escape(request.content.full_text))
        since = request.first_attempt_at - timedelta(minutes=2)
        with self._errors(client, request, sending=False):
            account = client.account_verify_credentials()
            max_id = None
            for _ in range(FIND_EXISTING_PAGES):
                page = client.account_statuses(account["id"], limit=FIND_EXISTING_PAGE_SIZE, max_id=max_id)
                for status in page:
                    created = _created_at(status)
                    if created is not None and created < since:
                        return None
                    if _plain(status.get("content") or "") == wanted:
                        return PublishResult(external_id=str(status["id"]), external_url=status.get("url") or "")
                if len(page) < FIND_EXISTING_PAGE_SIZE:
                    return None
                max_id = page[-1]["id"]
        return None

    def check_credentials(self) -> str:
        client = self._client()
        with self._errors(client, None, sending=False):
            account = client.account_verify_credentials()
        return f"@{account['acct']}"

    def fetch_metrics(self, external_id: str) -> dict[str, int]:
        client = self._client()
        with self._errors(client, None, sending=False):
            status = client.status(external_id)
        return {
            "likes": status.get("favourites_count", 0),
            "shares": status.get("reblogs_count", 0),
            "comments": status.get("replies_count", 0),
        }

    def _errors(self, client: Mastodon, request: PublishRequest | None, *, sending: bool):
        return _MastodonErrors(client, request, sending)


class _MastodonErrors:
    """Turns Mastodon.py's exceptions into the adapter errors (a context manager)."""

    def __init__(self, client: Mastodon, request: PublishRequest | None, sending: bool):
        self.client, self.request, self.sending = client, request, sending

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is None or not isinstance(error, Exception):
            return False
        if isinstance(error, MastodonRatelimitError):
            reset = getattr(self.client, "ratelimit_reset", None)
            wait = max(reset - time.time(), 0) if reset else None
            raise TransientError("Mastodon asks to slow down (rate limit).", status=429, retry_after=wait) from error
        if isinstance(error, MastodonNetworkError):
            if nothing_was_sent(error) or not self.sending:
                raise TransientError(f"Could not reach Mastodon: {error}") from error
            inside_window = self.request is not None and (
                datetime.now(tz=UTC) - self.request.first_attempt_at < IDEMPOTENCY_WINDOW
            )
            raise OutcomeUnknown(
                f"Mastodon did not answer after the post was sent: {error}", resend_is_safe=inside_window
            ) from error
        if isinstance(error, MastodonAPIError):
            status, message = _status_and_message(error)
            if isinstance(error, MastodonServerError) or (status and status >= 500):
                raise TransientError(f"Mastodon had a problem ({status}): {message}", status=status) from error
            if isinstance(error, MastodonUnauthorizedError) or (
                status == 403 and any(word in message.lower() for word in ("token", "authoriz", "scope"))
            ):
                raise CredentialError(f"Mastodon refused the access token: {message}", status=status) from error
            if isinstance(error, MastodonNotFoundError) and not self.sending:
                raise TransientError(f"Mastodon could not find it: {message}", status=status) from error
            raise PermanentError(f"Mastodon refused the post: {message}", status=status) from error
        return False


def _status_and_message(error: MastodonAPIError) -> tuple[int | None, str]:
    # Mastodon.py raises ('Mastodon API returned error', status, reason, message).
    args = list(error.args)
    status = args[1] if len(args) > 1 and isinstance(args[1], int) else None
    message = next((str(arg) for arg in reversed(args[2:]) if arg), "") if len(args) > 2 else str(error)
    return status, message or str(error)
