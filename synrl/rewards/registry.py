"""Rewards by name.

Every per-completion reward registers itself here with the range of values it returns, so
configs (``{"accuracy": 1.0, "format": 0.5}``), the TRL and verl adapters and the fuzz
tests all find rewards and their documented ranges in one place.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RewardSpec:
    """A registered reward: its function and the range it returns with default parameters."""

    name: str
    func: Callable[..., float]
    low: float
    high: float
    summary: str


class UnknownRewardError(KeyError):
    """No reward is registered under the requested name."""

    def __str__(self) -> str:  # KeyError would print the message with quotes around it
        return str(self.args[0]) if self.args else "unknown reward"


_REGISTRY: dict[str, RewardSpec] = {}


def register_reward(name: str, *, low: float, high: float) -> Callable[[Callable[..., float]], Callable[..., float]]:
    """Decorator registering a reward under ``name`` with its range ``[low, high]``."""

    def decorate(func: Callable[..., float]) -> Callable[..., float]:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise ValueError(f"reward name {name!r} is already registered to {_REGISTRY[name].func.__qualname__}")
        summary = (func.__doc__ or "").strip().split("\n", 1)[0]
        _REGISTRY[name] = RewardSpec(name=name, func=func, low=low, high=high, summary=summary)
        return func

    return decorate


def reward_names() -> list[str]:
    """Names of all registered rewards, sorted."""
    return sorted(_REGISTRY)


def reward_spec(name: str) -> RewardSpec:
    """The :class:`RewardSpec` registered under ``name``; :class:`UnknownRewardError` otherwise."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        known = reward_names()
        close = difflib.get_close_matches(str(name), known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else "."
        raise UnknownRewardError(f"unknown reward {name!r}{hint} Known rewards: {', '.join(known)}") from None


def get_reward(name: str) -> Callable[..., float]:
    """The reward function registered under ``name``."""
    return reward_spec(name).func

