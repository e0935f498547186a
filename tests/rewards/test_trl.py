"""Tests of the TRL adapter with TRL's calling convention.

GRPOTrainer calls ``func(prompts=..., completions=..., completion_ids=..., **columns)``
(plus ``trainer_state=...`` in recent versions) and logs under ``func.__name__``; the run
inside a real trainer step belongs to the training issue.
"""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest

from synrl.rewards.trl import TRLReward, completion_text, trl_reward_functions

RIGHT = "<think>Two legs.</think><answer>B</answer>"
WRONG = "<think>One leg.</think><answer>A</answer>"
UNFORMATTED = "B"
OPTIONS = {"A": "Down", "B": "First to the down, then to the left", "C": None}
COLUMNS: dict[str, list[Any]] = {
    "answer_type": ["multiple_choice"] * 3,
    "answer": ["B"] * 3,
    "options": [OPTIONS] * 3,
    "task": ["direction"] * 3,  # an unrelated column is ignored
}


def as_messages(text: str) -> list[dict[str, str]]:
    return [{"role": "assistant", "content": text}]


TRL_CASES: list[tuple[Any, list[Any], list[float]]] = [
    # plain completions, one reward
    ("accuracy", [RIGHT, WRONG, UNFORMATTED], [1.0, 0.0, 0.0]),
    # conversational completions
    ("accuracy", [as_messages(RIGHT), as_messages(WRONG), as_messages(UNFORMATTED)], [1.0, 0.0, 0.0]),
    # a weighted sum: accuracy + 0.5 * format
    ({"accuracy": 1.0, "format": 0.5}, [RIGHT, WRONG, UNFORMATTED], [1.5, 0.5, 0.0]),
]


@pytest.mark.parametrize(("reward", "completions", "expected"), TRL_CASES)
def test_trl_call_convention(reward: Any, completions: list[Any], expected: list[float]) -> None:
    func = TRLReward(reward)
    scores = func(
        prompts=["Which path?"] * 3,
        completions=completions,
        completion_ids=[[1, 2, 3]] * 3,
        trainer_state=object(),
        **COLUMNS,
    )
    assert scores == pytest.approx(expected)
    assert all(isinstance(s, float) for s in scores)


def test_ground_truth_as_one_json_column() -> None:
    # a dataset may keep the whole ground truth in one JSON string column
    truth = json.dumps({"answer_type": "list", "answer": ["down", "left"], "answer_ordered": True})
    func = TRLReward("accuracy")
    assert func(completions=["<answer>down, left</answer>", "<answer>left, down</answer>"], ground_truth=[truth] * 2) == [1.0, 0.0]


def test_length_uses_completion_ids() -> None:
    func = TRLReward("length")
    columns = {"answer_type": ["yes_no"] * 2, "answer": ["yes"] * 2}
    ids = [[0] * 400, [0] * 600]  # inside and outside [320, 512]
    assert func(completions=["<answer>yes</answer>"] * 2, completion_ids=ids, **columns) == [0.2, 0.0]


def test_name_and_pickle() -> None:
    func = TRLReward({"accuracy": 1.0, "format": 0.5})
    named = TRLReward("accuracy", name="synrl_accuracy")
    clone = pickle.loads(pickle.dumps(func))
    assert (func.__name__, named.__name__, clone.__name__) == ("accuracy+format", "synrl_accuracy", "accuracy+format")
    assert clone(completions=[RIGHT], **{k: v[:1] for k, v in COLUMNS.items()}) == [1.5]


def test_reward_functions_with_weights_for_grpo_config() -> None:
    funcs, weights = trl_reward_functions({"accuracy": 1.0, "length": 1.0}, params={"length": {"omega": 0.5}})
    assert [f.__name__ for f in funcs] == ["accuracy", "length"]
    assert weights == [1.0, 1.0]
    columns = {"answer_type": ["yes_no"], "answer": ["yes"]}
    # the length function got its own omega
    assert funcs[1](completions=["<answer>yes</answer>"], completion_ids=[[0] * 400], **columns) == [0.5]


TEXT_CASES: list[tuple[Any, str]] = [
    # a plain string
    ("abc", "abc"),
    # the last assistant message wins
    ([{"role": "user", "content": "q"}, {"role": "assistant", "content": "a1"}, {"role": "assistant", "content": "a2"}], "a2"),
    # multimodal content parts are joined
    ([{"role": "assistant", "content": [{"type": "text", "text": "<answer>"}, {"type": "text", "text": "B</answer>"}]}], "<answer>B</answer>"),
    # no assistant role: the last message
    ([{"role": "user", "content": "x"}], "x"),
    # an empty message list
    ([], ""),
    # something else entirely
    (None, ""),
]


@pytest.mark.parametrize(("completion", "expected"), TEXT_CASES)
def test_completion_text(completion: Any, expected: str) -> None:
    assert completion_text(completion) == expected
