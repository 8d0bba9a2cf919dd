"""What other apps plug into coe's layout without coe importing them: banners shown across the
app (a publishing pause, a crisis), panels on the role-aware home page, the facts each app knows
about departments (the directory and maturity assessments read them) and the KPI status of the
charter's objectives. Apps register from their AppConfig.ready(); navigation entries live in
coe.navigation."""

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


# --- Facts the domain apps know about departments (the directory, maturity assessments) ---------


@dataclass(frozen=True)
class Fact:
    """One figure an app knows, e.g. ("policy_ack_pct", "Policy acknowledgment", 87.5, "88 %").
    ``value`` is a number, a bool or None (unknown); ``display`` is what a page shows."""

    key: str
    label: str
    value: float | int | bool | None
    display: str
    url: str = ""


# provider(department_ids) -> {department_id: [Fact, …], None: [Fact, …] (the whole company)}; it
# answers for every department asked in a fixed number of queries, whatever their number.
FactsProvider = Callable[[list[int]], dict[int | None, list[Fact]]]
_facts_providers: dict[str, FactsProvider] = {}


def register_department_facts(key: str, provider: FactsProvider) -> None:
    _facts_providers[key] = provider


def department_facts(department_ids: list[int]) -> dict[int | None, list[Fact]]:
    """Every registered app's facts for these departments and for the whole company (key None)."""
    merged: dict[int | None, list[Fact]] = {pk: [] for pk in [*department_ids, None]}
    for provider in _facts_providers.values():
        for pk, facts in provider(department_ids).items():
            merged.setdefault(pk, []).extend(facts)
    return merged


# --- KPI status of the charter's objectives (analytics answers; coe shows it on the charter) ----

# provider(user, objective_ids) -> {objective_id: [{"name", "actual", "target", "status", "url"}, …]}
ObjectiveStatusProvider = Callable[[Any, list[int]], dict[int, list[dict[str, Any]]]]
_objective_status_providers: dict[str, ObjectiveStatusProvider] = {}


def register_objective_status(key: str, provider: ObjectiveStatusProvider) -> None:
    _objective_status_providers[key] = provider


def objective_statuses(user, objective_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    merged: dict[int, list[dict[str, Any]]] = {pk: [] for pk in objective_ids}
    for provider in _objective_status_providers.values():
        for pk, rows in provider(user, objective_ids).items():
            merged.setdefault(pk, []).extend(rows)
    return merged
