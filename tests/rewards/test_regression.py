"""Table-driven tests of the regression reward."""

from __future__ import annotations

import pytest

from synrl.rewards.regression import regression_reward


def wrap(answer: str) -> str:
    return f"<think>Estimating.</think><answer>{answer}</answer>"


REGRESSION_CASES = [
    # exact
    (wrap("10"), 10, 1.0),
    # 10% low
    (wrap("9"), 10, 0.9),
    # 25% high, with a unit
    (wrap("12.5 cm"), 10, 0.75),
    # twice the target: relative error 1 -> 0
    (wrap("20"), 10, 0.0),
    # far off: clipped at 0
    (wrap("100"), 10, 0.0),
    # negative target: |-4 - -5| / 5
    (wrap("-4"), -5, 0.8),
    # zero target, exact
    (wrap("0"), 0, 1.0),
    # zero target, anything else
    (wrap("0.001"), 0, 0.0),
    # no number
    (wrap("unknown"), 10, 0.0),
    # number words work
    (wrap("ten"), 10, 1.0),
]


@pytest.mark.parametrize(("completion", "target", "expected"), REGRESSION_CASES)
def test_regression_reward(completion: str, target: float, expected: float) -> None:
    assert regression_reward(completion, {"answer": target}) == pytest.approx(expected)
