"""The main navigation: each app registers its entries with the permission check that shows
them, so a person sees only what their role may use. coe never imports the domain apps; they
register themselves from their AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from coe import permissions


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    allowed: Callable[[object], bool]
    order: int = 100
    # "main": the top bar; "user": the person's menu (pages a few people use now and then), which
    # keeps the bar on one line for CoE managers, who see every section.
    menu: str = "main"

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_items: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    for item in items:
        _items[item.url_name] = item


def nav_items_for(user) -> list[NavItem]:
    if not (user and user.is_authenticated):
        return []
    return sorted((item for item in _items.values() if item.allowed(user)), key=lambda item: item.order)


def register_coe_items() -> None:
    register(
        NavItem("Home", "home", lambda user: user.is_active, order=0),
        NavItem("CoE", "coe:charter", lambda user: user.is_active, order=80),
        NavItem("People", "coe:people_list", permissions.can_view_all_people, order=85),
        NavItem("Admin", "admin:index", permissions.can_use_admin, order=200, menu="user"),
    )
