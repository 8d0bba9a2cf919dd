"""Channel adapters: one module per network behind one interface (publishing.adapters.base)."""

from __future__ import annotations

from typing import Any

from publishing.adapters.base import ChannelAdapter
from publishing.adapters.bluesky import BlueskyAdapter
from publishing.adapters.console import ConsoleAdapter
from publishing.adapters.mastodon import MastodonAdapter
from publishing.adapters.webhook import WebhookAdapter

ADAPTERS: dict[str, type[ChannelAdapter]] = {
    adapter.network: adapter for adapter in (MastodonAdapter, BlueskyAdapter, WebhookAdapter, ConsoleAdapter)
}
NETWORK_CHOICES = [(key, adapter.label) for key, adapter in ADAPTERS.items()]


def get_adapter(network: str, *, settings: dict[str, Any], credentials: dict[str, str], timeout: float = 20.0):
    adapter = ADAPTERS.get(network)
    if adapter is None:
        raise ValueError(f"Unknown network {network!r}; known: {', '.join(ADAPTERS)}.")
    return adapter(settings=settings, credentials=credentials, timeout=timeout)
