"""Console: the demo network. Each post is one JSON line in a file (and a log line), written at
most once per idempotency key — two workers cannot both append (an exclusive file lock)."""

from __future__ import annotations

import fcntl
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

from publishing.adapters._common import empty_issue, media_issues
from publishing.adapters.base import ChannelAdapter, LengthInfo, PostContent, PublishRequest, PublishResult

log = logging.getLogger("publishing.console")
LIMIT = 5000


class ConsoleAdapter(ChannelAdapter):
    network = "console"
    label = "Console (demo)"
    max_media = 4
    settings_fields = {"log_path": "Where posts are written (default: var/console-channel.log)."}

    @property
    def path(self) -> Path:
        if self.settings.get("log_path"):
            return Path(self.settings["log_path"])
        from django.conf import settings

        return Path(settings.VAR_DIR) / "console-channel.log"

    def length(self, content: PostContent) -> LengthInfo:
        return LengthInfo(used=len(content.full_text), limit=LIMIT, unit="characters")

    def validate(self, content: PostContent):
        issues = empty_issue(content) + media_issues(self, content, "The console")
        if len(content.full_text) > LIMIT:
            issues.append(self._too_long(content))
        return issues

    def _too_long(self, content):
        from publishing.adapters.base import ValidationIssue

        return ValidationIssue(
            "too_long", f"The console allows {LIMIT} characters; this post has {len(content.full_text)}."
        )

    def _result(self, key: str) -> PublishResult:
        return PublishResult(external_id=f"console-{key[:12]}")

    def _keys(self, handle) -> set[str]:
        handle.seek(0)
        keys = set()
        for line in handle:
            try:
                keys.add(json.loads(line)["idempotency_key"])
            except (ValueError, KeyError):
                continue
        return keys

    def publish(self, request: PublishRequest) -> PublishResult:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                if request.idempotency_key not in self._keys(handle):
                    record = {
                        "idempotency_key": request.idempotency_key,
                        "publication_id": request.publication_id,
                        "text": request.content.full_text,
                        "media": [item.path.name for item in request.content.media],
                        "sent_at": datetime.now(tz=UTC).isoformat(),
                    }
                    handle.seek(0, 2)
                    handle.write(json.dumps(record) + "\n")
                    handle.flush()
                    log.info("Published on the console: %s", request.content.full_text[:200])
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return self._result(request.idempotency_key)

    def find_existing(self, request: PublishRequest) -> PublishResult | None:
        if not self.path.exists():
            return None
        with self.path.open("r", encoding="utf-8") as handle:
            return self._result(request.idempotency_key) if request.idempotency_key in self._keys(handle) else None

    def check_credentials(self) -> str:
        return "console"
