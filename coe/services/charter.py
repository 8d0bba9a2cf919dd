"""The charter's versions and its objectives. A CoE manager starts a draft from the current
version, edits it and approves it; approved and superseded versions never change."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from coe import permissions
from coe.audit import audit
from coe.errors import Conflict, DomainError, NotAllowed
from coe.models import CharterVersion, Objective
from coe.roles import Role

SECTION_FIELDS = tuple(name for name, _ in CharterVersion.SECTIONS)
EDITABLE_FIELDS = frozenset({*SECTION_FIELDS, "change_note"})
OBJECTIVE_FIELDS = frozenset({"title", "description", "owner", "department", "period_start", "period_end", "is_active"})


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


@transaction.atomic
def charter_version_start(*, actor, change_note: str = "") -> CharterVersion:
    """A new draft, copied from the current (approved) version — or empty sections for the first
    one. Only one draft at a time: finish or approve it first."""
    _require(permissions.can_edit_charter(actor), "Only the CoE manager writes the charter.")
    if CharterVersion.objects.select_for_update().filter(status=CharterVersion.Status.DRAFT).exists():
        raise Conflict("A draft version is already open: edit or approve it first.")
    current = CharterVersion.objects.filter(status=CharterVersion.Status.APPROVED).first()
    number = (CharterVersion.objects.aggregate(top=Max("number"))["top"] or 0) + 1
    sections = {name: getattr(current, name) if current else "" for name in SECTION_FIELDS}
    version = CharterVersion.objects.create(
        number=number,
        status=CharterVersion.Status.DRAFT,
        change_note=change_note,
        created_by=actor if getattr(actor, "pk", None) else None,
        **sections,
    )
    audit(actor=actor, action="charter.draft_started", summary=f"Started charter v{number}", obj=version)
    return version


@transaction.atomic
def charter_version_update(*, actor, version: CharterVersion, changes: dict[str, Any]) -> CharterVersion:
    """Change a draft's sections or change note. Approved and superseded versions are history:
    they never change."""
    _require(permissions.can_edit_charter(actor), "Only the CoE manager writes the charter.")
    version = CharterVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != CharterVersion.Status.DRAFT:
        raise Conflict(f"Charter v{version.number} is {version.get_status_display().lower()}: start a new version.")
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise DomainError(f"These cannot be changed: {', '.join(sorted(unknown))}. A charter names no tools.")
    for name, value in changes.items():
        setattr(version, name, value or "")
    missing = [label for name, label in CharterVersion.SECTIONS[:4] if not getattr(version, name).strip()]
    if missing:
        raise DomainError(
            f"Fill in: {', '.join(missing)}.",
            fields={
                name: ["Required."] for name, _ in CharterVersion.SECTIONS[:4] if not getattr(version, name).strip()
            },
        )
    version.save()
    audit(actor=actor, action="charter.draft_edited", summary=f"Edited charter v{version.number}", obj=version)
    return version


@transaction.atomic
def charter_version_approve(*, actor, version: CharterVersion) -> CharterVersion:
    """Make a draft the current charter: the one approved before becomes superseded (one current
    version at a time), approved_by/at are set, and the CoE staff and leadership are told."""
    _require(permissions.can_approve_charter(actor), "Only the CoE manager approves the charter.")
    version = CharterVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != CharterVersion.Status.DRAFT:
        raise Conflict(f"Charter v{version.number} is not a draft; only a draft can be approved.")
    missing = [label for name, label in CharterVersion.SECTIONS[:4] if not getattr(version, name).strip()]
    if missing:
        raise DomainError(f"Fill in before approving: {', '.join(missing)}.")
    previous = list(
        CharterVersion.objects.select_for_update()
        .filter(status=CharterVersion.Status.APPROVED)
        .values_list("number", flat=True)
    )
    CharterVersion.objects.filter(status=CharterVersion.Status.APPROVED).update(
        status=CharterVersion.Status.SUPERSEDED, updated_at=timezone.now()
    )
    version.status = CharterVersion.Status.APPROVED
    version.approved_by = actor if getattr(actor, "pk", None) else None
    version.approved_at = timezone.now()
    version.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit(
        actor=actor,
        action="charter.approved",
        summary=f"Approved charter v{version.number}" + (f" (supersedes v{previous[0]})" if previous else ""),
        obj=version,
        data={"superseded": previous},
    )
    from coe.services import notify

    audience = (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name__in=[Role.COE_MANAGER.group_name, Role.COE_MEMBER.group_name, Role.LEADERSHIP.group_name],
        )
        .distinct()
    )
    notify(
        recipients=audience,
        kind="charter.approved",
        title=f"Charter v{version.number} is now the current charter",
        body=version.change_note,
        url=reverse("coe:charter"),
        exclude=actor if getattr(actor, "pk", None) else None,
    )
    return version


def _objective_check(objective: Objective) -> None:
    if objective.period_start and objective.period_end and objective.period_end < objective.period_start:
        raise DomainError("The period must end on or after its start.", fields={"period_end": ["Before the start."]})
    if not (objective.title or "").strip():
        raise DomainError("An objective needs a title.", fields={"title": ["Required."]})


@transaction.atomic
def objective_create(
    *,
    actor,
    title: str,
    period_start: date,
    period_end: date,
    description: str = "",
    owner=None,
    department=None,
    is_active: bool = True,
) -> Objective:
    """A business goal as a record. CoE staff only; the period ends on or after it starts."""
    _require(permissions.can_manage_objectives(actor), "Only the CoE keeps the objectives.")
    objective = Objective(
        title=title.strip(),
        description=description,
        owner=owner,
        department=department,
        period_start=period_start,
        period_end=period_end,
        is_active=is_active,
    )
    _objective_check(objective)
    objective.save()
    audit(actor=actor, action="objective.created", summary=f"Created objective “{objective.title}”", obj=objective)
    return objective


@transaction.atomic
def objective_update(*, actor, objective: Objective, changes: dict[str, Any]) -> Objective:
    """Change an objective's title, description, owner, department, period or active state."""
    _require(permissions.can_manage_objectives(actor), "Only the CoE keeps the objectives.")
    unknown = set(changes) - OBJECTIVE_FIELDS
    if unknown:
        raise DomainError(f"These cannot be changed: {', '.join(sorted(unknown))}.")
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    for name, value in changes.items():
        setattr(objective, name, value)
    _objective_check(objective)
    objective.save()
    audit(actor=actor, action="objective.changed", summary=f"Changed objective “{objective.title}”", obj=objective)
    return objective


def objective_deactivate(*, actor, objective: Objective) -> Objective:
    """An objective that no longer applies stays as history (KPIs keep pointing at it)."""
    return objective_update(actor=actor, objective=objective, changes={"is_active": False})
