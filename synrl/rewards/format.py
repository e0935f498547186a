"""The format reward: one think block, then one answer block, nothing else.

Built on :func:`synrl.qa.follows_format`, the same tag parser the CoT checker and the SFT
export use (tags matched case-insensitively, see :mod:`synrl.qa`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.qa import follows_format
from synrl.rewards.registry import register_reward

__all__ = ["follows_format", "format_reward"]


@register_reward("format", low=0.0, high=1.0)
def format_reward(completion: str, ground_truth: Mapping[str, Any] | None = None) -> float:
    """1.0 when the completion follows ``<think>...</think><answer>...</answer>``, else 0.0.

    See :func:`synrl.qa.follows_format` for the exact rule. ``ground_truth`` is ignored; it
    is accepted so that every reward has the same signature. Range [0, 1].
    """
    return 1.0 if follows_format(completion) else 0.0
