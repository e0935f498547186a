"""The Video-R1 length bonus: omega for a correct answer of a moderate length.

Paper (section 3.3, eq. 5): omega when the response is correct and ``l_min <= len <= l_max``.
Released trainer (``grpo_trainer.py``, commit 59d65c3, ``len_control``): correct means
accuracy ``> 0.1``, and the bonus is paid only when more than one response of the group is
correct. The per-response rule is :func:`length_reward`; the group rule, which needs the
whole group, is :func:`length_bonus_group` (the GRPO trainer gathers groups across processes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from synrl.answers import approximate_token_count
from synrl.rewards.accuracy import accuracy_reward, is_correct
from synrl.rewards.registry import register_reward

__all__ = ["DEFAULT_L_MAX", "DEFAULT_L_MIN", "DEFAULT_OMEGA", "VIDEO_R1_CODE_LENGTH", "length_bonus_group",
           "length_reward"]

# Video-R1 section 3.3: omega = 0.2, [l_min, l_max] = [320, 512] tokens.
DEFAULT_OMEGA = 0.2
DEFAULT_L_MIN = 320
DEFAULT_L_MAX = 512
#: The released trainer's rule (reward_params for ``length``).
VIDEO_R1_CODE_LENGTH: dict = {"threshold": 0.1, "strict": True, "min_correct_in_group": 2}


@register_reward("length", low=0.0, high=DEFAULT_OMEGA)
def length_reward(
    completion: str,
    ground_truth: Mapping[str, Any],
    *,
    num_tokens: int | None = None,
    omega: float = DEFAULT_OMEGA,
    l_min: int = DEFAULT_L_MIN,
    l_max: int = DEFAULT_L_MAX,
    threshold: float = 0.5,
    strict: bool = False,
    min_correct_in_group: int = 1,
) -> float:
    """``omega`` when the answer is correct and the completion is ``l_min..l_max`` tokens long, else 0.

    Correct means ``accuracy >= threshold`` (``> threshold`` when ``strict``; the paper
    thresholds continuous rewards at 0.5). The length is ``num_tokens`` (the TRL adapter
    passes ``len(completion_ids)``); without it, :func:`synrl.answers.approximate_token_count`.
    ``min_correct_in_group`` > 1 needs the group: it is honoured by the GRPO trainer through
    :func:`length_bonus_group` and refused here. Range [0, omega].
    """
    if min_correct_in_group > 1:
        raise ValueError("length: min_correct_in_group > 1 is a group rule; score whole groups with "
                         "length_bonus_group (the GRPO trainer does)")
    if num_tokens is None:
        num_tokens = approximate_token_count(completion, limit=l_max + 1)
    if not l_min <= num_tokens <= l_max:
        return 0.0
    return float(omega) if is_correct(accuracy_reward(completion, ground_truth), threshold, strict) else 0.0


def length_bonus_group(
    accuracy: ArrayLike,
    num_tokens: ArrayLike,
    *,
    omega: float = DEFAULT_OMEGA,
    l_min: int = DEFAULT_L_MIN,
    l_max: int = DEFAULT_L_MAX,
    threshold: float = 0.5,
    strict: bool = False,
    min_correct_in_group: int = 1,
) -> NDArray[np.float64]:
    """The length bonus for one group: ``accuracy`` and ``num_tokens`` per response, shape ``(G,)``.

    A response gets ``omega`` when it is correct, ``l_min <= num_tokens <= l_max``, and at
    least ``min_correct_in_group`` responses of the group are correct (Video-R1's code: 2).
    """
    correct = is_correct(accuracy, threshold, strict)
    tokens = np.asarray(num_tokens)
    if correct.ndim != 1 or correct.shape != tokens.shape:
        raise ValueError(f"accuracy and num_tokens must be 1-D and equal in length, got {correct.shape}, "
                         f"{tokens.shape}")
    if correct.sum() < min_correct_in_group:
        return np.zeros(correct.shape)
    return np.where(correct & (tokens >= l_min) & (tokens <= l_max), float(omega), 0.0)
