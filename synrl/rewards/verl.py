"""verl entry point: ``compute_score`` for ``reward.custom_reward_function``.

verl loads this file by path (``spec_from_file_location("custom_module", path)``) and
looks up the function by name, so this module must only use absolute imports. verl 0.9.1
reads the ``reward.custom_reward_function`` group (``verl/trainer/ppo/reward.py``); a
top-level ``custom_reward_function`` is only migrated by some entry points, so use::

    reward:
      custom_reward_function:
        path: /path/to/synrl/rewards/verl.py   # python -c "import synrl.rewards.verl as m; print(m.__file__)"
        name: compute_score
        reward_kwargs:                       # optional, passed to compute_score
          weights: {accuracy: 1.0, format: 1.0, length: 1.0}
          tokenizer: /path/to/model          # optional: exact token counts for the length reward

verl's reward manager calls ``compute_score(data_source=..., solution_str=...,
ground_truth=..., extra_info=..., **reward_kwargs)`` once per response and keeps every
key of the returned dict besides ``score`` as a per-sample metric; the keys are therefore
the same for every sample of a run (``score`` plus one per weighted reward).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

from synrl.rewards.combine import WeightedReward
from synrl.rewards.ground_truth import coerce_ground_truth

__all__ = ["DEFAULT_WEIGHTS", "LENGTH_KEYS", "compute_score", "response_token_count"]

#: Accuracy plus format, each weight 1, as in Video-R1 and VideoChat-R1.
DEFAULT_WEIGHTS: Mapping[str, float] = {"accuracy": 1.0, "format": 1.0}

_combined: dict[str, WeightedReward] = {}
_tokenizers: dict[str, Any] = {}

#: ``extra_info`` keys that may hold the response's token count (synrl's reward manager and
#: dataset pipelines write ``response_length``; verl's own managers pass none).
LENGTH_KEYS = ("response_length", "valid_response_length", "num_tokens")


def _as_count(value: Any) -> int | None:
    """A token count from an int, a numpy integer or a 0-d array/tensor; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "ndim", None) == 0:
        scalar = item()
        return int(scalar) if isinstance(scalar, numbers.Integral) and not isinstance(scalar, bool) else None
    return None


def _tokenizer(tokenizer: Any) -> Any:
    # A config can only carry a path; load it once per process (verl calls per response).
    if not isinstance(tokenizer, str):
        return tokenizer
    if tokenizer not in _tokenizers:
        from transformers import AutoTokenizer

        _tokenizers[tokenizer] = AutoTokenizer.from_pretrained(tokenizer)
    return _tokenizers[tokenizer]


def response_token_count(solution_str: str, extra_info: Mapping[str, Any] | None, tokenizer: Any = None) -> int | None:
    """The response's token count: from ``extra_info`` (:data:`LENGTH_KEYS`), else by
    ``tokenizer`` (an object with ``encode`` or a path), else None (the length reward then
    estimates it)."""
    if isinstance(extra_info, Mapping):
        for key in LENGTH_KEYS:
            count = _as_count(extra_info.get(key))
            if count is not None:
                return count
    if tokenizer is not None:
        return len(_tokenizer(tokenizer).encode(solution_str, add_special_tokens=False))
    return None


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
    tokenizer: Any = None,
    **_verl_kwargs: Any,
) -> dict[str, float]:
    """Score one verl response: ``{"score": total, <reward name>: part, ...}``.

    ``ground_truth`` is the record's ground truth as a mapping or JSON object, or the bare
    answer with ``answer_type``/``options``/... in ``extra_info``; the accuracy reward
    dispatches on ``answer_type``. ``data_source`` is not needed (the answer type says how
    to score) and further verl arguments are ignored. The length bonus counts tokens with
    :func:`response_token_count` (``extra_info["response_length"]``, any integer type, or
    ``tokenizer``). ``weights`` defaults to :data:`DEFAULT_WEIGHTS`.
    """
    truth = coerce_ground_truth(ground_truth, extra_info)
    context: dict[str, Any] = {}
    # Only the length reward reads the count; don't tokenize for runs that don't weight it.
    if "length" in (weights or DEFAULT_WEIGHTS):
        count = response_token_count(solution_str, extra_info, tokenizer)
        if count is not None:
            context["num_tokens"] = count
    return _reward_for(weights, params).scores(solution_str, truth, **context)
