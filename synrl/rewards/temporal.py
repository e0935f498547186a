"""Temporal IoU between the interval a completion states and the ground-truth interval."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.answers import extract_answer, interval_iou, parse_interval
from synrl.rewards.ground_truth import interval_answer
from synrl.rewards.registry import register_reward

__all__ = ["temporal_iou_reward"]


@register_reward("temporal_iou", low=0.0, high=1.0)
def temporal_iou_reward(completion: str, ground_truth: Mapping[str, Any]) -> float:
    """IoU of the answer's interval with ``ground_truth["answer"]`` (``[start_s, end_s]``).

    The interval is read from the answer block with :func:`synrl.answers.parse_interval`
    ("3.2 to 7.5", "3.2 - 7.5 seconds", "[3.2, 7.5]", "00:03-00:07", ...); no block, no
    interval or a reversed interval scores 0. Range [0, 1] (VideoChat-R1's R_IoU).
    """
    target = interval_answer(ground_truth)
    predicted = parse_interval(extract_answer(completion) or "")
    return 0.0 if predicted is None else interval_iou(predicted, target)
