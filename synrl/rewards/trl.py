"""Rewards with TRL's calling convention (``GRPOTrainer(reward_funcs=...)``).

TRL calls every reward function as
``func(prompts=..., completions=..., completion_ids=..., **dataset_columns)`` (newer
versions add ``trainer_state=...``), with one entry per completion in every list, and
logs it under ``func.__name__``. Completions are strings, or lists of
``{"role", "content"}`` messages for conversational datasets. The dataset columns carry the
ground truth: the record keys (``answer_type``, ``answer``, ``options``, ...), or one
``ground_truth`` column holding them as a JSON object (see
:func:`synrl.rewards.ground_truth.coerce_ground_truth`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from synrl.rewards.combine import WeightedReward
from synrl.rewards.ground_truth import GROUND_TRUTH_KEYS, coerce_ground_truth

__all__ = ["TRLReward", "completion_text", "trl_reward_functions"]


def completion_text(completion: Any) -> str:
    """The text of a TRL completion: the string itself, or the last message's content.

    Message content may be a string or a list of parts (``{"type": "text", "text": ...}``),
    whose texts are joined. Anything else gives "" (which every reward scores 0).
    """
    if isinstance(completion, str):
        return completion
    message = completion
    if isinstance(completion, Sequence) and completion:
        assistant = [m for m in completion if isinstance(m, Mapping) and m.get("role") == "assistant"]
        message = assistant[-1] if assistant else completion[-1]
    if not isinstance(message, Mapping):
        return ""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        return "".join(
            part["text"] for part in content if isinstance(part, Mapping) and isinstance(part.get("text"), str)
        )
    return ""


class TRLReward:
    """A (weighted sum of) registered reward(s) as a TRL reward function.

    ``TRLReward("accuracy")`` or ``TRLReward({"accuracy": 1.0, "format": 0.5})``; ``params``
    as for :class:`~synrl.rewards.combine.WeightedReward`. Returns one float per
    completion. The length bonus gets the real token count from ``completion_ids``.
    Picklable, and named ``__name__`` (default: the reward names joined by "+").
    """

    def __init__(
        self,
        reward: str | Mapping[str, float],
        *,
        params: Mapping[str, Mapping[str, Any]] | None = None,
        name: str | None = None,
    ) -> None:
        weights = {reward: 1.0} if isinstance(reward, str) else reward
        self.reward = WeightedReward(weights, params)
        self.__name__ = name or self.reward.__name__

    def __call__(
        self,
        completions: Sequence[Any],
        prompts: Sequence[Any] | None = None,
        completion_ids: Sequence[Sequence[int]] | None = None,
        **columns: Any,
    ) -> list[float]:
        truth_columns = {k: v for k, v in columns.items() if k in GROUND_TRUTH_KEYS or k == "ground_truth"}
        rewards: list[float] = []
        for i, completion in enumerate(completions):
            row = {k: v[i] for k, v in truth_columns.items() if isinstance(v, Sequence) and not isinstance(v, str)}
            ground_truth = coerce_ground_truth(row.pop("ground_truth", None), row)
            context = {"num_tokens": len(completion_ids[i])} if completion_ids is not None else {}
            rewards.append(self.reward(completion_text(completion), ground_truth, **context))
        return rewards

    def __repr__(self) -> str:
        return f"TRLReward({self.reward!r}, name={self.__name__!r})"


def trl_reward_functions(
    weights: Mapping[str, float], params: Mapping[str, Mapping[str, Any]] | None = None
) -> tuple[list[TRLReward], list[float]]:
    """One TRL reward function per name plus their weights, for ``GRPOConfig(reward_weights=...)``.

    Separate functions let TRL log each reward under its own name (``rewards/accuracy``,
    ``rewards/format``) while weighting them in the total.
    """
    params = params or {}
    funcs = [TRLReward(name, params={name: params[name]} if name in params else None, name=name) for name in weights]
    return funcs, [float(w) for w in weights.values()]
