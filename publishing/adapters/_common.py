"""Pieces every adapter shares: media checks against a network's limits, Retry-After parsing,
and telling a refused connection (nothing was sent) from a lost answer (it may have been)."""

from __future__ import annotations

import email.utils
import time

import requests

from publishing.adapters.base import ChannelAdapter, PostContent, ValidationIssue

MB = 1024 * 1024


def media_issues(adapter: ChannelAdapter, content: PostContent, label: str) -> list[ValidationIssue]:
    issues = []
    if content.media and adapter.max_media == 0:
        return [ValidationIssue("media_not_supported", f"{label} posts carry no images; remove them.")]
    if len(content.media) > adapter.max_media:
        issues.append(
            ValidationIssue(
                "too_many_media", f"{label} allows {adapter.max_media} images; this post has {len(content.media)}."
            )
        )
    for item in content.media:
        name = item.path.name
        if item.content_type not in adapter.media_types:
            kinds = ", ".join(sorted(kind.split("/")[1].upper() for kind in adapter.media_types))
            issues.append(
                ValidationIssue("media_type", f"{label} takes {kinds} images; {name} is {item.content_type}.")
            )
        if item.size > adapter.max_media_bytes:
            limit = adapter.max_media_bytes / MB
            issues.append(
                ValidationIssue(
                    "media_too_large", f"{label} takes images up to {limit:.3g} MB; {name} is {item.size / MB:.1f} MB."
                )
            )
    return issues


def empty_issue(content: PostContent) -> list[ValidationIssue]:
    if not content.full_text.strip() and not content.media:
        return [ValidationIssue("empty", "Write some text or add an image.")]
    return []


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds, whether given as a number or as an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(moment.timestamp() - time.time(), 0.0)


def nothing_was_sent(error: BaseException) -> bool:
    """A connection that never opened (refused, DNS, connect timeout): safe to send again."""
    for cause in _causes(error):
        if isinstance(cause, requests.exceptions.ConnectTimeout):
            return True
        if isinstance(cause, requests.exceptions.ConnectionError) and not isinstance(
            cause, requests.exceptions.ReadTimeout
        ):
            text = str(cause).lower()
            if any(
                word in text
                for word in (
                    "refused",
                    "name or service",
                    "failed to establish",
                    "nodename",
                    "no route",
                    "temporary failure in name",
                )
            ):
                return True
        if isinstance(cause, ConnectionRefusedError):
            return True
    return False


def _causes(error: BaseException):
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        for arg in getattr(error, "args", ()):
            if isinstance(arg, BaseException):
                yield arg
        error = error.__cause__ or error.__context__
