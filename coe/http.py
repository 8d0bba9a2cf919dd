"""Small request helpers every app shares."""

from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the sign-in lockout sees it: behind PROXY_COUNT proxies, the one
    they forwarded, else the connection's."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR")
