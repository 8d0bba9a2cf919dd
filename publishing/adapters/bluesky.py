"""Bluesky, through the atproto SDK.

Length: 300 graphemes (what a person sees as one character: an emoji family is one). Up to 4
images of at most about 1 MB. Links get rich-text facets (UTF-8 byte offsets) so they are links.
Idempotency: the post's record key is derived from the publication (its first attempt's time and
its idempotency key), so a resend creates the same record or is refused as existing — never a
second post — and ``find_existing`` simply reads that record.
"""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import UTC, datetime

import regex
from atproto import Client, models
from atproto_client.exceptions import (
    AtProtocolError,
    BadRequestError,
    InvokeTimeoutError,
    LoginRequiredError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)
from atproto_client.request import Request

from publishing.adapters._common import empty_issue, media_issues
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

LIMIT = 300
COLLECTION = "app.bsky.feed.post"
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
URL = re.compile(r"https?://[^\s<>\"]+")

_sessions: dict[tuple[str, str], str] = {}
_sessions_lock = threading.Lock()


def graphemes(text: str) -> int:
    return len(regex.findall(r"\X", text))


def record_key(first_attempt_at: datetime, idempotency_key: str) -> str:
    """A valid TID (13 characters, sortable) that is the same for every attempt of a publication."""
    micros = int(first_attempt_at.timestamp() * 1_000_000) & ((1 << 53) - 1)
    clock_id = int(hashlib.sha256(idempotency_key.encode()).hexdigest(), 16) & 0x3FF
    value = (micros << 10) | clock_id
    chars = []
    for _ in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def link_facets(text: str) -> list:
    facets = []
    for match in URL.finditer(text):
        start = len(text[: match.start()].encode())
        end = start + len(match.group().encode())
        facets.append(
            models.AppBskyRichtextFacet.Main(
                index=models.AppBskyRichtextFacet.ByteSlice(byte_start=start, byte_end=end),
                features=[models.AppBskyRichtextFacet.Link(uri=match.group())],
            )
        )
    return facets


def _xrpc_error(error: RequestErrorBase) -> tuple[int | None, str, str]:
    response = getattr(error, "response", None)
    if response is None:
        return None, "", str(error)
    content = response.content
    name = getattr(content, "error", "") or ""
    message = getattr(content, "message", "") or str(error)
    return response.status_code, name, message


