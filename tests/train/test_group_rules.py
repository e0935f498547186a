"""The group-level rules of the GRPO trainer, as TRL reward functions and for any process layout."""

from __future__ import annotations

import json

import pytest

from synrl.train.grpo import GroupLengthReward, shuffled_shares

MC = json.dumps({"answer_type": "multiple_choice", "answer": "B", "options": {"A": "x", "B": "y"}})


def test_one_shuffled_group_per_prompt_whatever_the_layout():
    # p0 on ranks 0 and 1, p1 on rank 1 only, p2 on ranks 0, 1, 2
    holders = [("p0", 0), ("p2", 0), ("p0", 1), ("p1", 1), ("p2", 1), ("p2", 2)]
    shares = shuffled_shares(holders, 4)
    assert shares == {("p0", 0): 2, ("p0", 1): 2, ("p1", 1): 4, ("p2", 0): 2, ("p2", 1): 1, ("p2", 2): 1}
    for uid in ("p0", "p1", "p2"):
        assert sum(n for (u, _), n in shares.items() if u == uid) == 4
    # one process: the whole group there
    assert shuffled_shares([("p", 0)], 4) == {("p", 0): 4}
    # more holders than rollouts: the lowest ranks take them
    assert shuffled_shares([("p", 3), ("p", 1), ("p", 2)], 2) == {("p", 1): 1, ("p", 2): 1, ("p", 3): 0}


@pytest.mark.parametrize(("answers", "expected"), [
    # two correct of four: both in the window get 0.2
    (["B", "B", "A", "A"], [0.2, 0.2, 0.0, 0.0]),
    # only one correct: Video-R1's code pays nothing
    (["B", "A", "A", "A"], [0.0, 0.0, 0.0, 0.0]),
])
def test_group_length_reward_as_trl_calls_it(answers, expected):
    reward = GroupLengthReward({"threshold": 0.1, "strict": True, "min_correct_in_group": 2})
    completions = [f"<think>t</think><answer>{a}</answer>" for a in answers]
    ids = [[0] * 400] * len(answers)
    out = reward(completions, completion_ids=ids, uid=["u"] * len(answers), ground_truth=[MC] * len(answers))
    assert out == pytest.approx(expected)


def test_group_length_reward_groups_by_prompt():
    reward = GroupLengthReward({"min_correct_in_group": 2})
    answers = ["B", "B", "B", "A"]  # u1 has two correct, u2 one
    out = reward([f"<answer>{a}</answer>" for a in answers], completion_ids=[[0] * 330] * 4,
                 uid=["u1", "u1", "u2", "u2"], ground_truth=[MC] * 4)
    assert out == pytest.approx([0.2, 0.2, 0.0, 0.0])
