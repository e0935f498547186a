"""Table-driven tests of weighted reward combinations."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from synrl.rewards.combine import WeightedReward
from synrl.rewards.registry import UnknownRewardError

GT = {"answer_type": "number", "answer": 3}
RIGHT_FORMATTED = "<think>Three bounces.</think><answer>3</answer>"
RIGHT_UNFORMATTED = "<answer>3</answer>"
WRONG_FORMATTED = "<think>Four bounces.</think><answer>4</answer>"

COMBINE_CASES: list[tuple[dict[str, float], str, dict[str, Any], dict[str, float]]] = [
    # right and formatted: 1 * 1 + 0.5 * 1
    ({"accuracy": 1.0, "format": 0.5}, RIGHT_FORMATTED, {}, {"score": 1.5, "accuracy": 1.0, "format": 1.0}),
    # right, no think block: 1 * 1 + 0.5 * 0
    ({"accuracy": 1.0, "format": 0.5}, RIGHT_UNFORMATTED, {}, {"score": 1.0, "accuracy": 1.0, "format": 0.0}),
    # wrong but formatted: 0.5
    ({"accuracy": 1.0, "format": 0.5}, WRONG_FORMATTED, {}, {"score": 0.5, "accuracy": 0.0, "format": 1.0}),
    # length bonus with the token count passed at call time: 1 + 1 + 0.2
    (
        {"accuracy": 1.0, "format": 1.0, "length": 1.0},
        RIGHT_FORMATTED,
        {"num_tokens": 400},
        {"score": 2.2, "accuracy": 1.0, "format": 1.0, "length": 0.2},
    ),
    # negative weights are allowed (a penalty): -1 * 1
    ({"format": -1.0}, RIGHT_FORMATTED, {}, {"score": -1.0, "format": 1.0}),
]


@pytest.mark.parametrize(("weights", "completion", "context", "expected"), COMBINE_CASES)
def test_weighted_scores(weights: dict[str, float], completion: str, context: dict[str, Any], expected: dict[str, float]) -> None:
    combined = WeightedReward(weights)
    assert combined.scores(completion, GT, **context) == pytest.approx(expected)
    assert combined(completion, GT, **context) == pytest.approx(expected["score"])


def test_fixed_params_reach_their_reward() -> None:
    combined = WeightedReward({"length": 2.0}, params={"length": {"omega": 0.5, "l_min": 1, "l_max": 10}})
    # 2 * 0.5, with the length window set by params and the count by context
    assert combined(RIGHT_FORMATTED, GT, num_tokens=5) == 1.0


def test_name_and_pickle() -> None:
    combined = WeightedReward({"accuracy": 1.0, "format": 0.5})
    clone = pickle.loads(pickle.dumps(combined))
    assert (clone.__name__, clone(RIGHT_FORMATTED, GT)) == ("accuracy+format", 1.5)


CONFIG_ERRORS: list[tuple[dict[str, float], dict[str, Any] | None, type[Exception], str]] = [
    # a misspelt name: the error suggests the close match
    ({"acuracy": 1.0}, None, UnknownRewardError, "did you mean 'accuracy'"),
    # params for a reward that has no weight
    ({"accuracy": 1.0}, {"length": {"omega": 1.0}}, ValueError, "without a weight"),
    # a parameter the reward does not take
    ({"length": 1.0}, {"length": {"omgea": 1.0}}, ValueError, "omgea"),
    # nothing to combine
    ({}, None, ValueError, "at least one"),
]


@pytest.mark.parametrize(("weights", "params", "error", "message"), CONFIG_ERRORS)
def test_config_errors(weights: dict[str, float], params: dict[str, Any] | None, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        WeightedReward(weights, params)
