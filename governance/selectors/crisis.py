"""Reading crisis plans and incidents, and the freeze other apps read.

The freeze is the set of active incidents and the channels each covers. Publishing asks
``current_freeze(fresh=True)`` in its sweep and again in the claim just before each send: one
small indexed query, never a cached answer, so a freeze declared a moment ago stops the very
next send. Pages and the banner use the cached copy (``fresh=False``), which declaring and
resolving forget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from governance import permissions
from governance.models import CrisisIncident, CrisisPlan, CrisisScenario, HoldingStatement, IncidentUpdate

FREEZE_CACHE_KEY = "governance:crisis-freeze"
FREEZE_CACHE_SECONDS = 300


class AllChannels:
    """Every channel, present and future (an incident declared for all channels)."""

    def __contains__(self, channel_id: object) -> bool:
        return True

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "ALL"


ALL = AllChannels()


@dataclass(frozen=True)
class FrozenBy:
    """One active incident as the freeze sees it."""

    incident_id: int
    title: str
    severity: str
    channel_ids: frozenset[int] | AllChannels

    def covers(self, channel_id: int) -> bool:
        return channel_id in self.channel_ids

    @property
    def all_channels(self) -> bool:
        return isinstance(self.channel_ids, AllChannels)


@dataclass(frozen=True)
class Freeze:
    """What the active incidents freeze. Empty (falsy) when nothing is frozen."""

    incidents: tuple[FrozenBy, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.incidents)

    @property
    def channel_ids(self) -> frozenset[int] | AllChannels:
        if any(incident.all_channels for incident in self.incidents):
            return ALL
        return frozenset().union(*(incident.channel_ids for incident in self.incidents))

    def covering(self, channel_id: int) -> list[FrozenBy]:
        return [incident for incident in self.incidents if incident.covers(channel_id)]

    def holding(self, channel_id: int, statement_of: int | None = None) -> FrozenBy | None:
        """The incident that holds a publication on this channel, or None when it may go out. A
        statement of an incident that covers the channel is the crisis path: it is not held."""
        covering = self.covering(channel_id)
        if not covering or (statement_of is not None and any(i.incident_id == statement_of for i in covering)):
            return None
        return covering[0]

    def holds(self, channel_id: int, statement_of: int | None = None) -> bool:
        return self.holding(channel_id, statement_of) is not None


def _freeze_rows() -> list[dict[str, Any]]:
    """The active incidents with their channels, in one query."""
    rows: dict[int, dict[str, Any]] = {}
    active = CrisisIncident.objects.filter(status=CrisisIncident.Status.ACTIVE).order_by("declared_at", "pk")
    for pk, title, severity, all_channels, channel_id in active.values_list(
        "pk", "title", "severity", "all_channels", "channels"
    ):
        row = rows.setdefault(
            pk, {"id": pk, "title": title, "severity": severity, "all_channels": all_channels, "channels": []}
        )
        if channel_id is not None:
            row["channels"].append(channel_id)
    return list(rows.values())


def _freeze_from(rows: list[dict[str, Any]]) -> Freeze:
    return Freeze(
        tuple(
            FrozenBy(
                incident_id=row["id"],
                title=row["title"],
                severity=row["severity"],
                channel_ids=ALL if row["all_channels"] else frozenset(row["channels"]),
            )
            for row in rows
        )
    )


def current_freeze(*, fresh: bool = False) -> Freeze:
    """The freeze now. ``fresh=True`` reads the database (what sending uses); otherwise the copy
    cached for pages and the banner."""
    if fresh:
        return _freeze_from(_freeze_rows())
    rows = cache.get(FREEZE_CACHE_KEY)
    if rows is None:
        rows = _freeze_rows()
        cache.set(FREEZE_CACHE_KEY, rows, FREEZE_CACHE_SECONDS)
    return _freeze_from(rows)


def forget_cached_freeze() -> None:
    # Now (this request shows the new state) and after commit (no other request re-caches the old one).
    cache.delete(FREEZE_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(FREEZE_CACHE_KEY))


def frozen_channel_ids(*, fresh: bool = False) -> frozenset[int] | AllChannels:
    """The channels no ordinary post may go out on right now (``ALL`` for every channel)."""
    return current_freeze(fresh=fresh).channel_ids


def incidents_covering(channel_id) -> QuerySet[CrisisIncident]:
    """The active incidents that freeze a channel. ``channel_id`` may be an ``OuterRef``, so a
    sender can read the freeze inside the query that loads what it sends (no extra round trip)."""
    return CrisisIncident.objects.filter(status=CrisisIncident.Status.ACTIVE).filter(
        Q(all_channels=True) | Q(channels=channel_id)
    )


def channel_is_frozen(channel_id: int, *, statement_of: int | None = None) -> CrisisIncident | None:
    """The active incident that freezes this channel (read from the database), or None. A
    statement of an incident covering the channel is not frozen by it."""
    holding = current_freeze(fresh=True).holding(channel_id, statement_of)
    return CrisisIncident.objects.filter(pk=holding.incident_id).first() if holding else None


# --- pages --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrisisOverview:
    active: list[CrisisIncident]
    plans: list[CrisisPlan]


def _channel_model():
    """publishing's Channel, reached through the incident's relation (governance never imports
    publishing)."""
    return CrisisIncident._meta.get_field("channels").related_model


def _with_channels(incidents: QuerySet[CrisisIncident]) -> QuerySet[CrisisIncident]:
    return incidents.select_related("plan", "scenario", "declared_by", "resolved_by").prefetch_related(
        Prefetch("channels", queryset=_channel_model().objects.order_by("name"))
    )


def crisis_overview(*, user) -> CrisisOverview:
    """Active incidents first (most severe, then newest), and the plans this person may see."""
    incidents = permissions.incidents_visible_to(user).filter(status=CrisisIncident.Status.ACTIVE)
    active = sorted(
        _with_channels(incidents).annotate(update_count=Count("updates")),
        key=lambda incident: (_SEVERITY_RANK.get(incident.severity, 0), incident.declared_at),
        reverse=True,
    )
    plans = list(
        permissions.plans_visible_to(user)
        .annotate(
            scenario_count=Count("scenarios", distinct=True),
            statement_count=Count("holding_statements", distinct=True),
        )
        .prefetch_related("spokespeople")
        .order_by("-is_active", "name")
    )
    return CrisisOverview(active=active, plans=plans)


_SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}


def incident_history(*, user) -> QuerySet[CrisisIncident]:
    """Resolved incidents, newest first (paged by the page)."""
    return _with_channels(
        permissions.incidents_visible_to(user).filter(status=CrisisIncident.Status.RESOLVED)
    ).order_by("-declared_at", "-pk")


def incidents_list(*, user) -> QuerySet[CrisisIncident]:
    return _with_channels(permissions.incidents_visible_to(user)).order_by("-declared_at", "-pk")


def incident_get(*, user, pk: int) -> CrisisIncident:
    """One incident with its timeline and its plan's holding statements, or 404."""
    incidents = _with_channels(permissions.incidents_visible_to(user)).prefetch_related(
        Prefetch("updates", queryset=IncidentUpdate.objects.select_related("author").order_by("created_at", "pk")),
        Prefetch(
            "plan__holding_statements",
            queryset=HoldingStatement.objects.select_related("scenario").order_by("title"),
        ),
        "plan__spokespeople",
        "plan__escalation_contacts",
    )
    return get_object_or_404(incidents, pk=pk)


