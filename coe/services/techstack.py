"""Every write to the tools inventory and the tech-stack evaluations.

The CoE manager keeps the inventory and runs evaluations (set up → reviewers score → finished with
one recommended candidate and why); reviewers named on an evaluation score it, only their own
scores and only while it is being scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone

from coe import permissions
from coe.audit import audit
from coe.errors import DomainError, NotAllowed
from coe.models import (
    Evaluation,
    EvaluationCandidate,
    EvaluationRequirement,
    EvaluationScore,
    Tool,
    User,
)
from coe.roles import Role
from coe.services import _full_clean, notify

TOOL_FIELDS = (
    "name",
    "vendor",
    "category",
    "owner",
    "department",
    "yearly_cost",
    "currency",
    "renewal_on",
    "notes",
    "is_active",
)
EVALUATION_FIELDS = ("title", "category", "purpose")
REQUIREMENT_FIELDS = ("name", "description", "weight")
CANDIDATE_FIELDS = ("name", "notes", "yearly_cost")


def _require_tools(actor) -> None:
    if not permissions.can_manage_tools(actor):
        raise NotAllowed("Only the CoE manager keeps the tools inventory.")


def _require_evaluations(actor) -> None:
    if not permissions.can_manage_evaluations(actor):
        raise NotAllowed("Only the CoE manager sets up and finishes evaluations.")


def _refuse_unknown(values: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise DomainError(
            f"Unknown fields: {', '.join(unknown)}.", fields={name: ["This field cannot be set."] for name in unknown}
        )


# --- Tools --------------------------------------------------------------------------------------


@transaction.atomic
def tool_create(*, actor: User, values: Mapping[str, Any]) -> Tool:
    """Add a tool to the inventory (CoE manager)."""
    _require_tools(actor)
    _refuse_unknown(values, TOOL_FIELDS)
    tool = Tool(**values)
    tool.currency = (tool.currency or "EUR").upper()
    _full_clean(tool)
    tool.save()
    audit(actor=actor, action="tool.created", obj=tool, summary=f"Tool {tool} added to the inventory.")
    return tool


@transaction.atomic
def tool_update(*, actor: User, tool: Tool, values: Mapping[str, Any]) -> Tool:
    """Change a tool (CoE manager). A new renewal date gets its own reminder (the reminder is kept
    per renewal date, so moving the date re-arms it)."""
    _require_tools(actor)
    _refuse_unknown(values, TOOL_FIELDS)
    for name, value in values.items():
        setattr(tool, name, value)
    tool.currency = (tool.currency or "EUR").upper()
    _full_clean(tool)
    tool.save()
    audit(actor=actor, action="tool.changed", obj=tool, summary=f"Tool {tool} changed.")
    return tool


@transaction.atomic
def tool_retire(*, actor: User, tool: Tool) -> Tool:
    """Retire a tool (CoE manager): it stays on record, leaves the totals and gets no reminders."""
    _require_tools(actor)
    if tool.is_active:
        tool.is_active = False
        tool.save(update_fields=["is_active", "updated_at"])
        audit(actor=actor, action="tool.retired", obj=tool, summary=f"Tool {tool} retired.")
    return tool


@transaction.atomic
def tool_delete(*, actor: User, tool: Tool) -> None:
    """Delete a tool entered by mistake (CoE manager); retire tools that were really used."""
    if not permissions.has_model_or_object_perm(actor, "coe.delete_tool"):
        raise NotAllowed("Only the CoE manager deletes tools.")
    audit(actor=actor, action="tool.deleted", obj=tool, summary=f"Tool {tool} deleted.")
    tool.delete()


def tools_remind_renewal(*, today: date | None = None) -> int:
    """Remind each active tool's owner and the CoE managers ``TOOL_RENEWAL_REMIND_DAYS`` before its
    renewal date — once per renewal date: the claim (``renewal_reminded_for := renewal_on``) is an
    UPDATE that only one run wins, so a doubled beat or a retry never sends twice. Returns how many
    tools were reminded of."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.TOOL_RENEWAL_REMIND_DAYS)
    due = (
        Tool.objects.filter(is_active=True, renewal_on__gte=today, renewal_on__lte=horizon)
        .filter(Q(renewal_reminded_for__isnull=True) | ~Q(renewal_reminded_for=F("renewal_on")))
        .select_related("owner")
    )
    managers = list(User.objects.filter(is_active=True, groups__name=Role.COE_MANAGER.group_name))
    reminded = 0
    for tool in due:
        with transaction.atomic():
            claimed = (
                Tool.objects.filter(pk=tool.pk, renewal_on=tool.renewal_on)
                .filter(Q(renewal_reminded_for__isnull=True) | ~Q(renewal_reminded_for=F("renewal_on")))
                .update(renewal_reminded_for=tool.renewal_on)
            )
            if not claimed:
                continue
            days = (tool.renewal_on - today).days
            cost = f"{tool.yearly_cost:,.2f} {tool.currency}"
            notify(
                recipients=[tool.owner, *managers],
                kind="tool.renewal",
                title=f"{tool.name} renews on {tool.renewal_on:%d %b %Y}",
                body=f"{tool.name} ({tool.vendor or 'no vendor'}) renews in {days} day{'s' if days != 1 else ''} "
                f"for {cost} a year. Decide now whether to renew, renegotiate or cancel.",
                url=reverse("coe:tool_edit", args=[tool.pk]),
            )
            reminded += 1
    return reminded


