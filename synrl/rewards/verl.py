"""verl entry point: ``compute_score`` for ``custom_reward_function``.

verl loads this file by path (``spec_from_file_location("custom_module", path)``) and
looks up the function by name, so this module must only use absolute imports::

    custom_reward_function:
      path: /path/to/synrl/rewards/verl.py   # python -c "import synrl.rewards.verl as m; print(m.__file__)"
      name: compute_score
      reward_kwargs:                         # optional, passed to compute_score
        weights: {accuracy: 1.0, format: 1.0, length: 1.0}

verl's reward manager calls ``compute_score(data_source=..., solution_str=...,
ground_truth=..., extra_info=..., **reward_kwargs)`` once per response and keeps every
key of the returned dict besides ``score`` as a per-sample metric; the keys are therefore
the same for every sample of a run (``score`` plus one per weighted reward).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.rewards.combine import WeightedReward
from synrl.rewards.ground_truth import coerce_ground_truth

__all__ = ["DEFAULT_WEIGHTS", "compute_score"]

#: Accuracy plus format, each weight 1, as in Video-R1 and VideoChat-R1.
DEFAULT_WEIGHTS: Mapping[str, float] = {"accuracy": 1.0, "format": 1.0}

_combined: dict[str, WeightedReward] = {}


def _reward_for(weights: Mapping[str, float] | None, params: Mapping[str, Mapping[str, Any]] | None) -> WeightedReward:
    # Hydra hands over DictConfigs, which are not hashable; key the cache on plain items.
    weights = dict(weights or DEFAULT_WEIGHTS)
    params = {name: dict(kwargs) for name, kwargs in (params or {}).items()}
    key = repr((sorted(weights.items()), sorted((name, sorted(kwargs.items())) for name, kwargs in params.items())))
    if key not in _combined:
        _combined[key] = WeightedReward(weights, params)
    return _combined[key]


def compute_score(
    data_source: str | None,
    solution_str: str,
    ground_truth: Any,
    extra_info: Mapping[str, Any] | None = None,
    *,
    weights: Mapping[str, float] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    **_verl_kwargs: Any,
) -> dict[str, float]:
    """Score one verl response: ``{"score": total, <reward name>: part, ...}``.

    ``ground_truth`` is the record's ground truth as a mapping or JSON object, or the bare
    answer with ``answer_type``/``options``/... in ``extra_info``; the accuracy reward
    dispatches on ``answer_type``. ``data_source`` is not needed (the answer type says how
    to score) and further verl arguments are ignored. ``extra_info["response_length"]``,
    when present, is the token count the length bonus uses. ``weights`` defaults to
    :data:`DEFAULT_WEIGHTS`.
    """
    truth = coerce_ground_truth(ground_truth, extra_info)
    context: dict[str, Any] = {}
    if isinstance(extra_info, Mapping) and isinstance(extra_info.get("response_length"), int):
        context["num_tokens"] = extra_info["response_length"]
    return _reward_for(weights, params).scores(solution_str, truth, **context)
