"""Maturity assessments: the question bank, answers, and scoring onto the two models.

The scoring rule (pure functions below, so it can be worked by hand):

* **Competency score** (0–100) = Σ(weight × answer) ÷ (4 × Σ weight) × 100 over the answered
  questions of that competency, rounded to one decimal; a competency without answers scores 0.
* **Overall score** = the plain mean of the six competency scores.
* **Level** (five levels of social media maturity) — cumulative: a level is reached when its own
  thresholds AND those of every level below it pass. Level 1 is where everyone starts.
  Level 2: overall ≥ 25 and governance ≥ 40. Level 3: overall ≥ 45, strategy ≥ 50 and governance
  ≥ 50. Level 4: overall ≥ 65, training ≥ 60 and governance ≥ 65. Level 5: overall ≥ 85 and every
  competency ≥ 70.
  Facts the app knows then cap the level: no crisis plan (``crisis_plan_exists`` false) → at most
  level 1; no approved charter (``charter_approved`` false) → at most 2; policy acknowledgment
  below 50 % or certification below 30 % (when known) → at most 3. An unknown fact (no app reports
  it) caps nothing: the self-assessment decides.
* **Stage** (Social Advocate → Social Teams → Social Business → Social Enterprise), from the
  organisation-of-social score O and the overall score V: Social Enterprise when O ≥ 80 and
  V ≥ 75; Social Business when O ≥ 55 and V ≥ 45; Social Teams when O ≥ 30; else Social Advocate.
  Facts: no steering committee (``steering_committee`` false) → at most Social Teams; an approved
  charter AND a steering committee with members → at least Social Teams.

Completing an assessment writes scores, level, stage and the facts once; a completed assessment
never changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coe import maturity_bank, permissions
from coe.audit import audit
from coe.errors import Conflict, DomainError, NotAllowed
from coe.extensions import department_facts
from coe.models import (
    CharterVersion,
    Competency,
    Department,
    MaturityAnswer,
    MaturityAssessment,
    MaturityQuestion,
    MaturityRecommendation,
    Objective,
    SteeringMember,
)

COMPETENCIES = [c.value for c in Competency]

# level -> (minimum overall, {competency: minimum}); "*" means every competency.
LEVEL_GATES: dict[int, tuple[float, dict[str, float]]] = {
    2: (25, {"governance": 40}),
    3: (45, {"strategy": 50, "governance": 50}),
    4: (65, {"training": 60, "governance": 65}),
    5: (85, {"*": 70}),
}
# stage -> (minimum organisation-of-social score, minimum overall)
STAGE_GATES: dict[int, tuple[float, float]] = {2: (30, 0), 3: (55, 45), 4: (80, 75)}


def level_name(level: int | None) -> str:
    return maturity_bank.LEVELS[level][0] if level in maturity_bank.LEVELS else ""


def stage_name(stage: int | None) -> str:
    return maturity_bank.STAGES[stage][0] if stage in maturity_bank.STAGES else ""


# --- pure scoring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    competencies: dict[str, float]
    overall: float
    level: int
    stage: int
    level_reasons: list[str] = field(default_factory=list)
    stage_reasons: list[str] = field(default_factory=list)

    def as_scores(self) -> dict[str, Any]:
        return {
            "competencies": self.competencies,
            "overall": self.overall,
            "level_reasons": self.level_reasons,
            "stage_reasons": self.stage_reasons,
        }


def competency_scores(rows: Iterable[tuple[str, int, int]]) -> dict[str, float]:
    """rows: (competency, weight, answer 0–4) → {competency: 0–100} for all six competencies."""
    weighted = dict.fromkeys(COMPETENCIES, 0)
    weights = dict.fromkeys(COMPETENCIES, 0)
    for competency, weight, answer in rows:
        weighted[competency] += weight * answer
        weights[competency] += weight
    return {c: round(weighted[c] / (4 * weights[c]) * 100, 1) if weights[c] else 0.0 for c in COMPETENCIES}


def overall_score(scores: Mapping[str, float]) -> float:
    return round(sum(scores.get(c, 0.0) for c in COMPETENCIES) / len(COMPETENCIES), 1)


def place_level(scores: Mapping[str, float], overall: float, facts: Mapping[str, Any]) -> tuple[int, list[str]]:
    """The level reached (1–5) and why it is not higher."""
    level, reasons = 1, []
    for candidate in sorted(LEVEL_GATES):
        minimum, gates = LEVEL_GATES[candidate]
        missing = []
        if overall < minimum:
            missing.append(f"overall {overall:g} < {minimum:g}")
        for competency, floor in gates.items():
            names = COMPETENCIES if competency == "*" else [competency]
            missing += [
                f"{Competency(c).label} {scores.get(c, 0):g} < {floor:g}" for c in names if scores.get(c, 0) < floor
            ]
        if missing:
            reasons.append(f"Level {candidate} needs " + "; ".join(missing) + ".")
            break
        level = candidate
    caps = [
        (facts.get("crisis_plan_exists") is False, 1, "No crisis plan exists: at most level 1."),
        (facts.get("charter_approved") is False, 2, "No approved charter: at most level 2."),
        (_below(facts.get("policy_ack_pct"), 50), 3, "Policy acknowledgment below 50 %: at most level 3."),
        (_below(facts.get("certified_pct"), 30), 3, "Certification below 30 %: at most level 3."),
    ]
    for applies, cap, reason in caps:
        if applies and level > cap:
            level = cap
            reasons.append(reason)
    return level, reasons


def place_stage(scores: Mapping[str, float], overall: float, facts: Mapping[str, Any]) -> tuple[int, list[str]]:
    """The stage reached (1–4) from the organisation of social and the overall score, then facts."""
    organisation = scores.get("organisation", 0)
    stage, reasons = 1, []
    for candidate in sorted(STAGE_GATES):
        min_org, min_overall = STAGE_GATES[candidate]
        if organisation >= min_org and overall >= min_overall:
            stage = candidate
        else:
            reasons.append(
                f"{maturity_bank.STAGES[candidate][0]} needs organisation of social ≥ {min_org:g}"
                + (f" and overall ≥ {min_overall:g}" if min_overall else "")
                + "."
            )
            break
    if facts.get("steering_committee") is False and stage > 2:
        stage = 2
        reasons.append("No steering committee: at most Social Teams.")
    if facts.get("steering_committee") is True and facts.get("charter_approved") is True and stage < 2:
        stage = 2
        reasons.append("An approved charter and a steering committee: at least Social Teams.")
    return stage, reasons


def score(rows: Iterable[tuple[str, int, int]], facts: Mapping[str, Any]) -> Placement:
    scores = competency_scores(rows)
    overall = overall_score(scores)
    level, level_reasons = place_level(scores, overall, facts)
    stage, stage_reasons = place_stage(scores, overall, facts)
    return Placement(scores, overall, level, stage, level_reasons, stage_reasons)


def _below(value: Any, floor: float) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value < floor


# --- facts --------------------------------------------------------------------------------------


def maturity_facts(*, department: Department | None = None) -> list[dict[str, Any]]:
    """What the app knows beside the self-assessment: every registered app's facts for the
    department (or the whole company), plus coe's own — an approved charter, a steering committee
    with members, objectives. Works with no provider registered."""
    department_id = department.pk if department else None
    known = department_facts([department_id] if department_id else [])
    provided = list(known.get(department_id, []))
    if department_id is not None:
        # Company-wide facts (a crisis plan) count for a department too, unless it has its own.
        own = {f.key for f in provided}
        provided += [f for f in known.get(None, []) if f.key not in own]
    facts = [{"key": f.key, "label": f.label, "value": f.value, "display": f.display, "url": f.url} for f in provided]
    charter = CharterVersion.objects.filter(status=CharterVersion.Status.APPROVED).exists()
    steering = SteeringMember.objects.filter(left_on__isnull=True).count()
    objectives = Objective.objects.count()
    facts += [
        {
            "key": "charter_approved",
            "label": "Approved charter",
            "value": charter,
            "display": "Yes" if charter else "No",
            "url": "",
        },
        {
            "key": "steering_committee",
            "label": "Steering committee",
            "value": steering > 0,
            "display": f"{steering} member{'s' if steering != 1 else ''}" if steering else "None",
            "url": "",
        },
        {
            "key": "objectives_defined",
            "label": "Objectives",
            "value": objectives > 0,
            "display": str(objectives),
            "url": "",
        },
    ]
    return facts


def facts_by_key(facts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    return {fact["key"]: fact.get("value") for fact in facts}


# --- the bank -----------------------------------------------------------------------------------


def maturity_questions_ensure() -> int:
    """Load the default question bank (coe.maturity_bank) when there are no questions at all.
    Returns how many were created; an existing bank, even one edited down, is left alone."""
    if MaturityQuestion.objects.exists():
        return 0
    rows = [
        MaturityQuestion(competency=c, text=text, guidance=guidance, weight=weight, position=i)
        for i, (c, text, guidance, weight) in enumerate(maturity_bank.QUESTIONS)
    ]
    return len(MaturityQuestion.objects.bulk_create(rows))


def maturity_recommendations_ensure() -> int:
    """Load the default recommendation table when it is empty."""
    if MaturityRecommendation.objects.exists():
        return 0
    rows = [
        MaturityRecommendation(competency=c, below_score=below, title=title, detail=detail, position=i)
        for i, (c, below, title, detail) in enumerate(maturity_bank.RECOMMENDATIONS)
    ]
    return len(MaturityRecommendation.objects.bulk_create(rows))


QUESTION_FIELDS = frozenset({"competency", "text", "guidance", "weight", "position", "is_active"})
RECOMMENDATION_FIELDS = frozenset({"competency", "below_score", "title", "detail", "position", "is_active"})


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _apply(obj, changes: Mapping[str, Any], allowed: frozenset[str]) -> list[str]:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise DomainError(
            "These fields cannot be set: " + ", ".join(unknown) + ".", fields={n: ["Cannot be set."] for n in unknown}
        )
    changed = [name for name, value in changes.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, changes[name])
    try:
        obj.full_clean()
    except ValidationError as error:
        fields = error.message_dict
        raise DomainError(
            " ".join(f"{name}: {' '.join(messages)}" for name, messages in fields.items()), fields=fields
        ) from error
    return changed


@transaction.atomic
def question_create(*, actor, **values) -> MaturityQuestion:
    """A new statement in the bank (CoE manager). It counts in assessments completed from now on."""
    _require(permissions.can_edit_maturity_questions(actor), "Only the CoE manager edits the question bank.")
    question = MaturityQuestion()
    _apply(question, values, QUESTION_FIELDS)
    question.save()
    audit(
        actor=actor, action="maturity_question.created", summary=f"Added maturity question “{question}”.", obj=question
    )
    return question


@transaction.atomic
def question_update(*, actor, question: MaturityQuestion, changes: Mapping[str, Any]) -> MaturityQuestion:
    """Change a statement's text, guidance, weight, position or whether it is asked. Completed
    assessments keep the scores they were given; a question is retired (inactive), never deleted."""
    _require(permissions.can_edit_maturity_questions(actor), "Only the CoE manager edits the question bank.")
    question = MaturityQuestion.objects.select_for_update().get(pk=question.pk)
    changed = _apply(question, changes, QUESTION_FIELDS)
    if changed:
        question.save()
        audit(
            actor=actor,
            action="maturity_question.changed",
            summary=f"Changed maturity question “{question}”.",
            obj=question,
            data={"fields": changed},
        )
    return question


@transaction.atomic
def recommendation_create(*, actor, **values) -> MaturityRecommendation:
    """A next step shown for a competency that scores below ``below_score`` (CoE manager)."""
    _require(permissions.can_edit_maturity_recommendations(actor), "Only the CoE manager edits the recommendations.")
    recommendation = MaturityRecommendation()
    _apply(recommendation, values, RECOMMENDATION_FIELDS)
    recommendation.save()
    audit(
        actor=actor,
        action="maturity_recommendation.created",
        summary=f"Added next step “{recommendation}”.",
        obj=recommendation,
    )
    return recommendation


@transaction.atomic
def recommendation_update(
    *, actor, recommendation: MaturityRecommendation, changes: Mapping[str, Any]
) -> MaturityRecommendation:
    """Change a next step; pages show the table as it is now, for every assessment."""
    _require(permissions.can_edit_maturity_recommendations(actor), "Only the CoE manager edits the recommendations.")
    recommendation = MaturityRecommendation.objects.select_for_update().get(pk=recommendation.pk)
    changed = _apply(recommendation, changes, RECOMMENDATION_FIELDS)
    if changed:
        recommendation.save()
        audit(
            actor=actor,
            action="maturity_recommendation.changed",
            summary=f"Changed next step “{recommendation}”.",
            obj=recommendation,
            data={"fields": changed},
        )
    return recommendation


@transaction.atomic
def recommendation_delete(*, actor, recommendation: MaturityRecommendation) -> None:
    _require(permissions.can_edit_maturity_recommendations(actor), "Only the CoE manager edits the recommendations.")
    audit(
        actor=actor,
        action="maturity_recommendation.deleted",
        summary=f"Deleted next step “{recommendation}”.",
        obj=recommendation,
    )
    recommendation.delete()


# --- assessments --------------------------------------------------------------------------------


@transaction.atomic
def assessment_start(*, actor, department: Department | None = None) -> MaturityAssessment:
    """Start an assessment of the company (or one department), or resume the one in progress for
    that scope: there is at most one in progress per scope. Loads the default bank on first use."""
    _require(permissions.can_take_maturity(actor), "Only the CoE manager takes maturity assessments.")
    maturity_questions_ensure()
    maturity_recommendations_ensure()
    open_ones = MaturityAssessment.objects.select_for_update().filter(
        department=department, status=MaturityAssessment.Status.IN_PROGRESS
    )
    existing = open_ones.order_by("created_at").first()
    if existing:
        return existing
    assessment = MaturityAssessment.objects.create(
        department=department, taken_by=actor if getattr(actor, "pk", None) else None
    )
    audit(actor=actor, action="maturity_assessment.started", summary=f"Started {assessment}.", obj=assessment)
    return assessment


def _refuse_completed(assessment: MaturityAssessment) -> None:
    if assessment.status == MaturityAssessment.Status.COMPLETED:
        raise Conflict("This assessment is completed; its answers and results no longer change.")


@transaction.atomic
def assessment_answers_save(
    *, actor, assessment: MaturityAssessment, answers: Mapping[int, int], notes: Mapping[int, str] | None = None
) -> int:
    """Save (or change) answers 0–4 to active questions of an assessment in progress; saving as you
    go is allowed. Returns how many answers were written."""
    _require(permissions.can_take_maturity(actor), "Only the CoE manager takes maturity assessments.")
    assessment = MaturityAssessment.objects.select_for_update().get(pk=assessment.pk)
    _refuse_completed(assessment)
    answers = {int(k): v for k, v in answers.items()}
    notes = {int(k): v for k, v in (notes or {}).items()}
    active = set(
        MaturityQuestion.objects.filter(pk__in=set(answers) | set(notes), is_active=True).values_list("pk", flat=True)
    )
    unknown = sorted((set(answers) | set(notes)) - active)
    if unknown:
        raise DomainError(
            f"Unknown or retired questions: {', '.join(map(str, unknown))}.", fields={"answers": ["Unknown question."]}
        )
    bad = [
        pk
        for pk, value in answers.items()
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 4
    ]
    if bad:
        raise DomainError(
            "Answers are whole numbers from 0 (not at all) to 4 (fully, everywhere).",
            fields={"answers": ["From 0 to 4."]},
        )
    if not answers:
        return 0
    rows = [
        MaturityAnswer(assessment=assessment, question_id=pk, score=value, note=notes.get(pk, "")[:500])
        for pk, value in answers.items()
    ]
    update_fields = ["score", "note"] if notes else ["score"]
    MaturityAnswer.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["assessment", "question"], update_fields=update_fields
    )
    MaturityAssessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now())
    return len(rows)


@transaction.atomic
def assessment_complete(
    *,
    actor,
    assessment: MaturityAssessment,
    known_facts: list[dict[str, Any]] | None = None,
    completed_at: datetime | None = None,
) -> MaturityAssessment:
    """Score an assessment in progress once every active question is answered, and write its
    scores, level, stage and the facts known now; afterwards it never changes. ``known_facts`` /
    ``completed_at`` record a past assessment as it was then (the demo); by default the facts are
    gathered now (coe.services.maturity.maturity_facts)."""
    _require(permissions.can_take_maturity(actor), "Only the CoE manager takes maturity assessments.")
    assessment = MaturityAssessment.objects.select_for_update().get(pk=assessment.pk)
    _refuse_completed(assessment)
    answered = set(assessment.answers.values_list("question_id", flat=True))
    missing = MaturityQuestion.objects.filter(is_active=True).exclude(pk__in=answered).count()
    if missing:
        raise DomainError(
            f"{missing} question{'s are' if missing != 1 else ' is'} not answered yet; "
            "answer every question to complete.",
            code="incomplete",
        )
    rows = assessment.answers.filter(question__is_active=True).values_list(
        "question__competency", "question__weight", "score"
    )
    facts = known_facts if known_facts is not None else maturity_facts(department=assessment.department)
    placement = score(rows, facts_by_key(facts))
    assessment.scores = placement.as_scores()
    assessment.level = placement.level
    assessment.stage = placement.stage
    assessment.facts = facts
    assessment.status = MaturityAssessment.Status.COMPLETED
    assessment.completed_at = completed_at or timezone.now()
    assessment.save()
    audit(
        actor=actor,
        action="maturity_assessment.completed",
        summary=f"Completed {assessment}: level {placement.level} ({level_name(placement.level)}), "
        f"{stage_name(placement.stage)}, overall {placement.overall:g}.",
        obj=assessment,
        data={"level": placement.level, "stage": placement.stage, "overall": placement.overall},
    )
    return assessment
