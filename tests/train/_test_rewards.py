"""A reward with variance for CPU tests, registered like any plugin reward.

An untrained tiny model never answers correctly, so accuracy is 0 for every completion,
GRPO's advantages are all 0 and no parameter moves. This reward (a function of the
completion's length in characters) almost always differs between completions of a group,
giving the policy gradient something to follow. Never use it for real training.
"""

from synrl.rewards.registry import register_reward


@register_reward("test_char_length", low=0.0, high=1.0)
def char_length(completion, ground_truth, **_):
    """min(1, characters / 48) (test-only)."""
    return min(1.0, len(completion) / 48)
