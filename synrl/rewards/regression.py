"""Regression reward: one minus the relative error (Video-R1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.answers import extract_answer, parse_number
from synrl.rewards.ground_truth import number_answer
from synrl.rewards.registry import register_reward

__all__ = ["regression_reward"]


@register_reward("regression", low=0.0, high=1.0)
def regression_reward(completion: str, ground_truth: Mapping[str, Any]) -> float:
    """``1 - |pred - target| / |target|`` clipped to [0, 1].

    The prediction is the answer block's number (:func:`synrl.answers.parse_number`); no
    number scores 0. When the target is 0 the relative error is undefined, so only an exact
    0 scores 1. Range [0, 1].
    """
    target = number_answer(ground_truth)
    predicted = parse_number(extract_answer(completion) or "")
    if predicted is None:
        return 0.0
    if target == 0:
        return 1.0 if predicted == 0 else 0.0
    return min(1.0, max(0.0, 1.0 - abs(predicted - target) / abs(target)))
