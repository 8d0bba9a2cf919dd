"""Webhook: a signed JSON POST, for Slack/Teams incoming webhooks or a company's own relay.

Signature: ``X-CoE-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`` with the
Unix time in ``X-CoE-Timestamp``; receivers check both (``verify_signature``) and refuse stale
timestamps. Idempotency: every delivery carries ``Idempotency-Key``; a relay that dedupes on it
(``receiver_dedupes``, the default) makes a resend after a lost answer harmless. A Slack webhook
does not dedupe: there a lost answer is "outcome unknown", for a person to check.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from urllib.parse import urlparse

import requests

from publishing.adapters._common import empty_issue, media_issues, nothing_was_sent, retry_after_seconds
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


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(secret: str, timestamp: str, body: bytes, signature: str, *, tolerance_seconds: int = 300) -> bool:
    """For receivers: the signature matches and the timestamp is recent (no replays)."""
    try:
        age = abs(time.time() - int(timestamp))
    except (TypeError, ValueError):
        return False
    return age <= tolerance_seconds and hmac.compare_digest(sign(secret, timestamp, body), signature or "")


def _truthy(value) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() not in {"0", "false", "no", "off", ""}


class WebhookAdapter(ChannelAdapter):
    network = "webhook"
    label = "Webhook"
    max_media = 0
    settings_fields = {
        "url": "The address that receives the JSON POST (https://…).",
        "receiver_dedupes": "true if the receiver ignores a repeated Idempotency-Key (a relay); false for Slack.",
        "max_length": "Longest text the receiver accepts (default 4000).",
        "status_url": "Optional: an address with {idempotency_key} that answers 200 if a delivery arrived.",
    }
    required_settings = frozenset({"url"})
    credential_fields = {"secret": "The shared secret the receiver checks the signature with."}

    @property
    def max_length(self) -> int:
        return int(self.settings.get("max_length") or 4000)

    @property
    def dedupes(self) -> bool:
        return _truthy(self.settings.get("receiver_dedupes", True))

    def length(self, content: PostContent) -> LengthInfo:
        return LengthInfo(used=len(content.full_text), limit=self.max_length, unit="characters")

    def validate(self, content: PostContent) -> list[ValidationIssue]:
        issues = empty_issue(content) + media_issues(self, content, "The webhook")
        if len(content.full_text) > self.max_length:
            issues.append(
                ValidationIssue(
                    "too_long",
                    f"The webhook takes {self.max_length} characters; this post has {len(content.full_text)}.",
                )
            )
        return issues

    def publish(self, request: PublishRequest) -> PublishResult:
        body = json.dumps(
            {
                "text": request.content.full_text,
                "link": request.content.link,
                "idempotency_key": request.idempotency_key,
                "publication_id": request.publication_id,
                "sent_at": datetime.now(tz=UTC).isoformat(),
            }
        ).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": request.idempotency_key,
            "X-CoE-Timestamp": timestamp,
            "X-CoE-Signature": sign(self.credentials.get("secret", ""), timestamp, body),
        }
        try:
            response = requests.post(self.settings["url"], data=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as error:
            if nothing_was_sent(error):
                raise TransientError(f"Could not reach the webhook: {error}") from error
            raise OutcomeUnknown(f"The webhook did not answer: {error}", resend_is_safe=self.dedupes) from error
        return self._result(response, request)

    def _result(self, response: requests.Response, request: PublishRequest) -> PublishResult:
        status = response.status_code
        if 200 <= status < 300:
            data = self._json(response)
            return PublishResult(
                external_id=str(data.get("id") or request.idempotency_key),
                external_url=str(data.get("url") or ""),
                raw=data,
            )
        message = self._message(response)
        if status == 429:
            raise TransientError(
                f"The webhook asks to slow down: {message}",
                status=status,
                retry_after=retry_after_seconds(response.headers.get("Retry-After")),
            )
        if status >= 500:
            raise TransientError(
                f"The webhook failed ({status}): {message}",
                status=status,
                retry_after=retry_after_seconds(response.headers.get("Retry-After")),
            )
        if status in {401, 403}:
            raise CredentialError(f"The webhook refused the signature ({status}): {message}", status=status)
        raise PermanentError(f"The webhook refused the post ({status}): {message}", status=status)

    @staticmethod
    def _json(response: requests.Response) -> dict:
        try:
            data = response.json()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def _message(self, response: requests.Response) -> str:
        data = self._json(response)
        text = data.get("error") or data.get("message") or response.text or response.reason or ""
        return str(text)[:500]

    def find_existing(self, request: PublishRequest) -> PublishResult | None:
        template = self.settings.get("status_url")
        if not template:
            return None
        try:
            response = requests.get(template.format(idempotency_key=request.idempotency_key), timeout=self.timeout)
        except requests.RequestException as error:
            raise TransientError(f"Could not ask the webhook: {error}") from error
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise TransientError(f"The webhook's status address answered {response.status_code}.")
        data = self._json(response)
        return PublishResult(
            external_id=str(data.get("id") or request.idempotency_key),
            external_url=str(data.get("url") or ""),
            raw=data,
        )

    def check_credentials(self) -> str:
        return urlparse(self.settings.get("url", "")).netloc or "webhook"
