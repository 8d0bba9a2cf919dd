"""Reads of the tools inventory and the evaluations, scoped to the person asking, and the weighted
scoring of an evaluation.

Weighted totals. For one reviewer and one candidate: Σ(weight × score) ÷ Σ(weight × 5) × 100 over
the requirements that reviewer scored for that candidate — a requirement the reviewer left blank is
left out of both sums (it neither counts as 0 nor as full marks). A candidate's overall total is the
mean over the reviewers who scored it at least once. The spread of a requirement for a candidate is
the highest minus the lowest reviewer score (0 = agreement, 5 = full disagreement; none with fewer
than two scores).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from coe import permissions
from coe.models import Evaluation, EvaluationScore, Tool, ToolCategory, User

RENEWAL_HORIZON_DAYS = 90


def tools_list(*, user, include_retired: bool = False) -> QuerySet[Tool]:
    if not permissions.can_view_tools(user):
        return Tool.objects.none()
    tools = Tool.objects.select_related("owner", "department")
    return tools if include_retired else tools.filter(is_active=True)


def tool_for(*, user, pk: int) -> Tool:
    try:
        return tools_list(user=user, include_retired=True).get(pk=pk)
    except Tool.DoesNotExist as exc:
        raise Http404("No such tool.") from exc


@dataclass
class CategoryTotal:
    key: str
    label: str
    count: int = 0
    costs: dict[str, Decimal] = field(default_factory=dict)  # currency -> yearly cost


def tools_totals(*, user) -> dict:
    """Active tools per category with their yearly cost per currency, and the overall cost per
    currency (currencies are never added together). One query."""
    rows = (
        tools_list(user=user)
        .order_by()
        .values("category", "currency")
        .annotate(count=Count("pk"), cost=Sum("yearly_cost"))
    )
    by_category = {key: CategoryTotal(key=key, label=label) for key, label in ToolCategory.choices}
    overall: dict[str, Decimal] = {}
    count = 0
    for row in rows:
        total = by_category[row["category"]]
        total.count += row["count"]
        total.costs[row["currency"]] = total.costs.get(row["currency"], Decimal(0)) + row["cost"]
        overall[row["currency"]] = overall.get(row["currency"], Decimal(0)) + row["cost"]
        count += row["count"]
    return {
        "categories": [t for t in by_category.values() if t.count],
        "overall": dict(sorted(overall.items())),
        "count": count,
    }


def tools_renewing(*, user, today: date | None = None, days: int = RENEWAL_HORIZON_DAYS) -> QuerySet[Tool]:
    """Active tools renewing between today and ``days`` from now, soonest first."""
    today = today or timezone.localdate()
    return (
        tools_list(user=user)
        .filter(renewal_on__gte=today, renewal_on__lte=today + timedelta(days=days))
        .order_by("renewal_on", "name")
    )


def evaluations_list(*, user) -> QuerySet[Evaluation]:
    return (
        permissions.evaluations_visible_to(user)
        .select_related("recommended", "created_by")
        .annotate(
            requirement_count=Count("requirements", distinct=True),
            candidate_count=Count("candidates", distinct=True),
            reviewer_count=Count("reviewers", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def evaluation_for(*, user, pk: int) -> Evaluation:
    """One evaluation the person may see (CoE staff, leadership, its reviewers) — else 404."""
    try:
        return permissions.evaluations_visible_to(user).select_related("recommended", "created_by").get(pk=pk)
    except Evaluation.DoesNotExist as exc:
        raise Http404("No such evaluation.") from exc


# --- Weighted scoring ---------------------------------------------------------------------------


@dataclass
class CandidateResult:
    candidate: object
    # reviewer id -> weighted % (None: that reviewer scored nothing for this candidate)
    by_reviewer: dict[int, float | None]
    overall: float | None
    rank: int | None = None
    # requirement id -> (mean score, spread, number of scores)
    by_requirement: dict[int, tuple[float | None, int | None, int]] = field(default_factory=dict)

    @property
    def reviewer_cells(self):
        return list(self.by_reviewer.values())


@dataclass
class EvaluationResults:
    evaluation: Evaluation
    requirements: list
    candidates: list
    reviewers: list
    ranking: list[CandidateResult]
    # requirement id -> the largest spread over the candidates
    requirement_spread: dict[int, int | None]
    scored_cells: int
    total_cells: int

    @property
    def top(self) -> CandidateResult | None:
        return self.ranking[0] if self.ranking and self.ranking[0].overall is not None else None

    def rows(self):
        """Per requirement: the requirement, its spread and per candidate (ranking order) its mean."""
        for requirement in self.requirements:
            yield (
                requirement,
                self.requirement_spread.get(requirement.pk),
                [result.by_requirement.get(requirement.pk, (None, None, 0)) for result in self.ranking],
            )

    def chart(self) -> dict:
        return {
            "labels": [r.candidate.name for r in self.ranking],
            "overall": [None if r.overall is None else round(r.overall, 1) for r in self.ranking],
            "recommended": [r.candidate.pk == self.evaluation.recommended_id for r in self.ranking],
        }


def weighted_percent(pairs: list[tuple[int, int]]) -> float | None:
    """Σ(weight × score) ÷ Σ(weight × 5) × 100 over (weight, score) pairs; None when empty."""
    denominator = sum(weight * 5 for weight, _ in pairs)
    if not denominator:
        return None
    return sum(weight * score for weight, score in pairs) / denominator * 100


def evaluation_results(*, evaluation: Evaluation) -> EvaluationResults:
    """The totals, spreads and ranking of one evaluation in four queries, whatever its size."""
    requirements = list(evaluation.requirements.all())
    candidates = list(evaluation.candidates.all())
    reviewers = list(evaluation.reviewers.order_by("last_name", "first_name", "username"))
    reviewer_ids = {r.pk for r in reviewers}
    weights = {r.pk: r.weight for r in requirements}
    scores = EvaluationScore.objects.filter(
        requirement__evaluation=evaluation, reviewer_id__in=reviewer_ids
    ).values_list("requirement_id", "candidate_id", "reviewer_id", "score")
    pairs: dict[tuple[int, int], list[tuple[int, int]]] = {}  # (candidate, reviewer) -> [(weight, score)]
    cell_scores: dict[tuple[int, int], list[int]] = {}  # (candidate, requirement) -> scores
    scored = 0
    for requirement_id, candidate_id, reviewer_id, score in scores:
        pairs.setdefault((candidate_id, reviewer_id), []).append((weights[requirement_id], score))
        cell_scores.setdefault((candidate_id, requirement_id), []).append(score)
        scored += 1
    results = []
    for candidate in candidates:
        by_reviewer = {r.pk: weighted_percent(pairs.get((candidate.pk, r.pk), [])) for r in reviewers}
        present = [value for value in by_reviewer.values() if value is not None]
        result = CandidateResult(
            candidate=candidate, by_reviewer=by_reviewer, overall=sum(present) / len(present) if present else None
        )
        for requirement in requirements:
            values = cell_scores.get((candidate.pk, requirement.pk), [])
            result.by_requirement[requirement.pk] = (
                sum(values) / len(values) if values else None,
                max(values) - min(values) if len(values) > 1 else None,
                len(values),
            )
        results.append(result)
    results.sort(key=lambda r: (r.overall is None, -(r.overall or 0), r.candidate.name.lower()))
    rank = 0
    previous = object()
    for position, result in enumerate(results, start=1):
        if result.overall is None:
            continue
        if result.overall != previous:
            rank = position
            previous = result.overall
        result.rank = rank
    spread = {}
    for requirement in requirements:
        values = [
            r.by_requirement[requirement.pk][1] for r in results if r.by_requirement[requirement.pk][1] is not None
        ]
        spread[requirement.pk] = max(values) if values else None
    return EvaluationResults(
        evaluation=evaluation,
        requirements=requirements,
        candidates=candidates,
        reviewers=reviewers,
        ranking=results,
        requirement_spread=spread,
        scored_cells=scored,
        total_cells=len(requirements) * len(candidates) * len(reviewers),
    )


def scoring_grid(*, evaluation: Evaluation, reviewer: User) -> dict:
    """The reviewer's own grid: requirements as rows, candidates as columns, their scores. Three
    queries."""
    requirements = list(evaluation.requirements.all())
    candidates = list(evaluation.candidates.all())
    mine = {
        (s.requirement_id, s.candidate_id): s
        for s in EvaluationScore.objects.filter(requirement__evaluation=evaluation, reviewer=reviewer)
    }
    rows = [
        (requirement, [(candidate, mine.get((requirement.pk, candidate.pk))) for candidate in candidates])
        for requirement in requirements
    ]
    return {"requirements": requirements, "candidates": candidates, "rows": rows, "scored": len(mine)}
