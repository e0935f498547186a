"""Rewards by name.

Every per-completion reward registers itself here with the range of values it returns, so
configs (``{"accuracy": 1.0, "format": 0.5}``), the TRL and verl adapters and the fuzz
tests all find rewards and their documented ranges in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from synrl.registry import Registry


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


REWARDS: Registry[RewardSpec] = Registry("reward", error=UnknownRewardError)


def register_reward(name: str, *, low: float, high: float) -> Callable[[Callable[..., float]], Callable[..., float]]:
    """Decorator registering a reward under ``name`` with its range ``[low, high]``."""

    def decorate(func: Callable[..., float]) -> Callable[..., float]:
        known = REWARDS.find(name)
        if known is not None and known.func is func:
            return func
        summary = (func.__doc__ or "").strip().split("\n", 1)[0]
        REWARDS.add(name, RewardSpec(name=name, func=func, low=low, high=high, summary=summary))
        return func

    return decorate


def reward_names() -> list[str]:
    """Names of all registered rewards, sorted."""
    return sorted(REWARDS.names())


def reward_spec(name: str) -> RewardSpec:
    """The :class:`RewardSpec` registered under ``name``; :class:`UnknownRewardError` otherwise."""
    return REWARDS.get(name)


def get_reward(name: str) -> Callable[..., float]:
    """The reward function registered under ``name``."""
    return reward_spec(name).func

