"""Verifiable rewards for GRPO / T-GRPO, usable from TRL and verl.

Every per-completion reward is a plain, picklable function
``reward(completion, ground_truth, **params) -> float`` registered by name (see
:func:`get_reward` and :func:`reward_names`); it documents its range and never raises on
any completion string. Names: ``accuracy`` (dispatches on ``answer_type``),
``multiple_choice``, ``number``, ``yes_no``, ``list``, ``temporal_iou``, ``box_iou``,
``rouge``, ``wer``, ``regression``, ``format``, ``length``.

Group-level: :func:`temporal_bonus` / :func:`temporal_bonus_batched` (T-GRPO).
Adapters: :class:`TRLReward` / :func:`trl_reward_functions` for TRL,
:func:`synrl.rewards.verl.compute_score` for verl.
"""

from synrl.rewards.accuracy import (
    accuracy_reward,
    list_reward,
    multiple_choice_reward,
    number_reward,
    yes_no_reward,
)
from synrl.rewards.box import box_iou_reward
from synrl.rewards.combine import WeightedReward
from synrl.rewards.format import follows_format, format_reward
from synrl.rewards.ground_truth import ANSWER_TYPES, EXTERNAL_ANSWER_TYPES, coerce_ground_truth
from synrl.rewards.length import length_reward
from synrl.rewards.registry import (
    RewardSpec,
    UnknownRewardError,
    get_reward,
    register_reward,
    reward_names,
    reward_spec,
)
from synrl.rewards.regression import regression_reward
from synrl.rewards.temporal import temporal_iou_reward
from synrl.rewards.text import rouge_reward, wer_reward
from synrl.rewards.tgrpo import temporal_bonus, temporal_bonus_batched
from synrl.rewards.trl import TRLReward, completion_text, trl_reward_functions
from synrl.rewards.verl import compute_score

__all__ = [
    "ANSWER_TYPES",
    "EXTERNAL_ANSWER_TYPES",
    "RewardSpec",
    "TRLReward",
    "UnknownRewardError",
    "WeightedReward",
    "accuracy_reward",
    "box_iou_reward",
    "coerce_ground_truth",
    "completion_text",
    "compute_score",
    "follows_format",
    "format_reward",
    "get_reward",
    "length_reward",
    "list_reward",
    "multiple_choice_reward",
    "number_reward",
    "register_reward",
    "regression_reward",
    "reward_names",
    "reward_spec",
    "rouge_reward",
    "temporal_bonus",
    "temporal_bonus_batched",
    "temporal_iou_reward",
    "trl_reward_functions",
    "wer_reward",
    "yes_no_reward",
]