def plans_list(*, user) -> QuerySet[CrisisPlan]:
    return (
        permissions.plans_visible_to(user)
        .prefetch_related(
            "spokespeople",
            "escalation_contacts",
            Prefetch("scenarios", queryset=CrisisScenario.objects.order_by("name")),
            Prefetch("holding_statements", queryset=HoldingStatement.objects.select_related("scenario")),
        )
        .order_by("name")
    )


def plan_get(*, user, pk: int) -> CrisisPlan:
    return get_object_or_404(plans_list(user=user), pk=pk)


def plans_for_declaring(*, user) -> QuerySet[CrisisPlan]:
    """The active plans this person may declare an incident under."""
    plans = CrisisPlan.objects.filter(is_active=True).order_by("name")
    if permissions.can_declare_incident(user):
        return plans
    if not permissions.is_spokesperson(user):
        return plans.none()
    return plans.filter(pk__in=CrisisPlan.objects.filter(spokespeople=user).values("pk"))


def holding_statements_for(*, user, plan_ids) -> QuerySet[HoldingStatement]:
    return (
        HoldingStatement.objects.filter(plan__in=permissions.plans_visible_to(user).filter(pk__in=plan_ids))
        .select_related("plan", "scenario")
        .order_by("plan__name", "title")
    )


def holding_statement_get(*, user, pk: int) -> HoldingStatement | None:
    return (
        HoldingStatement.objects.filter(plan__in=permissions.plans_visible_to(user))
        .select_related("plan", "scenario")
        .filter(pk=pk)
        .first()
    )


def people_named(incident: CrisisIncident) -> set:
    """Everyone told about the incident: the plan's escalation contacts and spokespeople."""
    plan = incident.plan
    if plan is None:
        return set()
    return set(plan.escalation_contacts.filter(is_active=True)) | set(plan.spokespeople.filter(is_active=True))


def active_incidents_for_banner() -> list[FrozenBy]:
    """The active incidents (cached; declaring and resolving forget it)."""
    return list(current_freeze().incidents)
