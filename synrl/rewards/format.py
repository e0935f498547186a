"""The format reward: one think block, then one answer block, nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.rewards.registry import register_reward

__all__ = ["follows_format", "format_reward"]

_TAGS = ("<think>", "</think>", "<answer>", "</answer>")


def follows_format(completion: str) -> bool:
    """Whether ``completion`` is ``<think>...</think><answer>...</answer>``.

    Whitespace may surround the blocks; each tag appears exactly once (so repeated and
    nested blocks fail), the think block may be empty but the answer may not, and nothing
    but whitespace may stand before, between or after the blocks. Tags are lower-case, as
    in the prompt template.
    """
    if not isinstance(completion, str):
        return False
    # str.count and str.find are linear; a regular expression with lazy groups would be
    # quadratic on adversarial input.
    if any(completion.count(tag) != 1 for tag in _TAGS):
        return False
    text = completion.strip()
    if not text.startswith("<think>") or not text.endswith("</answer>"):
        return False
    think_close = text.find("</think>")
    answer_open = text.find("<answer>")
    if answer_open < think_close or text[think_close + len("</think>") : answer_open].strip():
        return False
    return bool(text[answer_open + len("<answer>") : -len("</answer>")].strip())


@register_reward("format", low=0.0, high=1.0)
def format_reward(completion: str, ground_truth: Mapping[str, Any] | None = None) -> float:
    """1.0 when the completion follows ``<think>...</think><answer>...</answer>``, else 0.0.

    See :func:`follows_format` for the exact rule. ``ground_truth`` is ignored; it is
    accepted so that every reward has the same signature. Range [0, 1].
    """
    return 1.0 if follows_format(completion) else 0.0
