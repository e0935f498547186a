"""The Video-R1 length bonus: omega for a correct answer of a moderate length."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.answers import approximate_token_count
from synrl.rewards.accuracy import accuracy_reward
from synrl.rewards.registry import register_reward

__all__ = ["DEFAULT_L_MAX", "DEFAULT_L_MIN", "DEFAULT_OMEGA", "length_reward"]

# Video-R1 section 3.3: omega = 0.2, [l_min, l_max] = [320, 512] tokens.
DEFAULT_OMEGA = 0.2
DEFAULT_L_MIN = 320
DEFAULT_L_MAX = 512


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
) -> float:
    """``omega`` when the answer is correct and the completion is ``l_min..l_max`` tokens long, else 0.

    Correct means ``accuracy >= threshold`` (Video-R1 thresholds continuous rewards at
    0.5). The length is ``num_tokens`` (the TRL adapter passes ``len(completion_ids)``);
    without it, :func:`synrl.answers.approximate_token_count`. Range [0, omega].
    """
    if num_tokens is None:
        num_tokens = approximate_token_count(completion, limit=l_max + 1)
    if not l_min <= num_tokens <= l_max:
        return 0.0
    return float(omega) if accuracy_reward(completion, ground_truth) >= threshold else 0.0
