"""Approval policies, edited by CoE managers: a policy and its ordered stages are saved together."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from coe.audit import audit
from coe.errors import DomainError, NotAllowed
from publishing import permissions
from publishing.models import ApprovalPolicy, ApprovalStage, StageKind

POLICY_FIELDS = frozenset({"name", "channel", "department", "is_active", "late_approval", "description"})
STAGE_FIELDS = frozenset(
    {
        "position",
        "name",
        "kind",
        "group",
        "people",
        "department_lead",
        "required_approvals",
        "turnaround_hours",
        "external_reviewers",
    }
)


def _check_stage(index: int, stage: Mapping[str, Any]) -> None:
    label = f"Stage {index + 1} ({stage.get('name') or 'unnamed'})"
    if not (stage.get("name") or "").strip():
        raise DomainError(f"{label}: give the stage a name.", code="invalid", fields={"stages": [label]})
    names_someone = (
        stage.get("group")
        or list(stage.get("people") or [])
        or stage.get("department_lead")
        or (stage.get("external_reviewers") or "").strip()
    )
    if not names_someone:
        raise DomainError(
            f"{label}: name who acts (a group, people, the department lead or outside reviewers).",
            code="invalid",
            fields={"stages": [label]},
        )
    people = list(stage.get("people") or [])
    required = stage.get("required_approvals", 1)
    if (
        stage.get("kind", StageKind.GATE) == StageKind.GATE
        and people
        and not stage.get("group")
        and required > len(people) + (1 if stage.get("department_lead") else 0)
    ):
        raise DomainError(
            f"{label}: it needs {required} approvals but names only {len(people)} people.",
            code="invalid",
            fields={"stages": [label]},
        )


@transaction.atomic
def policy_save(
    *, actor, policy: ApprovalPolicy | None, fields: Mapping[str, Any], stages: Sequence[Mapping[str, Any]]
) -> ApprovalPolicy:
    """Create or replace a policy with its stages. One active policy per channel and department."""
    if not permissions.can_manage_policies(actor):
        raise NotAllowed("Only a CoE manager edits approval policies.")
    unknown = set(fields) - POLICY_FIELDS
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}.", code="invalid")
    for index, stage in enumerate(stages):
        if set(stage) - STAGE_FIELDS:
            raise DomainError(f"Unknown stage fields: {', '.join(sorted(set(stage) - STAGE_FIELDS))}.", code="invalid")
        _check_stage(index, stage)
    created = policy is None
    policy = policy or ApprovalPolicy()
    for name, value in fields.items():
        setattr(policy, name, value)
    if policy.is_active:
        clash = (
            ApprovalPolicy.objects.filter(is_active=True, channel=policy.channel, department=policy.department)
            .exclude(pk=policy.pk)
            .first()
        )
        if clash:
            raise DomainError(
                f"“{clash.name}” already covers the same channel and department; deactivate it or narrow this one.",
                code="policy_clash",
                fields={"channel": [f"Already covered by {clash.name}."]},
            )
    policy.save()
    policy.stages.all().delete()
    for stage in stages:
        people = list(stage.get("people") or [])
        row = ApprovalStage.objects.create(policy=policy, **{k: v for k, v in stage.items() if k != "people"})
        row.people.set(people)
    audit(
        actor=actor,
        action="approval_policy.created" if created else "approval_policy.changed",
        obj=policy,
        summary=f"Approval policy “{policy}” {'created' if created else 'changed'}: "
        + (" → ".join(str(stage.get("name", "")) for stage in stages) or "no stages")
        + ("" if policy.is_active else " (inactive)"),
    )
    return policy
