"""What other apps plug into coe's layout without coe importing them: banners shown across the
app (a publishing pause, a crisis) and panels on the role-aware home page. Apps register from their
AppConfig.ready(); navigation entries live in coe.navigation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Banner:
    level: str  # Bootstrap alert level: "danger", "warning", "info"
    message: str
    url: str = ""
    link_text: str = ""


@dataclass(frozen=True)
class HomePanel:
    """A block on the home page: ``context(user)`` returns the template's context, or None to
    leave the panel out for this person."""

    key: str
    template: str
    context: Callable[[Any], dict[str, Any] | None]
    order: int = 100


_banner_providers: dict[str, Callable[[Any], list[Banner]]] = {}
_home_panels: dict[str, HomePanel] = {}


def register_banner_provider(key: str, provider: Callable[[Any], list[Banner]]) -> None:
    _banner_providers[key] = provider


def banners_for(user) -> list[Banner]:
    if not (user and user.is_authenticated):
        return []
    return [banner for provider in _banner_providers.values() for banner in provider(user)]


def register_home_panel(panel: HomePanel) -> None:
    _home_panels[panel.key] = panel


def home_panels_for(user) -> list[dict[str, Any]]:
    """[{"template": …, "context": {…}}] for the panels this person should see, in order."""
    panels = []
    for panel in sorted(_home_panels.values(), key=lambda p: p.order):
        context = panel.context(user)
        if context is not None:
            panels.append({"template": panel.template, "context": context})
    return panels
