"""Reads for the charter and its objectives, scoped to the person asking."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from coe import permissions
from coe.extensions import objective_statuses
from coe.models import CharterVersion, Objective
from coe.worddiff import WordDiff, word_diff


def charter_versions(*, user) -> QuerySet[CharterVersion]:
    """Every version for people who read the charter; drafts only for those who write it."""
    versions = CharterVersion.objects.select_related("approved_by", "created_by")
    if not permissions.can_view_charter(user):
        return versions.none()
    if not permissions.can_edit_charter(user):
        versions = versions.exclude(status=CharterVersion.Status.DRAFT)
    return versions


def charter_current(*, user) -> CharterVersion | None:
    return charter_versions(user=user).filter(status=CharterVersion.Status.APPROVED).first()


def charter_version_get(*, user, number: int) -> CharterVersion:
    """CharterVersion.DoesNotExist (a 404) for a version the person may not see."""
    return charter_versions(user=user).get(number=number)


@dataclass(frozen=True)
class SectionDiff:
    name: str
    label: str
    diff: WordDiff


def charter_diff(*, old: CharterVersion, new: CharterVersion) -> list[SectionDiff]:
    """Each section of the charter, word by word from ``old`` to ``new``."""
    return [
        SectionDiff(name=name, label=label, diff=word_diff(getattr(old, name), getattr(new, name)))
        for name, label in CharterVersion.SECTIONS
    ]


def objectives_list(*, user, active_only: bool = False) -> QuerySet[Objective]:
    objectives = Objective.objects.select_related("owner", "department")
    if not permissions.has_model_or_object_perm(user, "coe.view_objective"):
        return objectives.none()
    if active_only:
        objectives = objectives.filter(is_active=True)
    return objectives


def objective_get(*, user, pk: int) -> Objective:
    return objectives_list(user=user).get(pk=pk)


def objectives_with_status(*, user, objectives) -> list[tuple[Objective, list[dict]]]:
    """Each objective with its KPI status as the apps that measure it report (scoped to the user)."""
    objectives = list(objectives)
    statuses = objective_statuses(user, [objective.pk for objective in objectives])
    return [(objective, statuses.get(objective.pk, [])) for objective in objectives]
