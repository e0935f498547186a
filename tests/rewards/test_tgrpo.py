"""Table-driven tests of the T-GRPO temporal bonus (Video-R1 eq. 1-2)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from synrl.rewards.tgrpo import (
    PAPER_RULE,
    VIDEO_R1_CODE_RULE,
    temporal_bonus,
    temporal_bonus_batched,
    temporal_decision,
)

A = 0.3

TGRPO_CASES: list[tuple[list[Any], list[Any], dict[str, Any], list[float]]] = [
    # p = 3/8 >= p~ = 1/4: the three correct ordered responses get alpha
    ([1, 1, 0, 0, 1, 0, 0, 0], [1, 0, 0, 0], {}, [A, A, 0, 0, A, 0, 0, 0]),
    # p = 2/8 < p~ = 2/4: nothing
    ([1, 1, 0, 0, 0, 0, 0, 0], [1, 1, 0, 0], {}, [0.0] * 8),
    # p = p~ = 1/2: ">=" grants the bonus
    ([1, 0, 1, 0], [1, 0, 1, 0], {}, [A, 0, A, 0]),
    # p = 7/8 < p~ = 1 with the paper's factor 1.0: nothing
    ([1, 1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1], {}, [0.0] * 8),
    # same groups with the released code's factor 0.8: 0.875 >= 0.8
    ([1, 1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1], {"factor": 0.8}, [A] * 7 + [0.0]),
    # the boundary p = 4/5 = 0.8 * 1 counts as reached despite float rounding
    ([1, 1, 1, 1, 0], [1, 1, 1, 1], {"factor": 0.8}, [A, A, A, A, 0]),
    # all wrong in both groups: granted, but no correct response to reward
    ([0, 0, 0, 0], [0, 0], {}, [0.0] * 4),
    # reward values thresholded at 0.5: correct = [0.9, 0.5]; p = 2/4 >= p~ = 1/4
    ([0.9, 0.4, 0.5, 0.0], [0.7, 0.1, 0.2, 0.49], {}, [A, 0, A, 0]),
    # a stricter threshold: correct = [0.9]; p = 1/4 >= p~ = 0 (0.7 < 0.8)
    ([0.9, 0.4, 0.5, 0.0], [0.7, 0.1], {"threshold": 0.8}, [A, 0, 0, 0]),
    # booleans and a custom alpha
    ([True, False], [False, False], {"alpha": 1.0}, [1.0, 0.0]),
    # NaN (a failed score) counts as incorrect: p = 1/2 >= p~ = 0
    ([float("nan"), 1.0], [0.0], {}, [0.0, A]),
]


@pytest.mark.parametrize(("ordered", "shuffled", "kwargs", "expected"), TGRPO_CASES)
def test_temporal_bonus(ordered: list[Any], shuffled: list[Any], kwargs: dict[str, Any], expected: list[float]) -> None:
    np.testing.assert_allclose(temporal_bonus(ordered, shuffled, **kwargs), expected)


def test_batched_matches_rows() -> None:
    rng = np.random.default_rng(0)
    ordered = rng.random((64, 8))
    shuffled = rng.random((64, 4))
    batched = temporal_bonus_batched(ordered, shuffled, factor=0.8)
    assert batched.shape == (64, 8)
    rows = np.stack([temporal_bonus(o, s, factor=0.8) for o, s in zip(ordered, shuffled)])
    np.testing.assert_array_equal(batched, rows)


def test_batched_two_prompts_by_hand() -> None:
    # prompt 0: p = 1/2 >= p~ = 0 -> bonus on its correct responses;
    # prompt 1: p = 1/2 < p~ = 1 -> nothing
    ordered = np.array([[1, 0], [0, 1]], dtype=bool)
    shuffled = np.array([[0, 0], [1, 1]], dtype=bool)
    np.testing.assert_allclose(temporal_bonus_batched(ordered, shuffled), [[A, 0], [0, 0]])


SHAPE_ERRORS: list[tuple[Any, Any]] = [
    # different numbers of prompts
    (np.ones((2, 8)), np.ones((3, 4))),
    # one-dimensional input to the batched form
    (np.ones(8), np.ones(4)),
    # an empty shuffled group
    (np.ones((2, 8)), np.ones((2, 0))),
]


@pytest.mark.parametrize(("ordered", "shuffled"), SHAPE_ERRORS)
def test_shape_errors(ordered: Any, shuffled: Any) -> None:
    with pytest.raises(ValueError):
        temporal_bonus_batched(ordered, shuffled)


# Video-R1's released trainer, worked by hand from its code (grpo_trainer.py, commit 59d65c3):
#   acc_mean = mean(ordered accuracy); shuffled_acc_mean = mean(shuffled accuracy)
#   if acc_mean >= 0.8 * shuffled_acc_mean: responses with accuracy > 0.1 get +0.3
CODE_CASES: list[tuple[list[float], list[float], list[float], list[float]]] = [
    # (ordered, shuffled, bonus under the released code, bonus under the paper's equation)
    # binary: 0.875 >= 0.8 * 1.0 -> 7 bonuses; the paper's p >= p~ fails (0.875 < 1)
    ([1, 1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1], [A] * 7 + [0.0], [0.0] * 8),
    # binary: 0.25 < 0.8 * 0.5 = 0.4 -> none; paper: 0.25 < 0.5 -> none
    ([1, 1, 0, 0, 0, 0, 0, 0], [1, 1, 0, 0], [0.0] * 8, [0.0] * 8),
    # continuous (IoU): mean 0.2625 >= 0.8 * 0.3 = 0.24 -> the three > 0.1 get it;
    # paper: correct (>= 0.5) p = 1/4 >= p~ = 0/2 -> only the 0.6
    ([0.6, 0.15, 0.3, 0.0], [0.3, 0.3], [A, A, A, 0.0], [A, 0.0, 0.0, 0.0]),
    # continuous: mean 0.2375 < 0.8 * 0.35 = 0.28 -> none; paper: p = 1/4 < p~ = 1/2 -> none
    ([0.6, 0.05, 0.3, 0.0], [0.5, 0.2], [0.0] * 4, [0.0] * 4),
    # "> 0.1" is strict: 0.1 gets nothing, 0.2 gets it (0.15 >= 0)
    ([0.1, 0.2], [0.0, 0.0], [0.0, A], [0.0, 0.0]),
    # all zero: granted (0 >= 0) but nothing above 0.1
    ([0.0] * 4, [0.0] * 2, [0.0] * 4, [0.0] * 4),
]


@pytest.mark.parametrize(("ordered", "shuffled", "code", "paper"), CODE_CASES)
def test_released_code_and_paper_rules(ordered, shuffled, code, paper) -> None:
    np.testing.assert_allclose(temporal_bonus(ordered, shuffled, **VIDEO_R1_CODE_RULE), code)
    np.testing.assert_allclose(temporal_bonus(ordered, shuffled, **PAPER_RULE), paper)


def test_released_code_rule_matches_its_reference_on_random_groups() -> None:
    """4,000 random groups of continuous rewards, against the code's rule written out plainly."""
    rng = np.random.default_rng(7)
    ordered = rng.random((4000, 8)) * (rng.random((4000, 1)) < 0.7)
    shuffled = rng.random((4000, 4)) * (rng.random((4000, 1)) < 0.7)
    decision = temporal_decision(ordered, shuffled, **VIDEO_R1_CODE_RULE)
    for o, s, bonus in zip(ordered, shuffled, decision.bonus):
        expected = np.where(o > 0.1, 0.3, 0.0) if o.mean() >= 0.8 * s.mean() - 1e-9 else np.zeros(8)
        np.testing.assert_allclose(bonus, expected)
    # the two rules are genuinely different on continuous rewards
    paper = temporal_bonus_batched(ordered, shuffled, **PAPER_RULE)
    assert (paper != decision.bonus).any(axis=1).sum() > 1000


def test_decision_reports_the_group_statistics() -> None:
    d = temporal_decision([[0.6, 0.15, 0.3, 0.0]], [[0.3, 0.3]], **VIDEO_R1_CODE_RULE)
    np.testing.assert_allclose(d.p, [0.2625])
    np.testing.assert_allclose(d.p_shuffled, [0.3])
    assert d.granted.tolist() == [True] and d.correct.tolist() == [[True, True, True, False]]


def test_unknown_statistic() -> None:
    with pytest.raises(ValueError, match="statistic"):
        temporal_bonus([1.0], [0.0], statistic="median")
