"""The T-GRPO temporal bonus (Video-R1, section 3.2), as group-level numpy functions.

For each prompt the policy answers twice: a group with the frames in order and a group with
the frames shuffled. From the two groups' rewards, a statistic ``p`` (ordered) and
``p_shuffled`` is computed; when ``p >= factor * p_shuffled`` every *correct* ordered response
gets ``alpha`` added. Incorrect responses and the shuffled group get nothing.

The paper and the released trainer differ, so both are parameters of one rule:

========================  ==========================================  ==========================================
                          paper, eq. (1)-(2)  (:data:`PAPER_RULE`)    released code (:data:`VIDEO_R1_CODE_RULE`)
========================  ==========================================  ==========================================
``statistic``             share of correct responses                  mean of the raw accuracy rewards
``factor``                1.0 (``p >= p_shuffled``)                   0.8 (``acc_mean >= 0.8 * shuffled_acc_mean``)
correct response          reward ``>= 0.5`` (the paper's suggestion   reward ``> 0.1`` (``strict=True``,
                          for continuous rewards)                     ``threshold=0.1``)
========================  ==========================================  ==========================================

Source of the code column: Video-R1 ``src/r1-v/src/open_r1/trainer/grpo_trainer.py``
(commit 59d65c3), the block after the reward loop.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from synrl.rewards.accuracy import is_correct

__all__ = [
    "DEFAULT_ALPHA",
    "PAPER_RULE",
    "VIDEO_R1_CODE_RULE",
    "TemporalDecision",
    "temporal_bonus",
    "temporal_bonus_batched",
    "temporal_decision",
]

DEFAULT_ALPHA = 0.3

Statistic = Literal["fraction_correct", "mean_reward"]

#: Video-R1 paper, eq. (1)-(2), with the 0.5 threshold it suggests for continuous rewards.
PAPER_RULE: dict = {"factor": 1.0, "statistic": "fraction_correct", "threshold": 0.5, "strict": False}
#: Video-R1's released trainer.
VIDEO_R1_CODE_RULE: dict = {"factor": 0.8, "statistic": "mean_reward", "threshold": 0.1, "strict": True}

# p and p_shuffled are ratios of small integers; 0.8 * 1.0 can land a hair above 0.8.
_EPS = 1e-9


class TemporalDecision(NamedTuple):
    """The rule's outcome for a batch of prompts (one row per prompt)."""

    bonus: NDArray[np.float64]  #: (n_prompts, group_size): 0 or alpha per ordered response
    p: NDArray[np.float64]  #: (n_prompts,): the ordered group's statistic
    p_shuffled: NDArray[np.float64]  #: (n_prompts,)
    granted: NDArray[np.bool_]  #: (n_prompts,): p >= factor * p_shuffled
    correct: NDArray[np.bool_]  #: (n_prompts, group_size): which ordered responses count as correct


def _as_2d(scores: ArrayLike, name: str) -> NDArray:
    array = np.asarray(scores)
    if array.ndim != 2 or array.shape[1] == 0:
        raise ValueError(f"{name} must have shape (n_prompts, group_size) with group_size > 0, got {array.shape}")
    return array


def _statistic(array: NDArray, correct: NDArray[np.bool_], statistic: Statistic) -> NDArray[np.float64]:
    if statistic == "fraction_correct":
        return correct.mean(axis=1)
    if statistic == "mean_reward":
        return np.nan_to_num(np.asarray(array, dtype=np.float64), nan=0.0).mean(axis=1)
    raise ValueError(f"statistic must be 'fraction_correct' or 'mean_reward', got {statistic!r}")


def temporal_decision(
    ordered: ArrayLike,
    shuffled: ArrayLike,
    *,
    alpha: float = DEFAULT_ALPHA,
    factor: float = 1.0,
    threshold: float = 0.5,
    statistic: Statistic = "fraction_correct",
    strict: bool = False,
) -> TemporalDecision:
    """Apply the rule to ``(n_prompts, group_size)`` ordered and ``(n_prompts, shuffled_size)`` shuffled scores.

    Entries are booleans (correct or not) or reward values; a value is correct when
    ``> threshold`` (``strict``) or ``>= threshold``. The groups may differ in size (Video-R1
    samples 8 ordered and 4 shuffled). Defaults are the paper's rule (:data:`PAPER_RULE`).
    """
    ordered_arr = _as_2d(ordered, "ordered")
    shuffled_arr = _as_2d(shuffled, "shuffled")
    if ordered_arr.shape[0] != shuffled_arr.shape[0]:
        raise ValueError(f"ordered has {ordered_arr.shape[0]} prompts but shuffled has {shuffled_arr.shape[0]}")
    ordered_ok = is_correct(ordered_arr, threshold, strict)
    shuffled_ok = is_correct(shuffled_arr, threshold, strict)
    p = _statistic(ordered_arr, ordered_ok, statistic)
    p_shuffled = _statistic(shuffled_arr, shuffled_ok, statistic)
    granted = p >= factor * p_shuffled - _EPS
    bonus = np.where(ordered_ok & granted[:, None], float(alpha), 0.0)
    return TemporalDecision(bonus, p, p_shuffled, granted, ordered_ok)


def temporal_bonus_batched(ordered: ArrayLike, shuffled: ArrayLike, **rule) -> NDArray[np.float64]:
    """Temporal bonus for every ordered response, shape ``(n_prompts, group_size)``.

    ``rule``: ``alpha``, ``factor``, ``threshold``, ``statistic``, ``strict`` as for
    :func:`temporal_decision` (e.g. ``**VIDEO_R1_CODE_RULE``). Each value is 0 or ``alpha``.
    """
    return temporal_decision(ordered, shuffled, **rule).bonus


def temporal_bonus(ordered: ArrayLike, shuffled: ArrayLike, **rule) -> NDArray[np.float64]:
    """Temporal bonus for one prompt's ordered group, shape ``(group_size,)``.

    ``ordered`` and ``shuffled`` are 1-D (booleans or rewards); see :func:`temporal_decision`.
    """
    ordered_row = np.asarray(ordered)
    shuffled_row = np.asarray(shuffled)
    if ordered_row.ndim != 1 or shuffled_row.ndim != 1:
        raise ValueError("temporal_bonus takes one group each; use temporal_bonus_batched for many prompts")
    return temporal_decision(ordered_row[None, :], shuffled_row[None, :], **rule).bonus[0]