class BlueskyAdapter(ChannelAdapter):
    network = "bluesky"
    label = "Bluesky"
    max_media = 4
    media_types = frozenset({"image/jpeg", "image/png", "image/webp"})
    max_media_bytes = 1_000_000
    settings_fields = {"service_url": "The account's server (https://bsky.social unless it has its own)."}
    credential_fields = {
        "handle": "The account's handle, e.g. acme.bsky.social.",
        "app_password": "An app password (Settings → App passwords), never the main password.",
    }

    @property
    def service_url(self) -> str:
        return self.settings.get("service_url") or "https://bsky.social"

    def length(self, content: PostContent) -> LengthInfo:
        return LengthInfo(used=graphemes(content.full_text), limit=LIMIT, unit="graphemes")

    def validate(self, content: PostContent) -> list[ValidationIssue]:
        issues = empty_issue(content) + media_issues(self, content, "Bluesky")
        used = graphemes(content.full_text)
        if used > LIMIT:
            issues.append(ValidationIssue("too_long", f"Bluesky allows {LIMIT} characters; this post has {used}."))
        return issues

    # --- sessions: createSession is rate limited hard, so sessions are reused ------------------

    def _client(self, *, fresh: bool = False) -> Client:
        handle = self.credentials.get("handle", "")
        key = (self.service_url, handle)
        client = Client(base_url=self.service_url, request=Request(timeout=self.timeout))
        with _sessions_lock:
            cached = None if fresh else _sessions.get(key)
        try:
            if cached:
                client.login(session_string=cached, fetch_bsky_profile=False)
            else:
                client.login(handle, self.credentials.get("app_password", ""), fetch_bsky_profile=False)
        except (UnauthorizedError, BadRequestError, LoginRequiredError) as error:
            if cached:
                return self._client(fresh=True)
            _, _, message = _xrpc_error(error) if isinstance(error, RequestErrorBase) else (None, "", str(error))
            raise CredentialError(f"Bluesky refused the handle or app password: {message}") from error
        except RateLimitExceededError as error:
            raise TransientError(
                "Bluesky limits sign-ins; trying again later.", status=429, retry_after=_wait(error)
            ) from error
        except NetworkError as error:
            raise TransientError(f"Could not reach Bluesky: {error}") from error
        with _sessions_lock:
            _sessions[key] = client.export_session_string()
        return client

    def _with_session(self, call):
        """Run ``call(client)``; once more with a new session if the old one expired."""
        try:
            return call(self._client())
        except (UnauthorizedError, BadRequestError) as error:
            _, name, _ = _xrpc_error(error)
            if isinstance(error, UnauthorizedError) or name in {"ExpiredToken", "InvalidToken"}:
                return call(self._client(fresh=True))
            raise

    # --- the network ------------------------------------------------------------------------------

    def _url(self, rkey: str) -> str:
        return f"https://bsky.app/profile/{self.credentials.get('handle', '')}/post/{rkey}"

    def publish(self, request: PublishRequest) -> PublishResult:
        rkey = record_key(request.first_attempt_at, request.idempotency_key)

        def send(client: Client) -> PublishResult:
            images = []
            for item in request.content.media:
                blob = client.upload_blob(item.path.read_bytes()).blob
                images.append(models.AppBskyEmbedImages.Image(alt=item.alt_text or "", image=blob))
            text = request.content.full_text
            record = models.AppBskyFeedPost.Record(
                text=text,
                created_at=request.first_attempt_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                facets=link_facets(text) or None,
                embed=models.AppBskyEmbedImages.Main(images=images) if images else None,
            )
            try:
                created = client.com.atproto.repo.create_record(
                    models.ComAtprotoRepoCreateRecord.Data(
                        repo=client._session.did, collection=COLLECTION, rkey=rkey, record=record
                    )
                )
            except BadRequestError as error:
                existing = self._read(client, rkey) if _already_exists(error) else None
                if existing is not None:
                    return existing
                raise
            return PublishResult(external_id=created.uri, external_url=self._url(rkey), raw={"cid": created.cid})

        return self._mapped(lambda: self._with_session(send), sending=True)

    def _read(self, client: Client, rkey: str) -> PublishResult | None:
        try:
            found = client.com.atproto.repo.get_record(
                models.ComAtprotoRepoGetRecord.Params(repo=client._session.did, collection=COLLECTION, rkey=rkey)
            )
        except BadRequestError as error:
            _, name, message = _xrpc_error(error)
            if name == "RecordNotFound" or "not found" in message.lower():
                return None
            raise
        return PublishResult(external_id=found.uri, external_url=self._url(rkey))

    def find_existing(self, request: PublishRequest) -> PublishResult | None:
        rkey = record_key(request.first_attempt_at, request.idempotency_key)
        return self._mapped(lambda: self._with_session(lambda client: self._read(client, rkey)), sending=False)

    def check_credentials(self) -> str:
        return self._mapped(lambda: self._client(fresh=True) and self.credentials.get("handle", ""), sending=False)

    def fetch_metrics(self, external_id: str) -> dict[str, int]:
        def read(client: Client) -> dict[str, int]:
            posts = client.app.bsky.feed.get_posts(models.AppBskyFeedGetPosts.Params(uris=[external_id])).posts
            if not posts:
                return {}
            post = posts[0]
            return {"likes": post.like_count or 0, "shares": post.repost_count or 0, "comments": post.reply_count or 0}

        return self._mapped(lambda: self._with_session(read), sending=False)

    @staticmethod
    def _mapped(call, *, sending: bool):
        try:
            return call()
        except (TransientError, PermanentError, OutcomeUnknown):
            raise
        except InvokeTimeoutError as error:
            if sending:
                raise OutcomeUnknown(
                    "Bluesky did not answer in time after the post was sent.", resend_is_safe=True
                ) from error
            raise TransientError("Bluesky did not answer in time.") from error
        except RateLimitExceededError as error:
            raise TransientError(
                "Bluesky asks to slow down (rate limit).", status=429, retry_after=_wait(error)
            ) from error
        except UnauthorizedError as error:
            status, _, message = _xrpc_error(error)
            raise CredentialError(f"Bluesky refused the session: {message}", status=status) from error
        except NetworkError as error:
            status, _, message = _xrpc_error(error)
            if status in {409, 413}:
                raise PermanentError(f"Bluesky refused the post ({status}): {message}", status=status) from error
            if status is None and sending and not _connect_failure(error):
                raise OutcomeUnknown(
                    f"The connection to Bluesky broke after the post was sent: {error}", resend_is_safe=True
                ) from error
            raise TransientError(f"Could not reach Bluesky: {message}", status=status) from error
        except BadRequestError as error:
            status, name, message = _xrpc_error(error)
            raise PermanentError(f"Bluesky refused the post: {message or name}", status=status) from error
        except RequestErrorBase as error:
            status, _, message = _xrpc_error(error)
            if status is not None and status >= 500:
                raise TransientError(f"Bluesky had a problem ({status}): {message}", status=status) from error
            raise PermanentError(f"Bluesky refused the request ({status}): {message}", status=status) from error
        except AtProtocolError as error:
            raise PermanentError(f"Bluesky: {error}") from error


def _already_exists(error: BadRequestError) -> bool:
    _, name, message = _xrpc_error(error)
    return name in {"RecordAlreadyExists", "InvalidSwap"} or "already exists" in message.lower()


def _wait(error: RateLimitExceededError) -> float | None:
    if error.retry_after is not None:
        return error.retry_after
    if error.reset_at is not None:
        return max((error.reset_at - datetime.now(tz=UTC)).total_seconds(), 0.0)
    return None


def _connect_failure(error: BaseException) -> bool:
    import httpx

    cause = error.__cause__ or error.__context__
    return isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout)
