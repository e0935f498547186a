"""Table-driven tests of the Video-R1 length bonus."""

from __future__ import annotations

from typing import Any

import pytest

from synrl.rewards.length import length_reward

GT = {"answer_type": "yes_no", "answer": "yes"}
RIGHT = "<think>It was deleted.</think><answer>yes</answer>"
WRONG = "<think>It was kept.</think><answer>no</answer>"

LENGTH_CASES: list[tuple[str, dict[str, Any], float]] = [
    # correct, inside the window
    (RIGHT, {"num_tokens": 400}, 0.2),
    # correct, exactly l_min
    (RIGHT, {"num_tokens": 320}, 0.2),
    # correct, exactly l_max
    (RIGHT, {"num_tokens": 512}, 0.2),
    # correct, too short
    (RIGHT, {"num_tokens": 319}, 0.0),
    # correct, too long
    (RIGHT, {"num_tokens": 513}, 0.0),
    # wrong, inside the window
    (WRONG, {"num_tokens": 400}, 0.0),
    # custom omega and window
    (RIGHT, {"num_tokens": 50, "omega": 0.5, "l_min": 10, "l_max": 100}, 0.5),
    # no token count: approximated from the text, 19 words and marks:
    # < think > It was deleted . < / think > < answer > yes < / answer >
    (RIGHT, {"l_min": 19, "l_max": 19}, 0.2),
    # approximation outside the window
    (RIGHT, {}, 0.0),
]


@pytest.mark.parametrize(("completion", "kwargs", "expected"), LENGTH_CASES)
def test_length_reward(completion: str, kwargs: dict[str, Any], expected: float) -> None:
    assert length_reward(completion, GT, **kwargs) == pytest.approx(expected)


def test_continuous_correctness_uses_the_threshold() -> None:
    gt = {"answer_type": "interval", "answer": [0.0, 10.0]}
    half = "<answer>0 to 5</answer>"  # IoU 0.5: correct at threshold 0.5, not at 0.6
    assert length_reward(half, gt, num_tokens=400) == 0.2
    assert length_reward(half, gt, num_tokens=400, threshold=0.6) == 0.0
