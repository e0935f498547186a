"""Table-driven tests of the temporal IoU reward."""

from __future__ import annotations

import pytest

from synrl.rewards.temporal import temporal_iou_reward

GT = {"answer_type": "interval", "answer": [3.2, 7.5]}


def wrap(answer: str) -> str:
    return f"<think>The event starts after the wall contact.</think><answer>{answer}</answer>"


TEMPORAL_CASES = [
    # exact, "to"
    (wrap("3.2 to 7.5"), 1.0),
    # exact, hyphen and unit
    (wrap("3.2 - 7.5 seconds"), 1.0),
    # exact, list
    (wrap("[3.2, 7.5]"), 1.0),
    # clock form rounds to whole seconds: [3, 7] vs [3.2, 7.5] -> 3.8 / 4.5
    (wrap("00:03-00:07"), 3.8 / 4.5),
    # shifted: [4.2, 8.5] -> overlap 3.3, union 5.3
    (wrap("4.2 to 8.5"), 3.3 / 5.3),
    # contained: [4, 6] -> 2 / 4.3
    (wrap("from 4s to 6s"), 2.0 / 4.3),
    # disjoint
    (wrap("8 to 9"), 0.0),
    # reversed ends are not an interval
    (wrap("7.5 to 3.2"), 0.0),
    # one number only
    (wrap("3.2"), 0.0),
    # no answer block
    ("3.2 to 7.5", 0.0),
]


@pytest.mark.parametrize(("completion", "expected"), TEMPORAL_CASES)
def test_temporal_iou_reward(completion: str, expected: float) -> None:
    assert temporal_iou_reward(completion, GT) == pytest.approx(expected)


def test_ground_truth_interval_as_text() -> None:
    # a ground truth stored as interval text reads the same
    assert temporal_iou_reward(wrap("3.2 to 7.5"), {"answer": "3.2 - 7.5"}) == 1.0
