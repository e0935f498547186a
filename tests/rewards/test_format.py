"""Table-driven tests of the format reward."""

from __future__ import annotations

import pytest

from synrl.rewards.format import follows_format, format_reward

FORMAT_CASES = [
    # the template
    ("<think>The ball hits the wall twice.</think><answer>2</answer>", 1.0),
    # newlines around and between the blocks
    ("\n<think>\nstep\n</think>\n\n<answer>\nB\n</answer>\n", 1.0),
    # an empty think block is allowed
    ("<think></think><answer>B</answer>", 1.0),
    # an empty answer block is not
    ("<think>x</think><answer>  </answer>", 0.0),
    # no think block
    ("<answer>B</answer>", 0.0),
    # no answer block
    ("<think>x</think>", 0.0),
    # blocks in the wrong order
    ("<answer>B</answer><think>x</think>", 0.0),
    # text before the think block
    ("Sure! <think>x</think><answer>B</answer>", 0.0),
    # text between the blocks
    ("<think>x</think> so <answer>B</answer>", 0.0),
    # text after the answer block
    ("<think>x</think><answer>B</answer> done", 0.0),
    # two answer blocks
    ("<think>x</think><answer>A</answer><answer>B</answer>", 0.0),
    # two think blocks
    ("<think>x</think><think>y</think><answer>B</answer>", 0.0),
    # nested think blocks
    ("<think><think>x</think></think><answer>B</answer>", 0.0),
    # an answer block nested in the think block
    ("<think>x<answer>A</answer></think><answer>B</answer>", 0.0),
    # a think tag inside the answer
    ("<think>x</think><answer>B<think></answer>", 0.0),
    # unclosed think
    ("<think>x<answer>B</answer>", 0.0),
    # tags are matched case-insensitively, as the accuracy reward reads them (synrl.qa)
    ("<THINK>x</THINK><ANSWER>B</ANSWER>", 1.0),
    ("<Think>x</think><answer>B</Answer>", 1.0),
    # ... so a second answer block in another case is still a second block
    ("<think>x</think><answer>A</answer><ANSWER>B</ANSWER>", 0.0),
    # empty string
    ("", 0.0),
]


@pytest.mark.parametrize(("completion", "expected"), FORMAT_CASES)
def test_format_reward(completion: str, expected: float) -> None:
    assert format_reward(completion) == expected
    assert follows_format(completion) is (expected == 1.0)


def test_format_reward_ignores_ground_truth() -> None:
    # same signature as every reward; the ground truth plays no part
    assert format_reward("<think>x</think><answer>B</answer>", {"answer": "A"}) == 1.0


def test_non_string_completion_scores_zero() -> None:
    # a message list that slipped past the adapter is not a crash
    assert format_reward([{"role": "assistant", "content": "x"}]) == 0.0  # type: ignore[arg-type]
