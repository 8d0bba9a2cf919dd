"""The scoring rule, worked by hand (coe.services.maturity docstring)."""

import pytest

from coe.services.maturity import competency_scores, overall_score, place_level, place_stage, score

ALL = ["strategy", "governance", "training", "innovation", "measurement", "organisation"]


def flat(value, **overrides):
    return {c: overrides.get(c, value) for c in ALL}


def test_competency_score_is_the_weighted_mean_of_answers_over_four():
    rows = [("strategy", 3, 4), ("strategy", 1, 0), ("governance", 2, 2), ("governance", 2, 3)]
    scores = competency_scores(rows)
    # strategy: (3×4 + 1×0) ÷ (4 × 4) = 12/16 = 75 %; governance: (4 + 6) ÷ 16 = 62.5 %
    assert scores["strategy"] == 75.0
    assert scores["governance"] == 62.5
    assert scores["training"] == 0.0  # no answers
    # overall: (75 + 62.5) ÷ 6 = 22.916… → 22.9
    assert overall_score(scores) == 22.9


def test_weights_change_the_score():
    equal = competency_scores([("training", 1, 4), ("training", 1, 1)])["training"]  # 5/8 = 62.5
    heavy = competency_scores([("training", 5, 4), ("training", 1, 1)])["training"]  # 21/24 = 87.5
    assert (equal, heavy) == (62.5, 87.5)


def test_rounding_to_one_decimal():
    # (1×1 + 1×1 + 1×2) ÷ (4 × 3) = 4/12 = 33.33… → 33.3
    assert competency_scores([("innovation", 1, 1), ("innovation", 1, 1), ("innovation", 1, 2)])["innovation"] == 33.3


@pytest.mark.parametrize(
    ("scores", "overall", "level"),
    [
        (flat(0), 0, 1),
        (flat(25, governance=40), 25, 2),  # exactly on both thresholds
        (flat(25, governance=39.9), 25, 1),  # governance gate fails
        (flat(60, governance=40), 24.9, 1),  # overall fails
        (flat(60), 60, 3),  # level 4 needs overall 65
        (flat(70, training=59.9), 70, 3),  # level 4 needs training 60
        (flat(70, governance=64.9), 70, 3),  # level 4 needs governance 65
        (flat(70), 70, 4),
        (flat(90, innovation=69.9), 86.7, 4),  # level 5 needs every competency 70
        (flat(90), 90, 5),
        (flat(90), 84.9, 4),
    ],
)
def test_level_boundaries(scores, overall, level):
    assert place_level(scores, overall, {})[0] == level


def test_levels_are_cumulative():
    # Passes level 3 and 4 thresholds but not level 2's governance gate → level 1.
    scores = flat(80, governance=39)
    assert place_level(scores, 80, {})[0] == 1


@pytest.mark.parametrize(
    ("facts", "level"),
    [
        ({}, 5),  # no provider registered: the self-assessment decides
        ({"crisis_plan_exists": None, "policy_ack_pct": None}, 5),  # unknown caps nothing
        ({"crisis_plan_exists": False}, 1),
        ({"crisis_plan_exists": True, "charter_approved": False}, 2),
        ({"policy_ack_pct": 49.9}, 3),
        ({"policy_ack_pct": 50}, 5),
        ({"certified_pct": 29}, 3),
        ({"certified_pct": 30, "charter_approved": True, "crisis_plan_exists": True}, 5),
    ],
)
def test_facts_cap_the_level(facts, level):
    placed, reasons = place_level(flat(95), 95, facts)
    assert placed == level
    assert bool(reasons) == (level < 5)


@pytest.mark.parametrize(
    ("organisation", "overall", "facts", "stage"),
    [
        (29.9, 90, {}, 1),
        (30, 0, {}, 2),
        (55, 44.9, {}, 2),
        (55, 45, {}, 3),
        (79.9, 90, {}, 3),
        (80, 75, {}, 4),
        (80, 74.9, {}, 3),
        (95, 95, {"steering_committee": False}, 2),  # no committee: Social Teams at most
        (0, 0, {"steering_committee": True, "charter_approved": True}, 2),  # structure: at least Teams
        (0, 0, {"steering_committee": True, "charter_approved": False}, 1),
    ],
)
def test_stage_boundaries_and_facts(organisation, overall, facts, stage):
    assert place_stage(flat(50, organisation=organisation), overall, facts)[0] == stage


def test_a_whole_assessment_by_hand():
    rows = [(c, 1, 2) for c in ALL] + [("governance", 2, 4), ("organisation", 1, 4)]
    # governance (2 + 8) ÷ 12 = 83.3; organisation (2 + 4) ÷ 8 = 75; others 50.
    # overall (4×50 + 83.3 + 75) ÷ 6 = 59.7 → level 3 (strategy 50 ≥ 50); stage 3 (org 75 ≥ 55, overall ≥ 45)
    placement = score(rows, {"crisis_plan_exists": True, "charter_approved": True, "steering_committee": True})
    assert placement.competencies["governance"] == 83.3
    assert placement.competencies["organisation"] == 75.0
    assert placement.overall == 59.7
    assert (placement.level, placement.stage) == (3, 3)
    # Without an approved charter the same answers reach level 2 only.
    assert score(rows, {"charter_approved": False}).level == 2
