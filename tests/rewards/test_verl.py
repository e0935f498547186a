"""Tests of the verl entry point, loaded the way verl loads custom reward functions.

verl's ``get_custom_reward_fn`` does ``spec_from_file_location("custom_module", path)``,
registers the module in ``sys.modules``, executes it and takes ``config.name`` from it,
then calls ``fn(data_source=..., solution_str=..., ground_truth=..., extra_info=...,
**reward_kwargs)``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import numpy as np
import pytest

import synrl.rewards.verl as verl_module


def load_like_verl(path: str, name: str, reward_kwargs: dict[str, Any] | None = None) -> Callable[..., Any]:
    spec = importlib.util.spec_from_file_location("custom_module", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["custom_module"] = module
    spec.loader.exec_module(module)
    raw_fn = getattr(module, name)
    return partial(raw_fn, **(reward_kwargs or {}))


@pytest.fixture
def compute_score() -> Iterator[Callable[..., Any]]:
    yield load_like_verl(verl_module.__file__, "compute_score")
    sys.modules.pop("custom_module", None)


RIGHT = "<think>Two wall contacts.</think><answer>2</answer>"
WRONG = "<think>Three.</think><answer>3</answer>"

VERL_CASES: list[tuple[str, Any, Any, dict[str, float]]] = [
    # ground truth as a dict: accuracy 1 + format 1
    (RIGHT, {"answer_type": "number", "answer": 2}, None, {"score": 2.0, "accuracy": 1.0, "format": 1.0}),
    # wrong answer, good format
    (WRONG, {"answer_type": "number", "answer": 2}, None, {"score": 1.0, "accuracy": 0.0, "format": 1.0}),
    # ground truth as a JSON string (a parquet string column)
    (RIGHT, json.dumps({"answer_type": "number", "answer": 2}), None, {"score": 2.0, "accuracy": 1.0, "format": 1.0}),
    # the bare answer, with the answer type in extra_info
    (RIGHT, "2", {"answer_type": "number", "index": 7}, {"score": 2.0, "accuracy": 1.0, "format": 1.0}),
    # multiple choice with options in extra_info (as JSON)
    (
        "<think>x</think><answer>(C)</answer>",
        "C",
        {"answer_type": "multiple_choice", "options": json.dumps({"A": "1", "B": "2", "C": "3"})},
        {"score": 2.0, "accuracy": 1.0, "format": 1.0},
    ),
    # an interval: IoU of [4, 6] with [2, 8] is 1/3, no format
    ("<answer>4 to 6</answer>", [2.0, 8.0], {"answer_type": "interval"}, {"score": 1 / 3, "accuracy": 1 / 3, "format": 0.0}),
]


@pytest.mark.parametrize(("solution", "ground_truth", "extra_info", "expected"), VERL_CASES)
def test_compute_score_loaded_by_path(
    compute_score: Callable[..., Any], solution: str, ground_truth: Any, extra_info: Any, expected: dict[str, float]
) -> None:
    result = compute_score(data_source="synrl/collision_count", solution_str=solution, ground_truth=ground_truth, extra_info=extra_info)
    assert result == pytest.approx(expected)


def test_reward_kwargs_from_the_config() -> None:
    # custom_reward_function.reward_kwargs.weights adds the length bonus; the response
    # length comes from extra_info when the data pipeline records it
    fn = load_like_verl(verl_module.__file__, "compute_score", {"weights": {"accuracy": 1.0, "length": 1.0}})
    try:
        result = fn(
            data_source="synrl",
            solution_str=RIGHT,
            ground_truth={"answer_type": "number", "answer": 2},
            extra_info={"response_length": 400},
        )
    finally:
        sys.modules.pop("custom_module", None)
    assert result == pytest.approx({"score": 1.2, "accuracy": 1.0, "length": 0.2})


def test_keys_are_the_same_for_every_answer_type(compute_score: Callable[..., Any]) -> None:
    # verl gathers every non-score key into per-sample lists, so keys must not vary
    truths = [
        {"answer_type": "yes_no", "answer": "no"},
        {"answer_type": "list", "answer": ["a", "b"]},
        {"answer_type": "interval", "answer": [0, 1]},
        {"answer_type": "free_form", "answer": "a red ball"},
    ]
    keys = {tuple(compute_score(data_source="d", solution_str="junk", ground_truth=t, extra_info=None)) for t in truths}
    assert keys == {("score", "accuracy", "format")}


def test_extra_verl_arguments_are_ignored(compute_score: Callable[..., Any]) -> None:
    # recent verl versions pass more keywords (e.g. sandbox settings); they must not break
    result = compute_score(
        data_source="d", solution_str=RIGHT, ground_truth={"answer_type": "number", "answer": 2}, extra_info={"num_turns": 1}, sandbox_fusion_url=None
    )
    assert result["score"] == 2.0


LENGTH_WEIGHTS = {"weights": {"accuracy": 1.0, "length": 1.0}}
NUMBER_TWO = {"answer_type": "number", "answer": 2}


@pytest.mark.parametrize("count", [400, np.int64(400), np.int32(400), np.array(400), np.uint16(400)])
def test_response_length_of_any_integer_type(count: Any) -> None:
    # verl's DataProto rows hold numpy scalars; a plain isinstance(int) check missed them
    # and the length bonus silently fell back to the word-count estimate (0 here: 8 words)
    result = verl_module.compute_score("synrl", RIGHT, NUMBER_TWO, {"response_length": count}, **LENGTH_WEIGHTS)
    assert result == pytest.approx({"score": 1.2, "accuracy": 1.0, "length": 0.2})


@pytest.mark.parametrize("count", [True, 400.0, "400", np.array([400])])
def test_non_integer_lengths_are_not_token_counts(count: Any) -> None:
    result = verl_module.compute_score("synrl", RIGHT, NUMBER_TWO, {"response_length": count}, **LENGTH_WEIGHTS)
    assert result["length"] == 0.0  # the estimate: the short completion is far below 320 tokens


class _CharTokenizer:
    """One token per character: an exact, known count."""

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        assert add_special_tokens is False
        return [ord(c) for c in text]


def test_tokenizer_counts_when_verl_gives_no_length() -> None:
    completion = "<think>" + "x" * 380 + "</think><answer>2</answer>"  # 413 characters
    with_tok = verl_module.compute_score("synrl", completion, NUMBER_TWO, {"num_turns": 1}, tokenizer=_CharTokenizer(),
                                         **LENGTH_WEIGHTS)
    assert with_tok == pytest.approx({"score": 1.2, "accuracy": 1.0, "length": 0.2})
    # a length in extra_info wins over the tokenizer
    short = verl_module.compute_score("synrl", completion, NUMBER_TWO, {"response_length": np.int64(12)},
                                      tokenizer=_CharTokenizer(), **LENGTH_WEIGHTS)
    assert short["length"] == 0.0


def test_response_token_count_sources() -> None:
    assert verl_module.response_token_count("a b", {"valid_response_length": np.int64(7)}) == 7
    assert verl_module.response_token_count("abc", None, _CharTokenizer()) == 3
    assert verl_module.response_token_count("abc", {"response_length": None}) is None
