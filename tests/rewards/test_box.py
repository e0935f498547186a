"""Table-driven tests of the box IoU reward (VideoChat-R1 tracking)."""

from __future__ import annotations

from typing import Any

import pytest

from synrl.rewards.box import box_iou_reward


def wrap(answer: str) -> str:
    return f"<think>The square moves right.</think><answer>{answer}</answer>"


ONE_BOX = {"answer_type": "box", "answer": [0, 0, 10, 10]}
TWO_BOXES = {"answer_type": "box", "answer": [[0, 0, 10, 10], [10, 0, 20, 10]]}

BOX_CASES: list[tuple[str, dict[str, Any], float]] = [
    # exact box
    (wrap("[0, 0, 10, 10]"), ONE_BOX, 1.0),
    # quarter overlap: 25 / 175
    (wrap("[5, 5, 15, 15]"), ONE_BOX, 25 / 175),
    # half-width box inside: 50 / 100
    (wrap("(0,0),(5,10)"), ONE_BOX, 0.5),
    # disjoint
    (wrap("[20, 20, 30, 30]"), ONE_BOX, 0.0),
    # tracking, both frames exact
    (wrap("[0,0,10,10], [10,0,20,10]"), TWO_BOXES, 1.0),
    # tracking, second frame missing: (1 + 0) / 2
    (wrap("[0,0,10,10]"), TWO_BOXES, 0.5),
    # an extra box counts as a miss: (1 + 0) / 2
    (wrap("[0,0,10,10] [50,50,60,60]"), ONE_BOX, 0.5),
    # three numbers are no box
    (wrap("0, 0, 10"), ONE_BOX, 0.0),
    # no answer block
    ("[0, 0, 10, 10]", ONE_BOX, 0.0),
]


@pytest.mark.parametrize(("completion", "gt", "expected"), BOX_CASES)
def test_box_iou_reward(completion: str, gt: dict[str, Any], expected: float) -> None:
    assert box_iou_reward(completion, gt) == pytest.approx(expected)