# --- Evaluations --------------------------------------------------------------------------------


def _require_status(evaluation: Evaluation, *statuses: str, doing: str) -> None:
    if evaluation.status not in statuses:
        raise DomainError(
            f"You cannot {doing}: the evaluation is {evaluation.get_status_display().lower()}.", code="wrong_status"
        )


@transaction.atomic
def evaluation_create(*, actor: User, values: Mapping[str, Any], reviewers: Iterable[User] = ()) -> Evaluation:
    """Start an evaluation in draft (CoE manager)."""
    _require_evaluations(actor)
    _refuse_unknown(values, EVALUATION_FIELDS)
    evaluation = Evaluation(**values, created_by=actor if getattr(actor, "pk", None) else None)
    _full_clean(evaluation, exclude=["reviewers", "recommended", "created_by"])
    evaluation.save()
    evaluation.reviewers.set(list(reviewers))
    audit(actor=actor, action="evaluation.created", obj=evaluation, summary=f"Evaluation {evaluation} created.")
    return evaluation


@transaction.atomic
def evaluation_update(
    *, actor: User, evaluation: Evaluation, values: Mapping[str, Any], reviewers: Iterable[User] | None = None
) -> Evaluation:
    """Change the title, category, purpose and reviewers (CoE manager) until it is finished. A
    reviewer taken off loses their scores (the totals count only named reviewers)."""
    _require_evaluations(actor)
    _require_status(evaluation, Evaluation.Status.DRAFT, Evaluation.Status.SCORING, doing="change it")
    _refuse_unknown(values, EVALUATION_FIELDS)
    for name, value in values.items():
        setattr(evaluation, name, value)
    _full_clean(evaluation, exclude=["reviewers", "recommended", "created_by"])
    evaluation.save()
    if reviewers is not None:
        reviewers = list(reviewers)
        evaluation.reviewers.set(reviewers)
        EvaluationScore.objects.filter(requirement__evaluation=evaluation).exclude(
            reviewer__in=[r.pk for r in reviewers]
        ).delete()
    audit(actor=actor, action="evaluation.changed", obj=evaluation, summary=f"Evaluation {evaluation} changed.")
    return evaluation


def _require_setup(actor, evaluation: Evaluation) -> None:
    """Requirements and candidates are fixed once scoring starts: every reviewer scores one grid."""
    _require_evaluations(actor)
    _require_status(evaluation, Evaluation.Status.DRAFT, doing="change requirements or candidates")


@transaction.atomic
def requirement_add(*, actor: User, evaluation: Evaluation, values: Mapping[str, Any]) -> EvaluationRequirement:
    """Add a requirement (weight 1–5) at the end of the list, while setting up."""
    _require_setup(actor, evaluation)
    _refuse_unknown(values, REQUIREMENT_FIELDS)
    last = evaluation.requirements.aggregate(last=Max("position"))["last"]
    requirement = EvaluationRequirement(evaluation=evaluation, position=(last or 0) + 1, **values)
    _full_clean(requirement)
    requirement.save()
    return requirement


