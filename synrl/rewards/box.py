"""Box IoU for spatial grounding and tracking (VideoChat-R1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.answers import box_iou, extract_answer, parse_boxes
from synrl.rewards.ground_truth import boxes_answer
from synrl.rewards.registry import register_reward

__all__ = ["box_iou_reward"]


@register_reward("box_iou", low=0.0, high=1.0)
def box_iou_reward(completion: str, ground_truth: Mapping[str, Any]) -> float:
    """Mean IoU between the answer's boxes and the ground-truth boxes, paired by position.

    ``ground_truth["answer"]`` is one ``[x1, y1, x2, y2]`` or a list of them (one per
    tracked frame). The mean runs over the larger of the two counts, so a missing box and
    an extra box both count as IoU 0. Range [0, 1].
    """
    targets = boxes_answer(ground_truth)
    predicted = parse_boxes(extract_answer(completion) or "")
    if not predicted:
        return 0.0
    total = sum(box_iou(p, t) for p, t in zip(predicted, targets))
    return total / max(len(predicted), len(targets))
