"""Factories of the tools inventory and evaluations."""

from decimal import Decimal

import factory

from coe.models import Evaluation, EvaluationCandidate, EvaluationRequirement, EvaluationScore, Tool, ToolCategory


class ToolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tool

    name = factory.Sequence(lambda n: f"Tool {n}")
    vendor = "Vendor"
    category = ToolCategory.SOCIAL_MANAGEMENT
    yearly_cost = Decimal("1200.00")
    currency = "EUR"


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    title = factory.Sequence(lambda n: f"Evaluation {n}")
    category = ToolCategory.LISTENING
    purpose = "Hear the brand."


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationRequirement

    evaluation = factory.SubFactory(EvaluationFactory)
    name = factory.Sequence(lambda n: f"Requirement {n}")
    weight = 3
    position = factory.Sequence(lambda n: n)


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationCandidate

    evaluation = factory.SubFactory(EvaluationFactory)
    name = factory.Sequence(lambda n: f"Candidate {n}")
    yearly_cost = Decimal("10000")


def make_evaluation(*, reviewers, weights=(5, 3, 2), candidates=("Alpha", "Beta"), status="scoring"):
    """An evaluation with requirements of these weights, these candidates and reviewers."""
    evaluation = EvaluationFactory(status=status)
    evaluation.reviewers.set(reviewers)
    requirements = [
        RequirementFactory(evaluation=evaluation, name=f"R{i}", weight=w, position=i) for i, w in enumerate(weights)
    ]
    cands = [CandidateFactory(evaluation=evaluation, name=name) for name in candidates]
    return evaluation, requirements, cands


def score(requirement, candidate, reviewer, value, comment=""):
    return EvaluationScore.objects.create(
        requirement=requirement, candidate=candidate, reviewer=reviewer, score=value, comment=comment
    )
