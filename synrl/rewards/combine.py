"""Weighted sums of registered rewards, configured by name."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from synrl.rewards.registry import get_reward

__all__ = ["WeightedReward"]


def _keyword_parameters(func: Any) -> frozenset[str]:
    params = inspect.signature(func).parameters.values()
    names = {p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}
    return frozenset(names - {"completion", "ground_truth"})


class WeightedReward:
    """``sum(weight * reward)`` over rewards named in ``weights``, e.g. ``{"accuracy": 1.0, "format": 0.5}``.

    ``params`` holds fixed keyword arguments per reward (``{"length": {"omega": 0.2}}``).
    Keyword arguments given at call time (``num_tokens=...``) reach only the rewards that
    take them. Instances are picklable, so they cross process boundaries (dataloader
    workers, Ray).
    """

    def __init__(self, weights: Mapping[str, float], params: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        if not weights:
            raise ValueError("a weighted reward needs at least one reward name")
        self.weights = {str(name): float(weight) for name, weight in weights.items()}
        self.params = {str(name): dict(kwargs) for name, kwargs in (params or {}).items()}
        for name in list(self.weights) + list(self.params):
            get_reward(name)  # fail now, with the close-match hint, not mid-training
        stray = set(self.params) - set(self.weights)
        if stray:
            raise ValueError(f"params given for rewards without a weight: {sorted(stray)}")
        self._funcs = {name: get_reward(name) for name in self.weights}
        self._accepts = {name: _keyword_parameters(func) for name, func in self._funcs.items()}
        for name, kwargs in self.params.items():
            unknown = set(kwargs) - self._accepts[name]
            if unknown:
                raise ValueError(f"reward {name!r} takes no parameters {sorted(unknown)}")
        self.__name__ = "+".join(self.weights)

    def scores(self, completion: str, ground_truth: Mapping[str, Any] | None = None, **context: Any) -> dict[str, float]:
        """Each part's unweighted score by name, plus the weighted total under ``"score"``."""
        parts: dict[str, float] = {}
        total = 0.0
        for name, weight in self.weights.items():
            kwargs = {k: v for k, v in context.items() if k in self._accepts[name]}
            kwargs.update(self.params.get(name, {}))
            value = float(self._funcs[name](completion, ground_truth, **kwargs))
            parts[name] = value
            total += weight * value
        return {"score": total, **parts}

    def __call__(self, completion: str, ground_truth: Mapping[str, Any] | None = None, **context: Any) -> float:
        """The weighted total."""
        return self.scores(completion, ground_truth, **context)["score"]

    def __repr__(self) -> str:
        return f"WeightedReward({self.weights!r}, params={self.params!r})"
