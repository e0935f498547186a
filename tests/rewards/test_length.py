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


# Video-R1's released rule (grpo_trainer.py, commit 59d65c3, len_control), worked by hand:
#   selected = responses with accuracy > 0.1; if more than one is selected, each selected
#   response with 320 <= length <= 512 tokens gets +0.2.
GROUP_CASES: list[tuple[list[float], list[int], list[float], list[float]]] = [
    # (accuracy, tokens, released code, paper (correct = >= 0.5, no group condition))
    # two correct, one in the window
    ([1, 1, 0, 0], [400, 600, 400, 400], [0.2, 0, 0, 0], [0.2, 0, 0, 0]),
    # only one correct: the code pays nothing, the paper pays it
    ([1, 0, 0, 0], [400, 400, 400, 400], [0, 0, 0, 0], [0.2, 0, 0, 0]),
    # continuous: 0.3 and 0.2 are "correct" for the code (> 0.1), not for the paper (< 0.5)
    ([0.3, 0.2, 0.1, 0.9], [320, 512, 400, 511], [0.2, 0.2, 0, 0.2], [0, 0, 0, 0.2]),
    # window edges are inclusive; 0.1 is not > 0.1
    ([1, 1, 0.1], [319, 320, 400], [0, 0.2, 0], [0, 0.2, 0]),
]


@pytest.mark.parametrize(("accuracy", "tokens", "code", "paper"), GROUP_CASES)
def test_length_group_rule(accuracy, tokens, code, paper) -> None:
    from synrl.rewards.length import VIDEO_R1_CODE_LENGTH, length_bonus_group

    assert length_bonus_group(accuracy, tokens, **VIDEO_R1_CODE_LENGTH).tolist() == pytest.approx(code)
    assert length_bonus_group(accuracy, tokens).tolist() == pytest.approx(paper)


def test_group_rule_is_refused_per_completion() -> None:
    with pytest.raises(ValueError, match="group"):
        length_reward(RIGHT, GT, num_tokens=400, min_correct_in_group=2)


def test_strict_threshold() -> None:
    gt = {"answer_type": "interval", "answer": [0.0, 10.0]}
    tenth = "<answer>0 to 1</answer>"  # IoU 0.1
    assert length_reward(tenth, gt, num_tokens=400, threshold=0.1) == 0.2
    assert length_reward(tenth, gt, num_tokens=400, threshold=0.1, strict=True) == 0.0
