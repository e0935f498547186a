"""The T-GRPO temporal bonus (Video-R1, section 3.2), as group-level numpy functions.

For each prompt the policy answers twice: a group with the frames in order and a group with
the frames shuffled. With ``p`` and ``p_shuffled`` the fractions of correct responses in the
two groups, every *correct* ordered response gets ``alpha`` added when
``p >= factor * p_shuffled``; incorrect responses and the shuffled group get nothing.

``factor`` is 1.0 in the paper's equation (1); the released Video-R1 trainer compares
against ``0.8 * p_shuffled``, hence the parameter.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["DEFAULT_ALPHA", "temporal_bonus", "temporal_bonus_batched"]

DEFAULT_ALPHA = 0.3

# p and p_shuffled are ratios of small integers; 0.8 * 1.0 can land a hair above 0.8.
_EPS = 1e-9


def _correct(scores: ArrayLike, threshold: float, name: str) -> NDArray[np.bool_]:
    array = np.asarray(scores)
    if array.ndim != 2 or array.shape[1] == 0:
        raise ValueError(f"{name} must have shape (n_prompts, group_size) with group_size > 0, got {array.shape}")
    if array.dtype == np.bool_:
        return array
    # NaN (a failed score) compares false, so it counts as incorrect.
    return np.asarray(array, dtype=np.float64) >= threshold


def temporal_bonus_batched(
    ordered: ArrayLike,
    shuffled: ArrayLike,
    *,
    alpha: float = DEFAULT_ALPHA,
    factor: float = 1.0,
    threshold: float = 0.5,
) -> NDArray[np.float64]:
    """Temporal bonus for every ordered response, shape ``(n_prompts, group_size)``.

    ``ordered`` has shape ``(n_prompts, group_size)`` and ``shuffled`` shape
    ``(n_prompts, shuffled_group_size)`` (the groups may differ in size: Video-R1 samples 8
    ordered and 4 shuffled). Entries are booleans (correct or not) or reward values, which
    count as correct when ``>= threshold`` (0.5, as the paper suggests for continuous
    rewards). Each value is 0 or ``alpha``.
    """
    ordered_ok = _correct(ordered, threshold, "ordered")
    shuffled_ok = _correct(shuffled, threshold, "shuffled")
    if ordered_ok.shape[0] != shuffled_ok.shape[0]:
        raise ValueError(f"ordered has {ordered_ok.shape[0]} prompts but shuffled has {shuffled_ok.shape[0]}")
    p = ordered_ok.mean(axis=1)
    p_shuffled = shuffled_ok.mean(axis=1)
    granted = p >= factor * p_shuffled - _EPS
    return np.where(ordered_ok & granted[:, None], float(alpha), 0.0)


def temporal_bonus(
    ordered: ArrayLike,
    shuffled: ArrayLike,
    *,
    alpha: float = DEFAULT_ALPHA,
    factor: float = 1.0,
    threshold: float = 0.5,
) -> NDArray[np.float64]:
    """Temporal bonus for one prompt's ordered group, shape ``(group_size,)``.

    ``ordered`` and ``shuffled`` are 1-D (booleans or rewards); see
    :func:`temporal_bonus_batched`.
    """
    ordered_row = np.asarray(ordered)
    shuffled_row = np.asarray(shuffled)
    if ordered_row.ndim != 1 or shuffled_row.ndim != 1:
        raise ValueError("temporal_bonus takes one group each; use temporal_bonus_batched for many prompts")
    return temporal_bonus_batched(
        ordered_row[None, :], shuffled_row[None, :], alpha=alpha, factor=factor, threshold=threshold
    )[0]