@transaction.atomic
def requirement_update(*, actor: User, requirement: EvaluationRequirement, values: Mapping[str, Any]):
    _require_setup(actor, requirement.evaluation)
    _refuse_unknown(values, REQUIREMENT_FIELDS)
    for name, value in values.items():
        setattr(requirement, name, value)
    _full_clean(requirement)
    requirement.save()
    return requirement


@transaction.atomic
def requirement_delete(*, actor: User, requirement: EvaluationRequirement) -> None:
    _require_setup(actor, requirement.evaluation)
    requirement.delete()


@transaction.atomic
def requirements_reorder(*, actor: User, evaluation: Evaluation, order: list[int]) -> None:
    """Put the requirements in the order given (every requirement's id, once)."""
    _require_setup(actor, evaluation)
    requirements = {r.pk: r for r in evaluation.requirements.all()}
    if sorted(order) != sorted(requirements):
        raise DomainError("Give every requirement of this evaluation exactly once.", fields={"order": ["Incomplete."]})
    for position, pk in enumerate(order, start=1):
        requirements[pk].position = position
    EvaluationRequirement.objects.bulk_update(requirements.values(), ["position"])


def requirement_move(*, actor: User, requirement: EvaluationRequirement, up: bool) -> None:
    """Swap a requirement with its neighbour above (or below)."""
    ids = list(requirement.evaluation.requirements.values_list("pk", flat=True))
    index = ids.index(requirement.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    requirements_reorder(actor=actor, evaluation=requirement.evaluation, order=ids)


@transaction.atomic
def candidate_add(*, actor: User, evaluation: Evaluation, values: Mapping[str, Any]) -> EvaluationCandidate:
    """Add a candidate (vendor and product, yearly cost, notes) while setting up."""
    _require_setup(actor, evaluation)
    _refuse_unknown(values, CANDIDATE_FIELDS)
    name = (values.get("name") or "").strip()
    if evaluation.candidates.filter(name__iexact=name).exists():
        raise DomainError(f"“{name}” is already a candidate.", fields={"name": ["Already a candidate."]})
    candidate = EvaluationCandidate(evaluation=evaluation, **values)
    _full_clean(candidate, exclude=["evaluation"])
    candidate.save()
    return candidate


@transaction.atomic
def candidate_update(*, actor: User, candidate: EvaluationCandidate, values: Mapping[str, Any]):
    _require_setup(actor, candidate.evaluation)
    _refuse_unknown(values, CANDIDATE_FIELDS)
    for name, value in values.items():
        setattr(candidate, name, value)
    if candidate.evaluation.candidates.filter(name__iexact=candidate.name).exclude(pk=candidate.pk).exists():
        raise DomainError(f"“{candidate.name}” is already a candidate.", fields={"name": ["Already a candidate."]})
    _full_clean(candidate, exclude=["evaluation"])
    candidate.save()
    return candidate


@transaction.atomic
def candidate_delete(*, actor: User, candidate: EvaluationCandidate) -> None:
    _require_setup(actor, candidate.evaluation)
    candidate.delete()


@transaction.atomic
def evaluation_start_scoring(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """Open scoring (CoE manager): needs at least one requirement, two candidates and one reviewer.
    The reviewers are told."""
    _require_evaluations(actor)
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    _require_status(evaluation, Evaluation.Status.DRAFT, doing="start scoring")
    missing = []
    if not evaluation.requirements.exists():
        missing.append("a requirement")
    if evaluation.candidates.count() < 2:
        missing.append("two candidates")
    reviewers = list(evaluation.reviewers.all())
    if not reviewers:
        missing.append("a reviewer")
    if missing:
        raise DomainError(f"Before scoring starts, add {', '.join(missing)}.", code="incomplete")
    evaluation.status = Evaluation.Status.SCORING
    evaluation.save(update_fields=["status", "updated_at"])
    notify(
        recipients=reviewers,
        kind="evaluation.scoring",
        title=f"Please score: {evaluation.title}",
        body="You are a reviewer of this tech-stack evaluation. Score each requirement for each candidate (0–5).",
        url=reverse("coe:evaluation_score", args=[evaluation.pk]),
        exclude=actor if getattr(actor, "pk", None) else None,
    )
    audit(actor=actor, action="evaluation.scoring", obj=evaluation, summary=f"Scoring of {evaluation} started.")
    return evaluation


def evaluation_scores_save(*, actor: User, evaluation: Evaluation, cells: Iterable[Mapping[str, Any]]) -> int:
    """Save the actor's own scores: each cell names a requirement and a candidate of this evaluation
    and gives ``score`` 0–5 (``None`` clears the cell) with an optional ``comment``. Only a named
    reviewer, only while scoring; a bad cell refuses the whole batch. One upsert for all cells."""
    if not permissions.is_evaluation_reviewer(actor, evaluation):
        raise NotAllowed("Only the evaluation's reviewers score it.")
    _require_status(evaluation, Evaluation.Status.SCORING, doing="score")
    requirement_ids = set(evaluation.requirements.values_list("pk", flat=True))
    candidate_ids = set(evaluation.candidates.values_list("pk", flat=True))
    upserts: dict[tuple[int, int], EvaluationScore] = {}
    clears: list[tuple[int, int]] = []
    for cell in cells:
        req, cand = cell.get("requirement"), cell.get("candidate")
        req = getattr(req, "pk", req)
        cand = getattr(cand, "pk", cand)
        if req not in requirement_ids or cand not in candidate_ids:
            raise DomainError("A score names a requirement or candidate of another evaluation.", code="invalid")
        score = cell.get("score")
        comment = (cell.get("comment") or "").strip()[:500]
        if score is None or score == "":
            clears.append((req, cand))
            continue
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = -1
        if not 0 <= score <= 5:
            raise DomainError("Scores go from 0 (fails) to 5 (excellent).", code="invalid", fields={"score": ["0–5."]})
        upserts[(req, cand)] = EvaluationScore(
            requirement_id=req, candidate_id=cand, reviewer=actor, score=score, comment=comment
        )
    with transaction.atomic():
        if upserts:
            now = timezone.now()
            for row in upserts.values():
                row.updated_at = now
            EvaluationScore.objects.bulk_create(
                upserts.values(),
                update_conflicts=True,
                unique_fields=["requirement", "candidate", "reviewer"],
                update_fields=["score", "comment", "updated_at"],
            )
        if clears:
            query = Q()
            for req, cand in clears:
                query |= Q(requirement_id=req, candidate_id=cand)
            EvaluationScore.objects.filter(query, reviewer=actor).delete()
    return len(upserts)


@transaction.atomic
def evaluation_finish(
    *,
    actor: User,
    evaluation: Evaluation,
    recommended: EvaluationCandidate,
    recommendation: str,
    add_to_inventory: bool = False,
) -> Evaluation:
    """Finish with a single recommended candidate and why (CoE manager). The recommendation may
    differ from the top-ranked candidate — the why must then say so; it is always required. At least
    one score must exist. With ``add_to_inventory`` the recommended tool is added as a Tool."""
    _require_evaluations(actor)
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    _require_status(evaluation, Evaluation.Status.SCORING, doing="finish it")
    if recommended is None or recommended.evaluation_id != evaluation.pk:
        raise DomainError("Choose one of this evaluation's candidates.", fields={"recommended": ["Choose one."]})
    recommendation = (recommendation or "").strip()
    if not recommendation:
        raise DomainError(
            "Say why this tool is recommended, for leadership.", fields={"recommendation": ["This field is required."]}
        )
    if not EvaluationScore.objects.filter(requirement__evaluation=evaluation).exists():
        raise DomainError("No reviewer has scored yet.", code="incomplete")
    evaluation.recommended = recommended
    evaluation.recommendation = recommendation
    evaluation.status = Evaluation.Status.FINISHED
    evaluation.finished_at = timezone.now()
    evaluation.save(update_fields=["recommended", "recommendation", "status", "finished_at", "updated_at"])
    if add_to_inventory:
        tool_create(
            actor=actor,
            values={
                "name": recommended.name[:150],
                "category": evaluation.category,
                "owner": actor if getattr(actor, "pk", None) else None,
                "yearly_cost": recommended.yearly_cost or Decimal("0"),
                "notes": f"Recommended by the evaluation “{evaluation.title}”.",
            },
        )
    audit(
        actor=actor,
        action="evaluation.finished",
        obj=evaluation,
        summary=f"Evaluation {evaluation} finished: {recommended} recommended.",
        data={"recommended": recommended.pk},
    )
    return evaluation
